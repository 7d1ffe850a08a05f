use chatkit_runtime::function_tool;

/// Add two numbers.
#[function_tool]
async fn add((a, b): (i32, i32)) -> i32 {
    a + b
}

fn main() {}
