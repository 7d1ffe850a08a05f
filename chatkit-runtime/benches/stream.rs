//! The server's own cost per streamed event: `process` for a response of
//! 1,000 `text_delta` events, with the pipeline storing the item and framing
//! every event as SSE, drained by the caller. No network.
//!
//! Run with `cargo bench -p chatkit-runtime --bench stream`; the target is
//! under 5 µs per event.

use std::time::{Duration, Instant};

use chatkit_runtime::async_trait;
use chatkit_runtime::protocol::UserMessageItem;
use chatkit_runtime::server::{
    ChatKit, ChatKitServer, EventSender, ProcessResult, StreamError, ThreadHandle,
};
use chatkit_runtime::store::MemoryStore;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::StreamExt as _;

const DELTAS: usize = 1_000;

struct Deltas;

#[async_trait]
impl ChatKitServer<()> for Deltas {
    async fn respond(
        &self,
        _thread: &ThreadHandle,
        _input: Option<&UserMessageItem>,
        events: &EventSender,
        _ctx: &(),
    ) -> Result<(), StreamError> {
        events
            .stream_text((0..DELTAS).map(|i| format!("token{i} ")))
            .await?;
        Ok(())
    }
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let chatkit = ChatKit::new(Deltas, MemoryStore::new());
    let body = serde_json::json!({
        "type": "threads.create",
        "params": {"input": {"content": [{"type": "input_text", "text": "go"}], "attachments": [], "inference_options": {}}}
    })
    .to_string();

    let mut group = c.benchmark_group("stream");
    // Each response carries DELTAS deltas plus 7 other events.
    group.throughput(Throughput::Elements(DELTAS as u64));
    group.bench_function("text_delta_events", |b| {
        b.iter_custom(|iterations| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let start = Instant::now();
                    let Ok(ProcessResult::Stream(mut events)) =
                        chatkit.process(body.as_bytes(), ()).await
                    else {
                        panic!("not a stream");
                    };
                    let mut frames = 0;
                    while let Some(Ok(_frame)) = events.next().await {
                        frames += 1;
                    }
                    total += start.elapsed();
                    assert_eq!(frames, DELTAS + 7);
                }
                total
            })
        });
    });
    group.finish();
}

criterion_group!(stream, benches);
criterion_main!(stream);
