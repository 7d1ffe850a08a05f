use chatkit_runtime::function_tool;

/// List the tasks.
#[function_tool(readOnlyHint = true)]
async fn list_tasks() -> Vec<String> {
    Vec::new()
}

fn main() {}
