//! The agent runtime's own overhead per model delta: a zero-latency scripted
//! model streams N text deltas, and the agent turns them into ChatKit events
//! through `process`, with the pipeline storing and framing them. Run for
//! 100, 1,000 and 10,000 deltas to show the cost is linear.
//!
//! Run with `cargo bench -p chatkit-runtime --bench agent`; the target is
//! under 10 µs per delta.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chatkit_runtime::agent::{Agent, AgentServer};
use chatkit_runtime::model::{ModelEvent, ScriptedModel, ScriptedResponse, Usage};
use chatkit_runtime::server::{ChatKit, ProcessResult};
use chatkit_runtime::store::{MemoryStore, Store};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use futures::StreamExt as _;

fn response(deltas: usize) -> ScriptedResponse {
    let mut events: Vec<ModelEvent> = (0..deltas)
        .map(|i| ModelEvent::TextDelta(format!("token{i} ")))
        .collect();
    events.push(ModelEvent::Completed {
        usage: Usage::default(),
    });
    ScriptedResponse::events(events)
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let body = serde_json::json!({
        "type": "threads.create",
        "params": {"input": {"content": [{"type": "input_text", "text": "go"}], "attachments": [], "inference_options": {}}}
    })
    .to_string();
    let mut group = c.benchmark_group("agent");
    for deltas in [100usize, 1_000, 10_000] {
        group.throughput(Throughput::Elements(deltas as u64));
        group.bench_with_input(
            BenchmarkId::new("model_deltas", deltas),
            &deltas,
            |b, &deltas| {
                b.iter_custom(|iterations| {
                    runtime.block_on(async {
                        let model = Arc::new(ScriptedModel::new());
                        let store: Arc<dyn Store<()>> = Arc::new(MemoryStore::new());
                        let shared: Arc<dyn chatkit_runtime::model::Model> = model.clone();
                        let agent = Agent::with_model("bench", shared);
                        let chatkit =
                            ChatKit::with_store(AgentServer::new(agent, Arc::clone(&store)), store);
                        let mut total = Duration::ZERO;
                        for _ in 0..iterations {
                            model.push(response(deltas));
                            let start = Instant::now();
                            let Ok(ProcessResult::Stream(mut events)) =
                                chatkit.process(body.as_bytes(), ()).await
                            else {
                                panic!("not a stream");
                            };
                            let mut frames = 0;
                            while let Some(Ok(_)) = events.next().await {
                                frames += 1;
                            }
                            total += start.elapsed();
                            // created, user message, options, added, part added, deltas, part done, done
                            assert_eq!(frames, deltas + 7);
                        }
                        total
                    })
                });
            },
        );
    }
    group.finish();
}

criterion_group!(agent, benches);
criterion_main!(agent);
