use chatkit_runtime::function_tool;

/// Shout.
#[function_tool]
async fn shout(text: impl Into<String>) -> String {
    text.into().to_uppercase()
}

fn main() {}
