//! Run with: cargo run -p example-widgets
fn main() {}
