use chatkit_runtime::function_tool;

/// Add two numbers.
#[function_tool]
fn add(a: i32, b: i32) -> i32 {
    a + b
}

fn main() {}
