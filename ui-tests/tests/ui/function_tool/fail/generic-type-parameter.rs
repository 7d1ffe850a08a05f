use chatkit_runtime::function_tool;

/// Echo a value.
#[function_tool]
async fn echo<T: serde::Serialize>(value: T) -> T {
    value
}

fn main() {}
