use chatkit_runtime::function_tool;

/// Add a task.
#[function_tool]
async fn añadir_tarea(title: String) -> String {
    title
}

fn main() {}
