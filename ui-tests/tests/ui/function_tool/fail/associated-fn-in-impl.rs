// Without `self` the macro cannot tell it is inside an `impl` block; rustc
// then rejects the tool type it generates there.

use chatkit_runtime::function_tool;

struct Calculator;

impl Calculator {
    /// Add two numbers.
    #[function_tool]
    async fn add(a: i32, b: i32) -> i32 {
        a + b
    }
}

fn main() {}
