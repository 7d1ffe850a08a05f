// `#[serde]` and `#[schemars]` on a parameter move to its field in the
// arguments; doc comments become its description; other attributes stay on
// the fn.

use chatkit_runtime::tool::{SchemaDialect, Tool, ToolOutput};
use chatkit_runtime::{AgentContext, function_tool};
use serde_json::json;

/// Find tasks.
#[function_tool(strict = false)]
async fn find_tasks(
    /// What to look for
    #[serde(rename = "searchText")]
    search_text: String,
    /// How many tasks at most
    #[serde(default = "default_limit")]
    #[schemars(range(min = 1, max = 100))]
    limit: u32,
    #[serde(default)] include_done: bool,
    #[allow(unused_variables)] unused: Option<String>,
) -> String {
    format!("{search_text} {limit} {include_done}")
}

fn default_limit() -> u32 {
    10
}

fn main() {
    let schema = Tool::<()>::parameters(&find_tasks::tool(), SchemaDialect::OpenAi).unwrap();
    assert_eq!(
        schema["properties"]["searchText"],
        json!({"description": "What to look for", "type": "string"})
    );
    assert_eq!(
        schema["properties"]["limit"]["description"],
        "How many tasks at most"
    );
    assert_eq!(schema["properties"]["limit"]["maximum"], 100);
    assert_eq!(schema["required"], json!(["searchText"]));

    let ctx = AgentContext::default();
    let output =
        futures::executor::block_on(find_tasks::tool().call(&ctx, r#"{"searchText":"milk"}"#));
    assert_eq!(output, ToolOutput::Text("milk 10 false".to_owned()));
    let output = futures::executor::block_on(find_tasks::tool().call(
        &ctx,
        r#"{"searchText":"milk","limit":3,"include_done":true}"#,
    ));
    assert_eq!(output, ToolOutput::Text("milk 3 true".to_owned()));
    // The Rust name is not the key the model uses.
    let output =
        futures::executor::block_on(find_tasks::tool().call(&ctx, r#"{"search_text":"milk"}"#));
    assert!(output.is_error());
}
