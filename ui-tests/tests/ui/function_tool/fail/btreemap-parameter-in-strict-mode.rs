use std::collections::BTreeMap;

use chatkit_runtime::function_tool;

/// Score the players.
#[function_tool]
async fn score(points: BTreeMap<String, u32>) -> u32 {
    points.values().sum()
}

fn main() {}
