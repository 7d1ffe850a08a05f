use std::collections::HashMap;

use chatkit_runtime::function_tool;

/// Tag a task.
#[function_tool]
async fn tag_task(id: u32, tags: Option<HashMap<String, String>>) -> u32 {
    id + tags.map_or(0, |tags| tags.len() as u32)
}

fn main() {}
