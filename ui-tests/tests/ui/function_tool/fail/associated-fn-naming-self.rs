// An associated fn that names `Self` is surely in an `impl` block: the
// macro says so, and generates nothing there.

use chatkit_runtime::function_tool;

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Point {
    x: i32,
}

impl Point {
    /// Move a point.
    #[function_tool]
    async fn shift(point: Self, by: i32) -> i32 {
        point.x + by
    }
}

fn main() {}
