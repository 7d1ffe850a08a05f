//! The load test: what a ChatKit server built on [`App::serve`] costs a user,
//! end to end over loopback, next to a minimal relay on the same machine in
//! the same run.
//!
//! ```sh
//! cargo bench -p chatkit-runtime --bench load
//! ```
//!
//! It starts a model server that replays a captured 50-word Responses API
//! stream, then, each as a child process of its own so that its CPU time and
//! memory are its alone:
//!
//! - `relay`: a minimal axum relay (no store, no protocol) that turns the
//!   model's deltas into SSE frames, the floor for any server;
//! - `app`: an agent on SQLite behind [`App::serve`], as the README builds it;
//! - `nagle`: the same router on a plain `axum::serve` listener, as
//!   `App::serve` was before it set `TCP_NODELAY`.
//!
//! For each it drives `LOAD_CLIENTS` (16) clients sending `threads.create` for
//! `LOAD_SECONDS` (5) and measures conversations per second, p50 and p99
//! latency, and the server's CPU time and context switches per conversation
//! (from `/proc`). It does so `LOAD_ROUNDS` (3) times, the servers taking
//! turns so that what else the machine does weighs on each alike, and
//! reports each server's median round: on a shared 2-core machine, one
//! round can be 30% off. Then, with the model slowed to 100 ms per event, it
//! opens `LOAD_STREAMS` (1,000) concurrent streams and prints the server's
//! peak resident memory while they open and with all of them open.
//! Loopback only; every phase is bounded in time and count.
//!
//! - `LOAD_ONLY=relay,app` runs some of the servers;
//! - `LOAD_STORE=memory` (or a store URL such as `postgres://...`, with
//!   `--features postgres`) puts the app on another store than a fresh
//!   SQLite file;
//! - `LOAD_BASELINE=<path>` adds the `app` server of another build of this
//!   benchmark (an earlier commit's `target/release/deps/load-*`), to
//!   measure a change before and after in one run;
//! - `LOAD_WRAPPER="heaptrack"` (or `perf record -g --`) runs each server
//!   under a profiler, whose output it writes when the server is stopped;
//!   the figures then measure the profiler too.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use bytes::Bytes;
use chatkit_runtime::agent::{Agent, AgentServer};
use chatkit_runtime::http::{Anonymous, App, HttpConfig};
use chatkit_runtime::server::ChatKit;
use futures::StreamExt as _;

/// The words the model answers with.
const ANSWER: &str = "Rust gives you memory safety without a garbage collector, fearless \
    concurrency through ownership and borrowing, zero cost abstractions that compile down to \
    tight machine code, a helpful compiler with clear error messages, a great package manager, \
    and a friendly community that welcomes newcomers to systems programming every single day";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match args.first().map(String::as_str) {
        Some("--serve-app") => runtime.block_on(serve_app(&args[1], true)),
        Some("--serve-nagle") => runtime.block_on(serve_app(&args[1], false)),
        Some("--serve-relay") => runtime.block_on(serve_relay(&args[1])),
        // `cargo bench` passes `--bench`; a filter may follow.
        _ => runtime.block_on(orchestrate()),
    }
}

// ---------------------------------------------------------------------------
// The replayed model

/// The SSE body of a Responses API stream answering [`ANSWER`], one delta a
/// word, with the events around them that OpenAI sends.
fn captured_stream() -> Vec<Bytes> {
    let words: Vec<String> = ANSWER
        .split(' ')
        .enumerate()
        .map(|(i, word)| {
            if i == 0 {
                word.to_owned()
            } else {
                format!(" {word}")
            }
        })
        .collect();
    let message = serde_json::json!({"id": "msg_1", "type": "message", "status": "in_progress",
                                     "role": "assistant", "content": []});
    let mut events = vec![
        serde_json::json!({"type": "response.created", "sequence_number": 0,
            "response": {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}}),
        serde_json::json!({"type": "response.in_progress", "sequence_number": 1,
            "response": {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}}),
        serde_json::json!({"type": "response.output_item.added", "sequence_number": 2, "output_index": 0, "item": message}),
        serde_json::json!({"type": "response.content_part.added", "sequence_number": 3, "item_id": "msg_1",
            "output_index": 0, "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": []}}),
    ];
    for word in &words {
        events.push(serde_json::json!({"type": "response.output_text.delta", "sequence_number": events.len(),
            "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": word, "logprobs": []}));
    }
    let text: String = words.concat();
    let done = serde_json::json!({"id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": []}]});
    events.extend([
        serde_json::json!({"type": "response.output_text.done", "sequence_number": events.len(), "item_id": "msg_1",
            "output_index": 0, "content_index": 0, "text": text}),
        serde_json::json!({"type": "response.output_item.done", "sequence_number": events.len() + 1, "output_index": 0, "item": done}),
        serde_json::json!({"type": "response.completed", "sequence_number": events.len() + 2,
            "response": {"id": "resp_1", "object": "response", "status": "completed", "output": [done],
                         "usage": {"input_tokens": 40, "output_tokens": words.len(), "total_tokens": 40 + words.len()}}}),
    ]);
    events
        .iter()
        .map(|event| {
            Bytes::from(format!(
                "event: {}\ndata: {event}\n\n",
                event["type"].as_str().unwrap_or_default()
            ))
        })
        .collect()
}

