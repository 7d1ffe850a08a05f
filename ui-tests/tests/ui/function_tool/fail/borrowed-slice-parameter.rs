use chatkit_runtime::function_tool;

/// Sum the bytes.
#[function_tool]
async fn checksum(bytes: &[u8]) -> u32 {
    bytes.iter().map(|&b| u32::from(b)).sum()
}

fn main() {}
