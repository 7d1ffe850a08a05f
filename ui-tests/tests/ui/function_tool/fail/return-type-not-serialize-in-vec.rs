use chatkit_runtime::function_tool;

struct Task {
    title: String,
}

/// List the tasks.
#[function_tool]
async fn list_tasks(title: String) -> Vec<Task> {
    vec![Task { title }]
}

fn main() {}
