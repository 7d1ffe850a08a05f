use chatkit_runtime::function_tool;

/// Shout.
#[function_tool]
async fn shout(text: String) -> String
where
    String: Clone,
{
    text.to_uppercase()
}

fn main() {}
