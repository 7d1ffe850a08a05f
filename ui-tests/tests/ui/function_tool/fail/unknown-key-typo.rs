use chatkit_runtime::function_tool;

#[function_tool(descripton = "Add a task.")]
async fn add_task(title: String) -> String {
    title
}

fn main() {}
