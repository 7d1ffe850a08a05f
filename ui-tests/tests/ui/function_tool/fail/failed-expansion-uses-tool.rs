// A tool with a mistake still has its type, `tool()` and a `Tool` impl for
// the same context type: code that uses it causes no further errors, and
// only the macro's error shows.

use chatkit_runtime::tool::{SchemaDialect, Tool};
use chatkit_runtime::{AgentContext, function_tool};

struct User;

/// Shout.
#[function_tool]
async fn shout(ctx: &AgentContext<User>, text: &str) -> String {
    let _user = ctx.context();
    text.to_uppercase()
}

/// Whisper.
#[function_tool(strict = "no")]
async fn whisper(text: String) -> String {
    text.to_lowercase()
}

fn main() {
    let tool = shout::tool();
    let name: &str = Tool::name(&tool);
    let _definition = tool.definition(SchemaDialect::OpenAi);
    let ctx = AgentContext::new(User);
    let _output = tool.call(&ctx, "{}");
    let boxed: Box<dyn Tool<User>> = Box::new(shout::tool());
    let quiet = whisper::tool();
    let tools: Vec<&dyn Tool> = vec![&quiet];
    println!("{name} {} {}", boxed.name(), tools.len());
}
