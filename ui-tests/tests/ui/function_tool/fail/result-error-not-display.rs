use chatkit_runtime::function_tool;

#[derive(Debug)]
struct StoreError;

/// Add a task.
#[function_tool]
async fn add_task(title: String) -> Result<String, StoreError> {
    Ok(title)
}

fn main() {}
