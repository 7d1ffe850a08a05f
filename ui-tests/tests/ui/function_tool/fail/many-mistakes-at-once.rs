// Every mistake is reported in one pass.

use std::collections::HashMap;

use chatkit_runtime::{AgentContext, function_tool};

/// Add a task.
#[function_tool(
    descripton = "Add a task.",
    strict = "yes",
    name = "add task",
    strict = false
)]
fn add_task<T>(
    title: &str,
    (a, b): (u8, u8),
    ctx: AgentContext,
    tags: HashMap<String, String>,
    extra: impl Into<String>,
) -> String {
    let _ = (ctx, tags, a, b);
    format!("{title}{}", extra.into())
}

fn main() {}
