// Raw identifiers, `mut` bindings, the context anywhere in the list (or
// not at all), and no parameters.

use chatkit_runtime::tool::{SchemaDialect, Tool, ToolOutput};
use chatkit_runtime::{AgentContext, function_tool};
use serde_json::json;

struct User {
    name: String,
}

/// Label a task.
#[function_tool]
async fn label(r#type: String, mut r#ref: String) -> String {
    r#ref.push('!');
    format!("{type}: {ref}", type = r#type, ref = r#ref)
}

/// Greet the user, context first.
#[function_tool]
async fn greet_first(ctx: &AgentContext<User>, mut greeting: String) -> String {
    greeting.push_str(", ");
    greeting + &ctx.context().name
}

/// Greet the user, context in the middle.
#[function_tool]
async fn greet_middle(greeting: String, ctx: &AgentContext<User>, times: usize) -> String {
    format!("{greeting}, {}", ctx.context().name).repeat(times)
}

/// Greet the user, context last.
#[function_tool]
async fn greet_last(greeting: String, ctx: &AgentContext<User>) -> String {
    format!("{greeting}, {}", ctx.context().name)
}

/// Only the context.
#[function_tool]
async fn whoami(ctx: &AgentContext<User>) -> String {
    ctx.context().name.clone()
}

/// The context with its type parameter left out.
#[function_tool]
async fn unit_context(_ctx: &AgentContext, n: u8) -> u8 {
    n
}

/// No parameters.
#[function_tool]
async fn ping() -> String {
    "pong".to_owned()
}

fn main() {
    let unit = AgentContext::default();
    let user = AgentContext::new(User {
        name: "Ada".to_owned(),
    });

    let schema = Tool::<()>::parameters(&label::tool(), SchemaDialect::OpenAi).unwrap();
    assert_eq!(schema["required"], json!(["type", "ref"]));
    let output =
        futures::executor::block_on(label::tool().call(&unit, r#"{"type":"bug","ref":"x"}"#));
    assert_eq!(output, ToolOutput::Text("bug: x!".to_owned()));

    for (tool, arguments, expected) in [
        (
            &greet_first::tool() as &dyn Tool<User>,
            r#"{"greeting":"Hi"}"#,
            "Hi, Ada",
        ),
        (
            &greet_middle::tool(),
            r#"{"greeting":"Hi","times":2}"#,
            "Hi, AdaHi, Ada",
        ),
        (&greet_last::tool(), r#"{"greeting":"Hi"}"#, "Hi, Ada"),
        (&whoami::tool(), "", "Ada"),
    ] {
        let schema = tool.parameters(SchemaDialect::OpenAi).unwrap();
        assert!(schema["properties"].get("ctx").is_none());
        let output = futures::executor::block_on(tool.call(&user, arguments));
        assert_eq!(output, ToolOutput::Text(expected.to_owned()));
    }

    let output = futures::executor::block_on(unit_context::tool().call(&unit, r#"{"n":4}"#));
    assert_eq!(output, ToolOutput::Json(json!(4)));

    let schema = Tool::<()>::parameters(&ping::tool(), SchemaDialect::OpenAi).unwrap();
    assert_eq!(
        schema,
        json!({"type": "object", "properties": {}, "required": [], "additionalProperties": false})
    );
    // A tool without a context works with any context type.
    let output = futures::executor::block_on(ping::tool().call(&user, ""));
    assert_eq!(output, ToolOutput::Text("pong".to_owned()));
    let output = futures::executor::block_on(ping::tool().call(&unit, "{}"));
    assert_eq!(output, ToolOutput::Text("pong".to_owned()));
}
