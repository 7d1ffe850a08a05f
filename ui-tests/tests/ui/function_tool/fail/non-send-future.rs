// The `Rc` lives across the `.await`, so the fn's future is not `Send`; the
// error points at the fn, and rustc's notes at the `Rc` and the `.await`.

use std::rc::Rc;

use chatkit_runtime::function_tool;

async fn save(_title: &str) {}

/// Add a task.
#[function_tool]
async fn add_task(title: String) -> String {
    let shared = Rc::new(title);
    save(&shared).await;
    (*shared).clone()
}

fn main() {}
