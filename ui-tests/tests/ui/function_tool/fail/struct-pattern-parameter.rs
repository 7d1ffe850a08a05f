use chatkit_runtime::function_tool;

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Point {
    x: i32,
    y: i32,
}

/// Distance from the origin, in steps.
#[function_tool]
async fn steps(Point { x, y }: Point) -> i32 {
    x.abs() + y.abs()
}

fn main() {}
