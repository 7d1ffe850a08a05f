use chatkit_runtime::function_tool;

struct Task {
    title: String,
}

/// Add a task.
#[function_tool]
async fn add_task(title: String) -> Task {
    Task { title }
}

fn main() {}
