use chatkit_runtime::function_tool;

/// Store a document.
#[function_tool]
async fn store(document: serde_json::Value) -> String {
    document.to_string()
}

fn main() {}
