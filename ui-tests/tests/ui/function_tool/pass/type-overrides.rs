// A parameter whose type is neither `Deserialize` nor `JsonSchema` works
// when `#[serde(with)]`/`#[serde(deserialize_with)]` and
// `#[schemars(with)]`/`#[schemars(schema_with)]` take over: the macro's
// own checks step aside.

use chatkit_runtime::tool::{SchemaDialect, Tool, ToolOutput};
use chatkit_runtime::{AgentContext, function_tool};
use serde::Deserialize;
use serde_json::json;

/// A type from a crate without serde support.
pub struct Celsius(f64);

mod celsius {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<super::Celsius, D::Error> {
        f64::deserialize(deserializer).map(super::Celsius)
    }
}

fn positive<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Celsius, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if value < -273.15 {
        return Err(serde::de::Error::custom("below absolute zero"));
    }
    Ok(Celsius(value))
}

fn celsius_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    <f64 as schemars::JsonSchema>::json_schema(generator)
}

/// Convert to Fahrenheit.
#[function_tool]
async fn to_fahrenheit(
    #[serde(with = "celsius")]
    #[schemars(with = "f64")]
    first: Celsius,
    #[serde(deserialize_with = "positive")]
    #[schemars(schema_with = "celsius_schema")]
    second: Celsius,
) -> (f64, f64) {
    (first.0 * 1.8 + 32.0, second.0 * 1.8 + 32.0)
}

fn main() {
    let schema = Tool::<()>::parameters(&to_fahrenheit::tool(), SchemaDialect::OpenAi).unwrap();
    assert_eq!(schema["properties"]["first"]["type"], "number");
    assert_eq!(schema["properties"]["second"]["type"], "number");
    let output = futures::executor::block_on(
        to_fahrenheit::tool().call(&AgentContext::default(), r#"{"first":100,"second":0}"#),
    );
    assert_eq!(output, ToolOutput::Json(json!([212.0, 32.0])));
    let output = futures::executor::block_on(
        to_fahrenheit::tool().call(&AgentContext::default(), r#"{"first":0,"second":-300}"#),
    );
    assert!(output.is_error());
}
