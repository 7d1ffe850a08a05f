//! Parameter schemas of a broad set of tool signatures, as committed JSON
//! snapshots (`tests/schemas/*.json`), each checked against OpenAI's strict
//! rules; and the argument parser agreeing with the schema on sample inputs.
//!
//! After an intended change, regenerate the snapshots with
//! `CHATKIT_BLESS=1 cargo test -p chatkit-runtime --test tool_schemas` and
//! review the diff.

#![allow(dead_code)] // The argument types are only read through `Debug`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chatkit_runtime::tool::{SchemaDialect, Tool, ToolErrorKind, ToolOutput, check_openai_strict};
use chatkit_runtime::{AgentContext, function_tool};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

/// Where a place is.
#[derive(Debug, Deserialize, JsonSchema)]
struct Location {
    /// City name
    city: String,
    /// Latitude, if known
    lat: Option<f64>,
}

/// Temperature unit.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

/// A shape, externally tagged.
#[derive(Debug, Deserialize, JsonSchema)]
enum Shape {
    Circle(f64),
    Rect { width: f64, height: f64 },
    Dot,
}

/// A filter, internally tagged.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Filter {
    ByName { name: String },
    ByAge { min: u32, max: Option<u32> },
    Everything,
}

/// A tree of categories.
#[derive(Debug, Deserialize, JsonSchema)]
struct Category {
    name: String,
    children: Vec<Category>,
}

/// Every primitive.
#[function_tool]
async fn primitives(
    flag: bool,
    count: i32,
    big: u64,
    ratio: f64,
    name: String,
    letter: char,
) -> String {
    format!("{flag} {count} {big} {ratio} {name} {letter}")
}

/// Optional values and lists.
#[function_tool]
async fn options_and_lists(
    maybe: Option<String>,
    tags: Vec<String>,
    scores: Option<Vec<u8>>,
    locations: Vec<Location>,
) -> usize {
    maybe.map_or(0, |m| m.len()) + tags.len() + scores.map_or(0, |s| s.len()) + locations.len()
}

/// Nested structs and enums.
#[function_tool]
async fn nested(location: Location, unit: Option<Unit>, shape: Shape, filter: Filter) -> String {
    format!("{location:?} {unit:?} {shape:?} {filter:?}")
}

/// Renamed and defaulted parameters.
#[function_tool]
async fn renamed(
    #[serde(rename = "userName")]
    /// The user's name
    user_name: String,
    #[serde(default)] verbose: bool,
    r#type: String,
) -> String {
    format!("{user_name} {verbose} {type}", type = r#type)
}

/// A recursive type.
#[function_tool]
async fn recursive(root: Category) -> usize {
    root.children.len()
}

/// No parameters at all.
#[function_tool]
async fn no_parameters() -> &'static str {
    "ok"
}

/// Loose maps, allowed outside strict mode.
#[function_tool(strict = false)]
async fn loose(settings: BTreeMap<String, Value>) -> usize {
    settings.len()
}

fn snapshot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schemas")
        .join(format!("{name}.json"))
}

/// Compares the tool's schemas in both dialects with its snapshot.
fn check_snapshot(tool: &dyn Tool) {
    let name = tool.name();
    let mut dialects = serde_json::Map::new();
    for (label, dialect) in [
        ("openai", SchemaDialect::OpenAi),
        ("gemini", SchemaDialect::Gemini),
    ] {
        let schema = match tool.parameters(dialect) {
            Ok(schema) => schema,
            Err(err) => json!({ "error": err.to_string() }),
        };
        dialects.insert(label.to_owned(), schema);
    }
    let actual = Value::Object(dialects);
    let path = snapshot_path(name);
    if std::env::var_os("CHATKIT_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_string_pretty(&actual).unwrap() + "\n").unwrap();
    }
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "missing snapshot {}; run with CHATKIT_BLESS=1",
                path.display()
            )
        }))
        .unwrap();
    assert_eq!(
        actual, expected,
        "schema of `{name}` changed; run with CHATKIT_BLESS=1 and review the diff"
    );
    if tool.strict()
        && let Err(errors) = check_openai_strict(&actual["openai"])
    {
        panic!("`{name}` is not strict: {errors:?}");
    }
}

fn tools() -> Vec<Box<dyn Tool>> {
    vec![
        Box::new(primitives::tool()),
        Box::new(options_and_lists::tool()),
        Box::new(nested::tool()),
        Box::new(renamed::tool()),
        Box::new(recursive::tool()),
        Box::new(no_parameters::tool()),
        Box::new(loose::tool()),
    ]
}

#[test]
fn schemas_match_their_snapshots_and_are_strict() {
    for tool in tools() {
        check_snapshot(tool.as_ref());
    }
}

