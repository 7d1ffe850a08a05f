use chatkit_runtime::function_tool;

/// Add a task.
#[function_tool(strict)]
async fn add_task(title: String) -> String {
    title
}

fn main() {}
