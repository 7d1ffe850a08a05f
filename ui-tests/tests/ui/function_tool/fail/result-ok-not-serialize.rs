use chatkit_runtime::function_tool;

struct Task {
    title: String,
}

/// Add a task.
#[function_tool]
async fn add_task(title: String) -> Result<Task, String> {
    Ok(Task { title })
}

fn main() {}
