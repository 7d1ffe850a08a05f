// User types as parameters: nested structs, enums with unit, newtype and
// struct variants, and `#[serde]` attributes on the types themselves.

use chatkit_runtime::tool::{SchemaDialect, Tool, ToolOutput, check_openai_strict};
use chatkit_runtime::{AgentContext, function_tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Address {
    street_name: String,
    city: City,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
struct City {
    name: String,
    zip: Option<u32>,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum Speed {
    Standard,
    NextDay,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
enum Quantity {
    Exactly(u32),
    AtLeast { min: u32 },
    Any,
}

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Wrapping {
    None,
    Paper { color: String },
}

#[derive(Debug, Serialize)]
struct Order {
    address: Address,
    speed: Speed,
    quantity: Quantity,
    wrapping: Wrapping,
}

/// Ship an order.
#[function_tool]
async fn ship(address: Address, speed: Speed, quantity: Quantity, wrapping: Wrapping) -> Order {
    Order {
        address,
        speed,
        quantity,
        wrapping,
    }
}

fn main() {
    let schema = Tool::<()>::parameters(&ship::tool(), SchemaDialect::OpenAi).unwrap();
    check_openai_strict(&schema).unwrap();
    assert_eq!(
        schema["properties"]["address"]["required"],
        json!(["streetName", "city"])
    );
    assert_eq!(
        schema["properties"]["speed"]["enum"],
        json!(["standard", "next_day"])
    );
    assert!(Tool::<()>::parameters(&ship::tool(), SchemaDialect::Gemini).is_ok());

    let arguments = json!({
        "address": {"streetName": "Main St", "city": {"name": "Springfield", "zip": null}},
        "speed": "next_day",
        "quantity": {"AtLeast": {"min": 2}},
        "wrapping": {"kind": "paper", "color": "red"},
    });
    let output = futures::executor::block_on(
        ship::tool().call(&AgentContext::default(), &arguments.to_string()),
    );
    assert_eq!(output, ToolOutput::Json(arguments));

    let arguments = json!({
        "address": {"streetName": "Elm St", "city": {"name": "Shelbyville", "zip": 12345}},
        "speed": "standard",
        "quantity": {"Exactly": 3},
        "wrapping": {"kind": "none"},
    });
    let output = futures::executor::block_on(
        ship::tool().call(&AgentContext::default(), &arguments.to_string()),
    );
    assert_eq!(output, ToolOutput::Json(arguments));

    let arguments = json!({
        "address": {"streetName": "Elm St", "city": {"name": "Shelbyville", "zip": 1}},
        "speed": "standard",
        "quantity": "Any",
        "wrapping": {"kind": "none"},
    });
    let output = futures::executor::block_on(
        ship::tool().call(&AgentContext::default(), &arguments.to_string()),
    );
    assert_eq!(output, ToolOutput::Json(arguments));
}
