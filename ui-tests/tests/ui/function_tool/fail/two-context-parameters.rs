use chatkit_runtime::{AgentContext, function_tool};

/// Greet the user.
#[function_tool]
async fn greet(ctx: &AgentContext<String>, name: String, again: &AgentContext<String>) -> String {
    format!("{name}, {} {}", ctx.context(), again.context())
}

fn main() {}
