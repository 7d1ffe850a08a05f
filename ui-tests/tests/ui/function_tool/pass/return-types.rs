// Every kind of return type: `Result<T, E>`, an anyhow-style `Result<T>`
// alias, a plain `Serialize` type, `()`, `Option<T>`, `ToolOutput`,
// `String` and `impl Serialize`.

use chatkit_runtime::tool::{ErrorVisibility, Tool, ToolErrorKind, ToolOutput};
use chatkit_runtime::{AgentContext, function_tool};
use serde::Serialize;
use serde_json::json;

mod anyhow_like {
    #[derive(Debug)]
    pub struct Error(pub String);

    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    pub type Result<T, E = Error> = std::result::Result<T, E>;
}

#[derive(Serialize)]
struct Total {
    sum: i64,
}

/// `Result<T, E>`.
#[function_tool(show_errors = true)]
async fn divide(a: i64, b: i64) -> Result<i64, String> {
    a.checked_div(b)
        .ok_or_else(|| "division by zero".to_owned())
}

/// `std::result::Result<T, E>` with an error type.
#[function_tool]
async fn parse(text: String) -> std::result::Result<i64, std::num::ParseIntError> {
    text.parse()
}

/// An anyhow-style `Result<T>`.
#[function_tool]
async fn check(value: i64) -> anyhow_like::Result<Total> {
    if value < 0 {
        return Err(anyhow_like::Error(format!("{value} is negative")));
    }
    Ok(Total { sum: value })
}

/// A plain `Serialize` type.
#[function_tool]
async fn total(values: Vec<i64>) -> Total {
    Total {
        sum: values.iter().sum(),
    }
}

/// `()`, written out.
#[function_tool]
async fn unit() -> () {}

/// Nothing.
#[function_tool]
async fn nothing() {}

/// `Option<T>`.
#[function_tool]
async fn first(values: Vec<i64>) -> Option<i64> {
    values.first().copied()
}

/// A `ToolOutput`.
#[function_tool]
async fn raw() -> ToolOutput {
    ToolOutput::text("raw")
}

/// A `Result` holding a `ToolOutput`.
#[function_tool]
async fn raw_result(fail: bool) -> Result<ToolOutput, std::io::Error> {
    if fail {
        Err(std::io::Error::other("disk on fire"))
    } else {
        Ok(ToolOutput::text("fine"))
    }
}

/// A `String`.
#[function_tool]
async fn text() -> String {
    "plain".to_owned()
}

/// An opaque `impl Serialize`.
#[function_tool]
async fn opaque() -> impl Serialize {
    [1, 2]
}

/// A boxed error.
#[function_tool]
async fn boxed_error() -> Result<u8, Box<dyn std::error::Error + Send + Sync>> {
    Err("boxed".into())
}

fn call(tool: &dyn Tool, arguments: &str) -> ToolOutput {
    futures::executor::block_on(tool.call(&AgentContext::default(), arguments))
}

fn failure(output: ToolOutput) -> String {
    match output {
        ToolOutput::Error(error) => {
            assert_eq!(error.kind(), ToolErrorKind::Failed);
            error.message().to_owned()
        }
        other => panic!("{other:?}"),
    }
}

fn main() {
    assert_eq!(
        call(&divide::tool(), r#"{"a":6,"b":3}"#),
        ToolOutput::Json(json!(2))
    );
    let output = call(&divide::tool(), r#"{"a":6,"b":0}"#);
    assert!(
        output
            .to_model_text(ErrorVisibility::Shown)
            .ends_with("division by zero")
    );
    assert_eq!(
        Tool::<()>::error_visibility(&divide::tool()),
        Some(ErrorVisibility::Shown)
    );

    assert_eq!(
        call(&parse::tool(), r#"{"text":"12"}"#),
        ToolOutput::Json(json!(12))
    );
    assert_eq!(
        failure(call(&parse::tool(), r#"{"text":"x"}"#)),
        "invalid digit found in string"
    );

    assert_eq!(
        call(&check::tool(), r#"{"value":5}"#),
        ToolOutput::Json(json!({"sum": 5}))
    );
    assert_eq!(
        failure(call(&check::tool(), r#"{"value":-1}"#)),
        "-1 is negative"
    );

    assert_eq!(
        call(&total::tool(), r#"{"values":[1,2]}"#),
        ToolOutput::Json(json!({"sum": 3}))
    );
    assert_eq!(call(&unit::tool(), ""), ToolOutput::Json(json!(null)));
    assert_eq!(call(&nothing::tool(), ""), ToolOutput::Json(json!(null)));
    assert_eq!(
        call(&first::tool(), r#"{"values":[7]}"#),
        ToolOutput::Json(json!(7))
    );
    assert_eq!(
        call(&first::tool(), r#"{"values":[]}"#),
        ToolOutput::Json(json!(null))
    );
    assert_eq!(call(&raw::tool(), ""), ToolOutput::Text("raw".to_owned()));
    assert_eq!(
        call(&raw_result::tool(), r#"{"fail":false}"#),
        ToolOutput::Text("fine".to_owned())
    );
    assert_eq!(
        failure(call(&raw_result::tool(), r#"{"fail":true}"#)),
        "disk on fire"
    );
    assert_eq!(
        call(&text::tool(), ""),
        ToolOutput::Text("plain".to_owned())
    );
    assert_eq!(call(&opaque::tool(), ""), ToolOutput::Json(json!([1, 2])));
    assert_eq!(failure(call(&boxed_error::tool(), "")), "boxed");
}
