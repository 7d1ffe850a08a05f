//! `#[function_tool]` behaviour: calls with good and bad arguments, errors,
//! panics, return types, context, and the generated definitions.

use chatkit_runtime::tool::{
    ErrorVisibility, SchemaDialect, Tool, ToolAnnotations, ToolErrorKind, ToolImage, ToolOutput,
    check_openai_strict,
};
use chatkit_runtime::{AgentContext, function_tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Priority {
    Low,
    High,
}

#[derive(Debug, Serialize)]
struct Task {
    id: u32,
    title: String,
    description: Option<String>,
    priority: Priority,
}

struct User {
    id: String,
}

/// Add a task to the user's todo list.
///
/// The task starts pending.
///
/// # Errors
///
/// When the title is empty.
#[function_tool]
async fn add_task(
    /// Short title of the task
    title: String,
    ctx: &AgentContext<User>,
    /// Optional longer description
    description: Option<String>,
    priority: Priority,
) -> Result<Task, String> {
    if title.is_empty() {
        return Err(format!("user {} gave an empty title", ctx.context().id));
    }
    Ok(Task {
        id: 7,
        title,
        description,
        priority,
    })
}

/// Say hello.
///
/// # Arguments
///
/// * `name` - Who to greet
#[function_tool(
    name = "greet",
    description = "Greets someone by name.",
    show_errors = true
)]
async fn say_hello(name: String) -> String {
    format!("Hello, {name}!")
}

/// Always fails.
#[function_tool(show_errors = true)]
async fn broken() -> Result<(), std::io::Error> {
    Err(std::io::Error::other("disk on fire"))
}

/// Always fails, quietly.
#[function_tool]
async fn secretive() -> anyhow_like::Result<u8> {
    Err(anyhow_like::Error("password=hunter2".into()))
}

/// Panics.
#[function_tool]
async fn explode(value: i64) -> i64 {
    if value > 0 {
        panic!("value {value} is too big");
    }
    value
}

/// Returns nothing.
#[function_tool]
async fn nothing() {}

/// Returns an image.
#[function_tool]
async fn picture() -> ToolOutput {
    ToolOutput::image(ToolImage::url("https://example.com/cat.png"))
}

/// Maybe returns a number.
#[function_tool]
async fn maybe(present: bool) -> Option<u32> {
    present.then_some(3)
}

mod anyhow_like {
    pub(crate) struct Error(pub(crate) String);
    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }
    pub(crate) type Result<T> = std::result::Result<T, Error>;
}

/// List the user's tasks.
#[function_tool(read_only, idempotent, title = "List tasks")]
async fn list_tasks() -> Vec<String> {
    Vec::new()
}

/// Delete a task.
#[function_tool(destructive, read_only = false, open_world = false)]
async fn delete_task(id: u32) -> u32 {
    id
}

fn user() -> AgentContext<User> {
    AgentContext::new(User { id: "u1".into() })
}

#[tokio::test]
async fn the_fn_stays_callable() {
    let ctx = user();
    let task = add_task("Buy milk".into(), &ctx, None, Priority::Low)
        .await
        .unwrap();
    assert_eq!(task.id, 7);
    assert_eq!(say_hello("Ada".into()).await, "Hello, Ada!");
}

