// `pub` and `pub(crate)` tools are usable from other modules; the tool type
// has the fn's visibility.

mod tools {
    pub mod inner {
        use chatkit_runtime::function_tool;

        /// A public tool.
        #[function_tool]
        pub async fn public(n: u8) -> u8 {
            n
        }

        /// A crate-wide tool.
        #[function_tool]
        pub(crate) async fn crate_wide(n: u8) -> u8 {
            n + 1
        }

        /// A tool visible in the parent module.
        #[function_tool]
        pub(super) async fn parent_only(n: u8) -> u8 {
            n + 2
        }

        /// A private tool, used here.
        #[function_tool]
        async fn private(n: u8) -> u8 {
            n + 3
        }

        pub fn private_tool() -> impl chatkit_runtime::tool::Tool {
            private::tool()
        }
    }

    pub fn parent_only_tool() -> impl chatkit_runtime::tool::Tool {
        inner::parent_only::tool()
    }
}

use chatkit_runtime::tool::Tool;

fn main() {
    let tools: [Box<dyn Tool>; 4] = [
        Box::new(tools::inner::public::tool()),
        Box::new(tools::inner::crate_wide::tool()),
        Box::new(tools::parent_only_tool()),
        Box::new(tools::inner::private_tool()),
    ];
    let names: Vec<&str> = tools.iter().map(|tool| tool.name()).collect();
    assert_eq!(names, ["public", "crate_wide", "parent_only", "private"]);
    // The fns are still callable.
    assert_eq!(futures::executor::block_on(tools::inner::public(1)), 1);
    assert_eq!(futures::executor::block_on(tools::inner::crate_wide(1)), 2);
}
