use chatkit_runtime::function_tool;

/// Count the words.
#[function_tool]
async fn count<'a>(text: String) -> usize {
    text.split_whitespace().count()
}

fn main() {}
