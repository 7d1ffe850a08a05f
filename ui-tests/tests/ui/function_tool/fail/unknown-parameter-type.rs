// A parameter type that does not exist is reported once, by rustc, though
// the expansion repeats the type.

use chatkit_runtime::function_tool;

/// Find tasks.
#[function_tool]
async fn find_tasks(filter: Filtr) -> Vec<String> {
    let _ = filter;
    Vec::new()
}

fn main() {}
