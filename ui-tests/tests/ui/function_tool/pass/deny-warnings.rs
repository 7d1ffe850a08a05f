//! A public, documented tool in a crate that denies every warning and
//! undocumented public items: the expansion adds neither.

#![deny(warnings, missing_docs, unused_qualifications, unreachable_pub)]
#![deny(rust_2018_idioms, unused_results)]

/// Tools of this crate.
pub mod tools {
    use chatkit_runtime::{AgentContext, function_tool};

    /// Who is asking.
    #[derive(Debug)]
    pub struct User {
        /// The user's name.
        pub name: String,
    }

    /// Greet the user.
    ///
    /// # Arguments
    ///
    /// * `greeting` - How to greet
    #[function_tool]
    pub async fn greet(ctx: &AgentContext<User>, greeting: String) -> String {
        format!("{greeting}, {}", ctx.context().name)
    }

    /// Count to a number.
    #[function_tool(name = "count", strict = true, show_errors = false)]
    pub async fn count_to(
        /// Where to stop
        n: u32,
    ) -> Result<Vec<u32>, String> {
        Ok((1..=n).collect())
    }
}

fn main() {
    use chatkit_runtime::tool::Tool;
    let ctx = chatkit_runtime::AgentContext::new(tools::User {
        name: "Ada".to_owned(),
    });
    let output =
        futures::executor::block_on(tools::greet::tool().call(&ctx, r#"{"greeting":"Hi"}"#));
    assert_eq!(output.to_model_text(Default::default()), "Hi, Ada");
    assert_eq!(Tool::<()>::name(&tools::count_to::tool()), "count");
}
