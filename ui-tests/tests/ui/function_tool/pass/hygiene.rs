// The expansion names everything by absolute path: user items shadowing
// prelude and std names, a local `chatkit_runtime` (or `core`, `std`,
// `serde`, `schemars`) module, and parameters named like the expansion's
// own bindings do not change what `#[function_tool]` means.

#![allow(dead_code, non_camel_case_types, unused_imports)]

mod shadowed {
    use ::chatkit_runtime::function_tool;

    struct Result;
    struct Option;
    struct Some;
    struct None;
    struct Ok;
    struct Err;
    struct Box;
    struct String;
    struct Vec;
    struct Send;
    struct Sync;
    struct Clone;
    struct Copy;
    struct Debug;
    struct Default;
    struct Deserialize;
    struct JsonSchema;
    struct Tool;
    struct AgentContext;
    struct ToolOutput;
    struct unreachable;
    mod chatkit_runtime {}
    mod core {}
    mod std {}
    mod serde {}
    mod schemars {}
    mod serde_json {}

    pub struct User {
        pub name: ::std::string::String,
    }

    /// Greet the user.
    #[function_tool]
    pub async fn greet(
        ctx: &::chatkit_runtime::AgentContext<User>,
        greeting: ::std::string::String,
        maybe: ::core::option::Option<u8>,
        args: ::std::vec::Vec<u8>,
        output: u8,
        arguments: u8,
        value: u8,
        error: u8,
        __chatkit_ctx: u8,
        __chatkit_arguments: u8,
        __chatkit_output: u8,
    ) -> ::core::result::Result<::std::string::String, ::std::string::String> {
        let sum = u32::from(output) + u32::from(arguments) + u32::from(value) + u32::from(error);
        let sum = sum
            + u32::from(__chatkit_ctx)
            + u32::from(__chatkit_arguments)
            + u32::from(__chatkit_output);
        ::core::result::Result::Ok(::std::format!(
            "{greeting}, {} {maybe:?} {args:?} {sum}",
            ctx.context().name
        ))
    }

    /// No context, no return type.
    #[function_tool]
    pub async fn nothing() {}

    /// Return types named the way the user sees them.
    #[function_tool]
    pub async fn option_output() -> ::core::option::Option<u8> {
        ::core::option::Option::Some(1)
    }
}

// No prelude at all: the expansion needs nothing from it.
#[no_implicit_prelude]
mod bare {
    /// Shout.
    #[::chatkit_runtime::function_tool]
    pub async fn shout(text: ::std::string::String) -> ::std::string::String {
        text.to_uppercase()
    }
}

use ::chatkit_runtime::tool::{Tool, ToolOutput};

fn main() {
    let ctx = ::chatkit_runtime::AgentContext::new(shadowed::User {
        name: "Ada".to_owned(),
    });
    let output = futures::executor::block_on(shadowed::greet::tool().call(
        &ctx,
        r#"{"greeting":"Hi","maybe":null,"args":[1],"output":1,"arguments":1,"value":1,"error":1,
            "__chatkit_ctx":1,"__chatkit_arguments":1,"__chatkit_output":1}"#,
    ));
    assert_eq!(output, ToolOutput::Text("Hi, Ada None [1] 7".to_owned()));
    let output = futures::executor::block_on(shadowed::nothing::tool().call(&ctx, ""));
    assert_eq!(output, ToolOutput::Json(serde_json::Value::Null));
    let output = futures::executor::block_on(shadowed::option_output::tool().call(&ctx, ""));
    assert_eq!(output, ToolOutput::Json(serde_json::json!(1)));
    let output = futures::executor::block_on(bare::shout::tool().call(&ctx, r#"{"text":"hi"}"#));
    assert_eq!(output, ToolOutput::Text("HI".to_owned()));
}
