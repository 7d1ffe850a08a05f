//! The overhead of MCP on loopback: one call of a trivial tool through our
//! client (`McpServer`) and server (`McpService`), the tool list from the
//! cache, and an uncached listing. Run: `cargo bench -p chatkit-runtime --features mcp --bench mcp`.

use std::time::Duration;

use chatkit_runtime::mcp::{McpServer, McpService};
use chatkit_runtime::tool::ToolOutput;
use chatkit_runtime::{AgentContext, function_tool};
use criterion::{Criterion, criterion_group, criterion_main};

/// Add two numbers.
#[function_tool(read_only, idempotent)]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let url = runtime.block_on(async {
        use axum::serve::ListenerExt as _;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        // As `App::serve` does: without it, each answer waits ~40 ms for a
        // delayed ACK.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let app = axum::Router::new().route(
            "/mcp",
            McpService::new("bench").tool(add::tool()).into_route(),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/mcp")
    });
    let cached = McpServer::http("bench", url.clone()).cache_tools_list(true);
    let uncached = McpServer::http("bench", url);
    let ctx = AgentContext::new(());
    let arguments = serde_json::json!({"a": 2, "b": 3});
    runtime.block_on(async {
        cached.connect().await.expect("connect");
        uncached.connect().await.expect("connect");
        let output = cached.call_tool(&ctx, "add", &arguments).await;
        assert_eq!(output, ToolOutput::Text("5".to_owned()), "{output:?}");
    });

    let mut group = c.benchmark_group("mcp_loopback");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("call_trivial_tool", |b| {
        b.iter(|| runtime.block_on(cached.call_tool(&ctx, "add", &arguments)))
    });
    group.bench_function("list_tools_cached", |b| {
        b.iter(|| runtime.block_on(cached.list_tools()).expect("tools"))
    });
    group.bench_function("list_tools_uncached", |b| {
        b.iter(|| runtime.block_on(uncached.list_tools()).expect("tools"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
