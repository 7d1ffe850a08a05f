use chatkit_runtime::function_tool;

#[derive(schemars::JsonSchema)]
struct Filter {
    status: String,
}

/// Find tasks.
#[function_tool]
async fn find_tasks(limit: u32, filter: Filter) -> Vec<String> {
    vec![filter.status; limit as usize]
}

fn main() {}
