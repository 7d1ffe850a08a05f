use chatkit_runtime::function_tool;

/// Add a task.
#[function_tool]
struct AddTask {
    title: String,
}

fn main() {}
