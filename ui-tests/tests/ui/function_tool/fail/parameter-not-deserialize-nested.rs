// A type without `Deserialize` inside `Option` is reported at the
// parameter's type, once.

use chatkit_runtime::function_tool;

#[derive(schemars::JsonSchema)]
struct Filter {
    status: String,
}

/// Find tasks.
#[function_tool]
async fn find_tasks(filters: Option<Vec<Filter>>) -> usize {
    filters.map_or(0, |filters| {
        filters.iter().filter(|f| f.status.is_empty()).count()
    })
}

fn main() {}
