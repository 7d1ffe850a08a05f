use chatkit_runtime::function_tool;

/// Read a value.
#[function_tool]
async unsafe fn read(value: u32) -> u32 {
    value
}

fn main() {}
