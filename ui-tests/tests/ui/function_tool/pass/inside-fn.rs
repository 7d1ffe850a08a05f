// A tool declared inside a fn body, taking and returning types local to
// that body.

use chatkit_runtime::tool::{SchemaDialect, Tool, ToolOutput};
use chatkit_runtime::{AgentContext, function_tool};

fn main() {
    #[derive(serde::Deserialize, schemars::JsonSchema)]
    struct Point {
        x: i32,
        y: i32,
    }

    #[derive(serde::Serialize)]
    struct Distance {
        steps: i32,
    }

    /// Distance from the origin, in steps.
    #[function_tool]
    async fn steps(point: Point) -> Distance {
        Distance {
            steps: point.x.abs() + point.y.abs(),
        }
    }

    let schema = Tool::<()>::parameters(&steps::tool(), SchemaDialect::OpenAi).unwrap();
    assert_eq!(schema["required"], serde_json::json!(["point"]));
    let output = futures::executor::block_on(
        steps::tool().call(&AgentContext::default(), r#"{"point":{"x":3,"y":-4}}"#),
    );
    assert_eq!(output, ToolOutput::Json(serde_json::json!({"steps": 7})));
}
