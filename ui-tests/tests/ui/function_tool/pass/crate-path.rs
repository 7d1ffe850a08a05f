// `crate = "..."` points the expansion at `chatkit-runtime` under another
// path, such as a re-export; nothing else needs to name it.

mod rt {
    pub use ::chatkit_runtime::*;
}

mod tools {
    /// Add two numbers.
    #[crate::rt::function_tool(crate = "crate::rt")]
    pub async fn add(a: i64, b: i64) -> i64 {
        a + b
    }

    /// Subtract, with the path written without quotes.
    #[crate::rt::function_tool(crate = crate::rt, name = "sub")]
    pub async fn subtract(a: i64, b: i64) -> Result<i64, String> {
        a.checked_sub(b).ok_or_else(|| "overflow".to_owned())
    }
}

use crate::rt::tool::{Tool, ToolOutput};

fn main() {
    let ctx = rt::AgentContext::default();
    let output = futures::executor::block_on(tools::add::tool().call(&ctx, r#"{"a":2,"b":3}"#));
    assert_eq!(output, ToolOutput::Json(serde_json::json!(5)));
    assert_eq!(Tool::<()>::name(&tools::subtract::tool()), "sub");
    let output =
        futures::executor::block_on(tools::subtract::tool().call(&ctx, r#"{"a":2,"b":3}"#));
    assert_eq!(output, ToolOutput::Json(serde_json::json!(-1)));
}
