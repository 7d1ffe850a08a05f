use chatkit_runtime::function_tool;

/// Say hello.
#[function_tool]
async fn hello(_: String) -> String {
    "hello".to_owned()
}

fn main() {}
