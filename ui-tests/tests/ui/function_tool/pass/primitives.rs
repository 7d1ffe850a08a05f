// Primitive, `Option` and `Vec` parameters: a strict schema that requires
// every property, and a call that parses each of them.

use chatkit_runtime::tool::{SchemaDialect, Tool, ToolOutput, check_openai_strict};
use chatkit_runtime::{AgentContext, function_tool};
use serde_json::json;

/// Describe the arguments.
#[function_tool]
#[allow(clippy::too_many_arguments)]
async fn describe(
    count: u32,
    offset: i64,
    ratio: f64,
    enabled: bool,
    initial: char,
    label: String,
    note: Option<String>,
    ids: Vec<u16>,
    groups: Vec<Vec<Option<i8>>>,
) -> String {
    format!("{count} {offset} {ratio} {enabled} {initial} {label} {note:?} {ids:?} {groups:?}")
}

fn main() {
    let schema = Tool::<()>::parameters(&describe::tool(), SchemaDialect::OpenAi).unwrap();
    check_openai_strict(&schema).unwrap();
    assert_eq!(
        schema["required"],
        json!([
            "count", "offset", "ratio", "enabled", "initial", "label", "note", "ids", "groups"
        ])
    );
    assert_eq!(
        schema["properties"]["note"]["type"],
        json!(["string", "null"])
    );

    let output = futures::executor::block_on(describe::tool().call(
        &AgentContext::default(),
        r#"{"count":1,"offset":-2,"ratio":0.5,"enabled":true,"initial":"x","label":"l",
            "note":null,"ids":[3,4],"groups":[[5,null]]}"#,
    ));
    assert_eq!(
        output,
        ToolOutput::Text("1 -2 0.5 true x l None [3, 4] [[Some(5), None]]".to_owned())
    );

    // The fn itself is still there, and callable.
    let direct = futures::executor::block_on(describe(
        0,
        0,
        0.0,
        false,
        'a',
        String::new(),
        None,
        vec![],
        vec![],
    ));
    assert_eq!(direct, "0 0 0 false a  None [] []");
}