#[derive(Clone)]
struct Replay {
    events: Arc<Vec<Bytes>>,
    delay: Arc<std::sync::atomic::AtomicU64>,
}

async fn replay(State(replay): State<Replay>) -> Response {
    let delay = Duration::from_micros(replay.delay.load(Ordering::Relaxed));
    let events = Arc::clone(&replay.events);
    let body = futures::stream::iter(0..events.len()).then(move |i| {
        let events = Arc::clone(&events);
        async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Ok::<_, std::io::Error>(events[i].clone())
        }
    });
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from_stream(body))
        .expect("a valid response")
}

async fn start_model() -> (SocketAddr, Replay) {
    let state = Replay {
        events: Arc::new(captured_stream()),
        delay: Arc::new(std::sync::atomic::AtomicU64::new(0)),
    };
    let app = Router::new()
        .route("/v1/responses", post(replay))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move {
        use axum::serve::ListenerExt as _;
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let _ = axum::serve(listener, app).await;
    });
    (addr, state)
}

// ---------------------------------------------------------------------------
// The servers under test, in child processes

/// The README's agent server on SQLite behind [`App`], with no limits in
/// the way of the load; `nodelay` false serves its router as `App::serve`
/// did before it set `TCP_NODELAY`.
async fn serve_app(model_url: &str, nodelay: bool) {
    let dir = database_dir(std::process::id());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let url = std::env::var("LOAD_STORE")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.join("chatkit.db").display()));
    let store: Arc<dyn chatkit_runtime::store::Store<chatkit_runtime::http::User>> =
        if url == "memory" {
            Arc::new(chatkit_runtime::store::MemoryStore::new())
        } else {
            chatkit_runtime::store::open(&url).await.expect("the store")
        };
    let model = chatkit_runtime::model::from_env_with(|name| match name {
        "OPENAI_API_KEY" => Some("sk-load".into()),
        "OPENAI_BASE_URL" => Some(model_url.to_owned()),
        _ => None,
    })
    .expect("the model");
    let agent = Agent::with_model("assistant", model).instructions("You answer briefly.");
    let server = AgentServer::new(agent, Arc::clone(&store));
    let config = HttpConfig::default()
        .stream_rate(None)
        .max_streams_per_user(None)
        .max_json_bytes(64 * 1024);
    let app = App::new(ChatKit::with_store(server, store), Anonymous::new()).config(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    println!(
        "listening on {}",
        listener.local_addr().expect("its address")
    );
    if nodelay {
        let _ = app.serve(listener).await;
    } else {
        let _ = axum::serve(listener, app.router()).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where the server of process `pid` keeps its database.
fn database_dir(pid: u32) -> PathBuf {
    std::env::temp_dir().join(format!("chatkit-load-{pid}"))
}

/// The floor: POST in, one model request, each delta out as an SSE frame.
async fn serve_relay(model_url: &str) {
    let client = chatkit_runtime::outbound::client().expect("the outbound client");
    let upstream = format!("{model_url}/responses");
    let app = Router::new().route(
        "/chatkit",
        post(move |body: Bytes| {
            let client = client.clone();
            let upstream = upstream.clone();
            async move {
                let model = client
                    .post(&upstream)
                    .header("content-type", "application/json")
                    .body(format!(r#"{{"model":"m","stream":true,"input":{}}}"#, body.len()))
                    .send()
                    .await;
                let Ok(model) = model else {
                    return Response::builder().status(502).body(Body::empty()).expect("a response");
                };
                let mut pending = Vec::new();
                let frames = model.bytes_stream().map(move |chunk| {
                    let chunk = chunk.map_err(std::io::Error::other)?;
                    pending.extend_from_slice(&chunk);
                    let mut out = Vec::new();
                    while let Some(end) = pending.windows(2).position(|w| w == b"\n\n") {
                        let event: Vec<u8> = pending.drain(..end + 2).collect();
                        let Some(start) = event.windows(6).position(|w| w == b"data: ") else {
                            continue;
                        };
                        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&event[start + 6..]) else {
                            continue;
                        };
                        if value["type"] == "response.output_text.delta" {
                            let frame = serde_json::json!({"type": "thread.item.updated", "item_id": "msg_1",
                                "update": {"type": "assistant_message.content_part.text_delta",
                                           "content_index": 0, "delta": value["delta"]}});
                            out.extend_from_slice(format!("data: {frame}\n\n").as_bytes());
                        }
                    }
                    Ok::<_, std::io::Error>(Bytes::from(out))
                });
                Response::builder()
                    .header("content-type", "text/event-stream")
                    .body(Body::from_stream(frames))
                    .expect("a response")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    println!(
        "listening on {}",
        listener.local_addr().expect("its address")
    );
    use axum::serve::ListenerExt as _;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let _ = axum::serve(listener, app).await;
}

/// A server under test: its process, killed on drop.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// `mode` of this binary, or of the `LOAD_BASELINE` one for `baseline`.
    fn start(mode: &str, model_url: &str) -> Self {
        let (exe, mode) = match mode {
            "baseline" => (
                PathBuf::from(std::env::var_os("LOAD_BASELINE").expect("LOAD_BASELINE")),
                "--serve-app".to_owned(),
            ),
            mode => (
                std::env::current_exe().expect("this binary"),
                format!("--serve-{mode}"),
            ),
        };
        // A profiler to run the server under (see the module docs).
        let wrapper = std::env::var("LOAD_WRAPPER").unwrap_or_default();
        let mut words = wrapper.split_whitespace();
        let mut command = match words.next() {
            Some(program) => {
                let mut command = Command::new(program);
                command.args(words).arg(exe);
                command
            }
            None => Command::new(exe),
        };
        // A group of its own, so that a wrapper's child is stopped with it.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .args([mode.as_str(), model_url])
            .env("RUST_LOG", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        // A wrapper may print lines of its own first.
        let stdout = std::io::BufReader::new(child.stdout.take().expect("piped"));
        let addr = std::io::BufRead::lines(stdout)
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("listening on ").map(str::to_owned))
            .expect("the server's address");
        Self {
            child,
            url: format!("http://{addr}/chatkit"),
        }
    }

    fn proc_file(&self, name: &str) -> String {
        let path = PathBuf::from(format!("/proc/{}/{name}", self.child.id()));
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// Context switches of its threads so far: each is a thread put to
    /// sleep or woken, which costs more than most of what a response does.
    fn switches(&self) -> u64 {
        let tasks = PathBuf::from(format!("/proc/{}/task", self.child.id()));
        let Ok(tasks) = std::fs::read_dir(tasks) else {
            return 0;
        };
        tasks
            .filter_map(Result::ok)
            .filter_map(|task| std::fs::read_to_string(task.path().join("status")).ok())
            .flat_map(|status| {
                status
                    .lines()
                    .filter(|line| line.contains("ctxt_switches:"))
                    .filter_map(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
                    .collect::<Vec<_>>()
            })
            .sum()
    }

    /// User and system CPU time so far.
    fn cpu(&self, ticks_per_second: f64) -> Duration {
        let stat = self.proc_file("stat");
        // The fields after the command name, which is in parentheses.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // utime and stime are fields 14 and 15 of the whole line.
        Duration::from_secs_f64((ticks(11) + ticks(12)) / ticks_per_second)
    }

    /// Resident memory, in bytes.
    fn rss(&self) -> u64 {
        self.proc_file("status")
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM to the group first: a profiler in `LOAD_WRAPPER` writes
        // its data when the server exits.
        let group = format!("-{}", self.child.id());
        let stopped = Command::new("kill")
            .args(["-TERM", "--", &group])
            .status()
            .is_ok_and(|status| status.success());
        if !stopped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        // A killed server leaves its database behind.
        let _ = std::fs::remove_dir_all(database_dir(self.child.id()));
    }
}

// ---------------------------------------------------------------------------
// The load

const CREATE: &str = r#"{"type":"threads.create","params":{"input":{"content":[{"type":"input_text","text":"Why Rust?"}],"attachments":[],"inference_options":{}}}}"#;

struct Throughput {
    conversations: usize,
    events: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    cpu: Duration,
    switches: u64,
    failures: usize,
}

impl Throughput {
    fn per_second(&self) -> f64 {
        self.conversations as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() - 1) as f64 * p).round() as usize;
        self.latencies[index]
    }

    fn cpu_per_conversation(&self) -> Duration {
        self.cpu / self.conversations.max(1) as u32
    }

    fn cpu_per_event(&self) -> Duration {
        self.cpu / self.events.max(1) as u32
    }

    fn switches_per_conversation(&self) -> f64 {
        self.switches as f64 / self.conversations.max(1) as f64
    }
}

async fn throughput(server: &Server, clients: usize, duration: Duration, ticks: f64) -> Throughput {
    let client = chatkit_runtime::outbound::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .expect("a client");
    // Warm up: connections, the store's pages, the allocator.
    for _ in 0..20 {
        let _ = client
            .post(&server.url)
            .body(CREATE)
            .send()
            .await
            .map(|r| r.bytes());
    }
    let cpu_before = server.cpu(ticks);
    let switches_before = server.switches();
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let client = client.clone();
            let url = server.url.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut events = 0;
                let mut failures = 0;
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let body = match client.post(&url).body(CREATE).send().await {
                        Ok(response) if response.status().is_success() => response.bytes().await,
                        Ok(_) => {
                            failures += 1;
                            continue;
                        }
                        Err(error) => Err(error),
                    };
                    match body {
                        Ok(body) => {
                            latencies.push(sent.elapsed());
                            events += body.windows(6).filter(|w| w == b"data: ").count();
                        }
                        Err(_) => failures += 1,
                    }
                }
                (latencies, events, failures)
            })
        })
        .collect();
    let mut all = Throughput {
        conversations: 0,
        events: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
        cpu: Duration::ZERO,
        switches: 0,
        failures: 0,
    };
    for task in tasks {
        let (latencies, events, failures) = task.await.expect("a client task");
        all.conversations += latencies.len();
        all.latencies.extend(latencies);
        all.events += events;
        all.failures += failures;
    }
    all.elapsed = started.elapsed();
    all.cpu = server.cpu(ticks).saturating_sub(cpu_before);
    all.switches = server.switches().saturating_sub(switches_before);
    all.latencies.sort();
    all
}

/// Opens `count` streams against a slow model; the server's resident
/// memory before, and once every stream has sent its first bytes.
async fn open_streams(server: &Server, count: usize) -> (u64, u64, usize) {
    let client = chatkit_runtime::outbound::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("a client");
    let before = server.rss();
    let opened = Arc::new(AtomicUsize::new(0));
    let release = Arc::new(tokio::sync::Notify::new());
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let client = client.clone();
            let url = server.url.clone();
            let opened = Arc::clone(&opened);
            let release = Arc::clone(&release);
            tokio::spawn(async move {
                let Ok(mut response) = client.post(&url).body(CREATE).send().await else {
                    return;
                };
                if matches!(response.chunk().await, Ok(Some(_))) {
                    opened.fetch_add(1, Ordering::Relaxed);
                }
                release.notified().await;
            })
        })
        .collect();
    let started = Instant::now();
    let mut peak = 0;
    while started.elapsed() < Duration::from_secs(20) {
        peak = peak.max(server.rss());
        if opened.load(Ordering::Relaxed) >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // All open: the memory they hold now.
    tokio::time::sleep(Duration::from_millis(200)).await;
    peak = peak.max(server.rss());
    let open = opened.load(Ordering::Relaxed);
    release.notify_waiters();
    for task in tasks {
        task.abort();
    }
    (before, peak, open)
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

fn us(duration: Duration) -> String {
    format!("{:.1} µs", duration.as_secs_f64() * 1e6)
}

fn mb(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1e6)
}