#[tokio::test]
async fn good_arguments_call_the_fn_and_serialize_the_result() {
    let ctx = user();
    let output = add_task::tool()
        .call(
            &ctx,
            r#"{"title":"Buy milk","description":null,"priority":"high"}"#,
        )
        .await;
    assert_eq!(
        output,
        ToolOutput::Json(
            json!({"id": 7, "title": "Buy milk", "description": null, "priority": "high"})
        )
    );
    // `Option` arguments may also be left out (non-strict providers do).
    let output = add_task::tool()
        .call(&ctx, r#"{"title":"x","priority":"low"}"#)
        .await;
    assert!(!output.is_error(), "{output:?}");
}

#[tokio::test]
async fn strings_are_sent_as_text() {
    let output = say_hello::tool()
        .call(&AgentContext::default(), r#"{"name":"Ada"}"#)
        .await;
    assert_eq!(output, ToolOutput::Text("Hello, Ada!".into()));
}

#[tokio::test]
async fn bad_arguments_tell_the_model_what_to_fix() {
    let ctx = user();
    let cases = [
        (
            r#"{"title":5,"description":null,"priority":"low"}"#,
            "`title`",
        ),
        (
            r#"{"title":"t","description":null,"priority":"urgent"}"#,
            "`priority`",
        ),
        (
            r#"{"title":"t","description":null,"priority":"low","extra":1}"#,
            "unknown field `extra`",
        ),
        (
            r#"{"description":null,"priority":"low"}"#,
            "missing field `title`",
        ),
        (r#"{not json"#, "key must be a string"),
        (r#"[1, 2]"#, "expected a JSON object"),
    ];
    for (arguments, expected) in cases {
        let output = add_task::tool().call(&ctx, arguments).await;
        let ToolOutput::Error(error) = &output else {
            panic!("{arguments} gave {output:?}")
        };
        assert_eq!(error.kind(), ToolErrorKind::InvalidArguments);
        // Argument errors are shown even when errors are redacted.
        let text = output.to_model_text(ErrorVisibility::Redacted);
        assert!(text.contains(expected), "{arguments}: {text}");
        assert!(text.contains("add_task"), "{text}");
    }
}

#[tokio::test]
async fn empty_arguments_mean_no_arguments() {
    let output = nothing::tool().call(&AgentContext::default(), "").await;
    assert_eq!(output, ToolOutput::Json(Value::Null));
}

#[tokio::test]
async fn errors_are_redacted_unless_shown() {
    let ctx = user();
    let output = add_task::tool()
        .call(&ctx, r#"{"title":"","description":null,"priority":"low"}"#)
        .await;
    let ToolOutput::Error(error) = &output else {
        panic!("{output:?}")
    };
    assert_eq!(error.kind(), ToolErrorKind::Failed);
    assert_eq!(error.message(), "user u1 gave an empty title");
    assert_eq!(
        output.to_model_text(ErrorVisibility::Redacted),
        "An error occurred while running the tool. Please try again."
    );
    assert!(
        output
            .to_model_text(ErrorVisibility::Shown)
            .ends_with("Error: user u1 gave an empty title")
    );

    assert_eq!(
        <add_task as Tool<User>>::error_visibility(&add_task::tool()),
        None
    );
    assert_eq!(
        Tool::<()>::error_visibility(&broken::tool()),
        Some(ErrorVisibility::Shown)
    );
    let output = broken::tool().call(&AgentContext::default(), "{}").await;
    assert!(
        output
            .to_model_text(ErrorVisibility::Shown)
            .contains("disk on fire")
    );

    let output = secretive::tool().call(&AgentContext::default(), "{}").await;
    assert!(
        !output
            .to_model_text(ErrorVisibility::Redacted)
            .contains("hunter2")
    );
}

#[tokio::test]
async fn panics_become_errors() {
    let output = explode::tool()
        .call(&AgentContext::default(), r#"{"value":5}"#)
        .await;
    let ToolOutput::Error(error) = &output else {
        panic!("{output:?}")
    };
    assert_eq!(error.kind(), ToolErrorKind::Panicked);
    assert_eq!(error.message(), "value 5 is too big");
    assert!(
        !output
            .to_model_text(ErrorVisibility::Redacted)
            .contains("too big")
    );
    let output = explode::tool()
        .call(&AgentContext::default(), r#"{"value":-5}"#)
        .await;
    assert_eq!(output, ToolOutput::Json(json!(-5)));
}

#[tokio::test]
async fn other_return_types() {
    let ctx = AgentContext::default();
    assert!(matches!(
        picture::tool().call(&ctx, "{}").await,
        ToolOutput::Image(_)
    ));
    assert_eq!(
        maybe::tool().call(&ctx, r#"{"present":true}"#).await,
        ToolOutput::Json(json!(3))
    );
    assert_eq!(
        maybe::tool().call(&ctx, r#"{"present":false}"#).await,
        ToolOutput::Json(Value::Null)
    );
}

#[test]
fn names_and_descriptions() {
    let tool = add_task::tool();
    assert_eq!(Tool::<User>::name(&tool), "add_task");
    assert_eq!(
        Tool::<User>::description(&tool),
        "Add a task to the user's todo list.\n\nThe task starts pending."
    );
    assert_eq!(Tool::<()>::name(&say_hello::tool()), "greet");
    assert_eq!(
        Tool::<()>::description(&say_hello::tool()),
        "Greets someone by name."
    );
}

#[test]
fn strict_openai_schema() {
    let schema = Tool::<User>::parameters(&add_task::tool(), SchemaDialect::OpenAi).unwrap();
    assert_eq!(
        schema,
        json!({
            "type": "object",
            "properties": {
                "title": {"description": "Short title of the task", "type": "string"},
                "description": {"description": "Optional longer description", "type": ["string", "null"]},
                "priority": {"type": "string", "enum": ["low", "high"]}
            },
            "required": ["title", "description", "priority"],
            "additionalProperties": false
        })
    );
    check_openai_strict(&schema).unwrap();
    let definition = Tool::<User>::definition(&add_task::tool(), SchemaDialect::OpenAi).unwrap();
    assert!(definition.strict);
}

#[test]
fn gemini_schema() {
    let schema = Tool::<User>::parameters(&add_task::tool(), SchemaDialect::Gemini).unwrap();
    assert_eq!(
        schema,
        json!({
            "type": "object",
            "properties": {
                "title": {"description": "Short title of the task", "type": "string"},
                "description": {"description": "Optional longer description", "type": "string", "nullable": true},
                "priority": {"type": "string", "enum": ["low", "high"]}
            },
            "required": ["title", "priority"]
        })
    );
    let definition = Tool::<User>::definition(&add_task::tool(), SchemaDialect::Gemini).unwrap();
    assert!(!definition.strict);
}

#[test]
fn argument_docs_from_the_arguments_section() {
    let schema = Tool::<()>::parameters(&say_hello::tool(), SchemaDialect::OpenAi).unwrap();
    assert_eq!(schema["properties"]["name"]["description"], "Who to greet");
}

#[test]
fn mcp_annotations_from_the_attribute() {
    assert_eq!(
        Tool::<()>::annotations(&list_tasks::tool()),
        ToolAnnotations {
            title: Some("List tasks".to_owned()),
            read_only: Some(true),
            destructive: None,
            idempotent: Some(true),
            open_world: None,
        }
    );
    assert_eq!(
        Tool::<()>::annotations(&delete_task::tool()),
        ToolAnnotations {
            title: None,
            read_only: Some(false),
            destructive: Some(true),
            idempotent: None,
            open_world: Some(false),
        }
    );
    // No annotation key: the trait's default.
    assert_eq!(
        <add_task as Tool<User>>::annotations(&add_task::tool()),
        ToolAnnotations::default()
    );
    assert_eq!(
        Tool::<()>::annotations(&say_hello::tool()),
        ToolAnnotations::default()
    );
}
