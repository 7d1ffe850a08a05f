use chatkit_runtime::function_tool;

/// Shout.
#[function_tool]
async fn shout(text: &str) -> String {
    text.to_uppercase()
}

fn main() {}