/// `(tool, arguments, accepted)`: what the schema accepts, the parser accepts.
fn samples() -> Vec<(&'static str, Value, bool)> {
    vec![
        (
            "primitives",
            json!({"flag": true, "count": -3, "big": 9, "ratio": 0.5, "name": "n", "letter": "x"}),
            true,
        ),
        (
            "primitives",
            json!({"flag": "yes", "count": -3, "big": 9, "ratio": 0.5, "name": "n", "letter": "x"}),
            false,
        ),
        (
            "primitives",
            json!({"flag": true, "count": -3, "big": -9, "ratio": 0.5, "name": "n", "letter": "x"}),
            false,
        ),
        (
            "primitives",
            json!({"flag": true, "count": 1, "big": 9, "ratio": 0.5, "name": "n", "letter": "x", "extra": 1}),
            false,
        ),
        (
            "options_and_lists",
            json!({"maybe": null, "tags": [], "scores": null, "locations": []}),
            true,
        ),
        (
            "options_and_lists",
            json!({"maybe": "m", "tags": ["a"], "scores": [1, 2], "locations": [{"city": "Paris", "lat": null}]}),
            true,
        ),
        (
            "options_and_lists",
            json!({"maybe": null, "tags": [], "scores": null, "locations": [{"city": "Paris", "lat": null, "zip": "75"}]}),
            false,
        ),
        (
            "options_and_lists",
            json!({"maybe": null, "tags": [1], "scores": null, "locations": []}),
            false,
        ),
        (
            "nested",
            json!({"location": {"city": "Oslo", "lat": 59.9}, "unit": "celsius", "shape": {"Circle": 2.0}, "filter": {"kind": "by_name", "name": "a"}}),
            true,
        ),
        (
            "nested",
            json!({"location": {"city": "Oslo", "lat": null}, "unit": null, "shape": "Dot", "filter": {"kind": "everything"}}),
            true,
        ),
        (
            "nested",
            json!({"location": {"city": "Oslo", "lat": null}, "unit": null, "shape": {"Rect": {"width": 1.0, "height": 2.0}}, "filter": {"kind": "by_age", "min": 3, "max": null}}),
            true,
        ),
        (
            "nested",
            json!({"location": {"city": "Oslo", "lat": null}, "unit": "kelvin", "shape": "Dot", "filter": {"kind": "everything"}}),
            false,
        ),
        (
            "nested",
            json!({"location": {"city": "Oslo", "lat": null}, "unit": null, "shape": "Dot", "filter": {"kind": "by_name"}}),
            false,
        ),
        (
            "renamed",
            json!({"userName": "ada", "verbose": false, "type": "t"}),
            true,
        ),
        (
            "renamed",
            json!({"user_name": "ada", "verbose": false, "type": "t"}),
            false,
        ),
        (
            "recursive",
            json!({"root": {"name": "a", "children": [{"name": "b", "children": []}]}}),
            true,
        ),
        (
            "recursive",
            json!({"root": {"name": "a", "children": [{"name": "b"}]}}),
            false,
        ),
        ("no_parameters", json!({}), true),
        ("no_parameters", json!({"unexpected": 1}), false),
    ]
}

#[tokio::test]
async fn the_parser_agrees_with_the_strict_schema() {
    let tools = tools();
    let ctx = AgentContext::default();
    for (name, arguments, accepted) in samples() {
        let tool = tools.iter().find(|t| t.name() == name).unwrap();
        let schema = tool.parameters(SchemaDialect::OpenAi).unwrap();
        assert_eq!(
            jsonschema::is_valid(&schema, &arguments),
            accepted,
            "the schema of `{name}` {} {arguments}",
            if accepted { "rejects" } else { "accepts" }
        );
        let output = tool.call(&ctx, &arguments.to_string()).await;
        let rejected =
            matches!(&output, ToolOutput::Error(e) if e.kind() == ToolErrorKind::InvalidArguments);
        assert_eq!(
            !rejected, accepted,
            "the parser of `{name}` disagrees on {arguments}: {output:?}"
        );
    }
}

#[test]
fn unexpressible_schemas_are_errors() {
    /// A pair, which strict mode cannot express.
    #[function_tool]
    async fn pair(point: (i32, i32)) -> i32 {
        point.0 + point.1
    }
    let err = Tool::<()>::parameters(&pair::tool(), SchemaDialect::OpenAi).unwrap_err();
    assert!(err.to_string().contains("tuple"), "{err}");
    let err = Tool::<()>::parameters(&recursive::tool(), SchemaDialect::Gemini).unwrap_err();
    assert!(err.to_string().contains("recursive"), "{err}");
}
