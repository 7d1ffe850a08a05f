// The error type of a `Result` is underlined whole, path and all.

use chatkit_runtime::function_tool;

mod store {
    #[derive(Debug)]
    pub struct Error;
}

/// Add a task.
#[function_tool]
async fn add_task(title: String) -> std::result::Result<String, store::Error> {
    Ok(title)
}

fn main() {}
