use chatkit_runtime::function_tool;

/// Shout.
#[function_tool]
async fn shout(ref text: String) -> String {
    text.to_uppercase()
}

fn main() {}
