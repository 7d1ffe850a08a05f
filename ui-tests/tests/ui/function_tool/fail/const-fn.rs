use chatkit_runtime::function_tool;

/// Double a number.
#[function_tool]
const fn double(value: u32) -> u32 {
    value * 2
}

fn main() {}
