use chatkit_runtime::function_tool;

/// Double a number.
#[function_tool]
async extern "C" fn double(value: u32) -> u32 {
    value * 2
}

fn main() {}
