// A method cannot be a tool; the error says so, and nothing the macro
// generates ends up inside the `impl` block.

use chatkit_runtime::function_tool;

struct Calculator;

impl Calculator {
    /// Add two numbers.
    #[function_tool]
    async fn add(&self, a: i32, b: i32) -> i32 {
        a + b
    }
}

fn main() {}
