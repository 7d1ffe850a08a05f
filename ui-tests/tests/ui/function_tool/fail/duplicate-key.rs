use chatkit_runtime::function_tool;

/// Add a task.
#[function_tool(name = "add_task", strict = true, name = "create_task")]
async fn add_task(title: String) -> String {
    title
}

fn main() {}
