// Open maps and `serde_json::Value` are refused in strict mode, and
// accepted with `strict = false`.

use std::collections::{BTreeMap, HashMap};

use chatkit_runtime::tool::{SchemaDialect, Tool, ToolOutput};
use chatkit_runtime::{AgentContext, function_tool};
use serde_json::json;

/// Store a document.
#[function_tool(strict = false)]
async fn store(
    tags: HashMap<String, String>,
    scores: BTreeMap<String, u32>,
    document: serde_json::Value,
    extra: Option<HashMap<String, i64>>,
) -> usize {
    tags.len()
        + scores.len()
        + document.as_object().map_or(0, |o| o.len())
        + extra.map_or(0, |e| e.len())
}

fn main() {
    let tool = store::tool();
    assert!(!Tool::<()>::strict(&tool));
    let definition = Tool::<()>::definition(&tool, SchemaDialect::OpenAi).unwrap();
    assert!(!definition.strict);
    assert_eq!(
        definition.parameters["properties"]["tags"]["additionalProperties"],
        json!({"type": "string"})
    );
    let output = futures::executor::block_on(tool.call(
        &AgentContext::default(),
        r#"{"tags":{"a":"b"},"scores":{"x":1,"y":2},"document":{"k":[1]},"extra":null}"#,
    ));
    assert_eq!(output, ToolOutput::Json(json!(4)));
}
