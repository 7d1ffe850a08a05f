use chatkit_runtime::function_tool;

/// Repeat a word.
#[function_tool]
async fn repeat<const N: usize>(word: String) -> String {
    word.repeat(N)
}

fn main() {}
