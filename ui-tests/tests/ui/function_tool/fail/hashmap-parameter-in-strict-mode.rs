use std::collections::HashMap;

use chatkit_runtime::function_tool;

/// Tag a task.
#[function_tool]
async fn tag_task(id: u32, tags: HashMap<String, String>) -> usize {
    tags.len() + id as usize
}

fn main() {}