async fn orchestrate() {
    let clients = env_number("LOAD_CLIENTS", 16);
    let seconds = env_number("LOAD_SECONDS", 5) as u64;
    let streams = env_number("LOAD_STREAMS", 1_000);
    let ticks: f64 = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
        .unwrap_or(100.0);
    let (model, replay) = start_model().await;
    let model_url = format!("http://{model}/v1");
    println!(
        "load: {clients} clients for {seconds} s each; {streams} open streams; model: a captured \
         {}-event Responses stream over loopback",
        replay.events.len()
    );
    let mut modes = vec![
        ("relay (axum, no store, no protocol)", "relay"),
        ("App::serve (TCP_NODELAY)", "app"),
        ("App router, Nagle on (before)", "nagle"),
    ];
    if std::env::var_os("LOAD_BASELINE").is_some() {
        modes.insert(2, ("App::serve of LOAD_BASELINE", "baseline"));
    }
    // `LOAD_ONLY=app` (or `relay,app`) runs some of them.
    let only = std::env::var("LOAD_ONLY").unwrap_or_default();
    for name in only
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        assert!(
            modes.iter().any(|(_, mode)| *mode == name),
            "LOAD_ONLY: no server `{name}`; the servers are relay, app, nagle and, with \
             LOAD_BASELINE, baseline"
        );
    }
    let modes: Vec<_> = modes
        .into_iter()
        .filter(|(_, mode)| only.is_empty() || only.split(',').any(|m| m.trim() == *mode))
        .collect();
    // Rounds interleave the servers, so that what else the machine does
    // weighs on each alike; each row is its server's median round.
    let rounds = env_number("LOAD_ROUNDS", 3).max(1);
    let mut runs: Vec<Vec<Throughput>> = modes.iter().map(|_| Vec::new()).collect();
    let mut memory: Vec<Option<(u64, u64, usize)>> = modes.iter().map(|_| None).collect();
    for round in 0..rounds {
        for (i, (name, mode)) in modes.iter().enumerate() {
            replay.delay.store(0, Ordering::Relaxed);
            let server = Server::start(mode, &model_url);
            let result = throughput(&server, clients, Duration::from_secs(seconds), ticks).await;
            eprintln!(
                "round {}: {name}: {} conversations, {} failed, {:.0}/s, {} CPU and {:.1} \
                 context switches per conversation",
                round + 1,
                result.conversations,
                result.failures,
                result.per_second(),
                us(result.cpu_per_conversation()),
                result.switches_per_conversation(),
            );
            if round == 0 && *mode != "nagle" {
                // Slow enough that every stream is still open once all have started.
                replay.delay.store(100_000, Ordering::Relaxed);
                memory[i] = Some(open_streams(&server, streams).await);
                replay.delay.store(0, Ordering::Relaxed);
            }
            runs[i].push(result);
        }
    }
    let rows: Vec<_> = modes
        .iter()
        .zip(runs)
        .zip(memory)
        .map(|(((name, _), mut results), memory)| {
            results.sort_by(|a, b| a.per_second().total_cmp(&b.per_second()));
            let median = results.swap_remove(results.len() / 2);
            (*name, median, memory)
        })
        .collect();
    let relay = rows
        .iter()
        .find(|(name, _, _)| name.starts_with("relay"))
        .map(|(_, result, _)| result.per_second());
    println!();
    println!(
        "| server | conversations/s | vs relay | p50 | p99 | events/conv | server CPU/conv | CPU/event | context switches/conv | RSS idle → {streams} streams |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (name, result, memory) in &rows {
        let memory = match memory {
            Some((before, peak, open)) => format!(
                "{} → {} ({open} open, {:.0} KB each)",
                mb(*before),
                mb(*peak),
                peak.saturating_sub(*before) as f64 / (*open).max(1) as f64 / 1e3
            ),
            None => "-".to_owned(),
        };
        println!(
            "| {name} | {:.0} | {} | {} | {} | {:.0} | {} | {} | {:.1} | {memory} |",
            result.per_second(),
            relay.map_or("-".to_owned(), |relay| format!(
                "{:.0}%",
                100.0 * result.per_second() / relay
            )),
            ms(result.percentile(0.5)),
            ms(result.percentile(0.99)),
            result.events as f64 / result.conversations.max(1) as f64,
            us(result.cpu_per_conversation()),
            us(result.cpu_per_event()),
            result.switches_per_conversation(),
        );
    }
}
