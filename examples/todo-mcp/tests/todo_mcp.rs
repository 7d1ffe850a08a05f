//! The seed's todo app end to end, with the real binary on loopback and the
//! offline command model: the assistant reaches the todo tools only through
//! MCP. Add, list (the ListView widget comes through MCP), complete and
//! delete; a second user isolated; `/api/chat`; the MCP server (a second
//! process) stopped mid-conversation and restarted.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use example_support::Killed;
use serde_json::{Value, json};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// The binary on `port`, with users from the `x-user-id` header and a
/// SQLite file in `dir` unless `env` says otherwise, and its startup line.
fn spawn(dir: &Path, port: u16, env: &[(&str, &str)]) -> (Killed, String) {
    let mut command = example_support::binary(env!("CARGO_BIN_EXE_example-todo-mcp"), dir);
    command
        .env("CHATKIT_ADDR", format!("127.0.0.1:{port}"))
        .env("CHATKIT_DEV_USER_HEADER", "x-user-id")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("todo.db").display()),
        )
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let first = BufReader::new(stdout)
        .lines()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default();
    (Killed(child), first)
}

/// [`spawn`], offline.
fn start(dir: &Path, port: u16, env: &[(&str, &str)]) -> Killed {
    let (server, first) = spawn(dir, port, env);
    assert!(
        first.starts_with("chatkit todo app over MCP: model=offline commands"),
        "{first}"
    );
    server
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(port: u16) -> Self {
        Self {
            http: chatkit_runtime::outbound::client().expect("a client"),
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    async fn chatkit(&self, user: &str, request: Value) -> Vec<Value> {
        let response = self
            .http
            .post(format!("{}/chatkit", self.base))
            .header("x-user-id", user)
            .body(request.to_string())
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status(), 200);
        sse(&response.text().await.expect("a body"))
    }

    async fn ask(&self, user: &str, text: &str) -> (String, Vec<Value>) {
        let events = self
            .chatkit(
                user,
                json!({"type": "threads.create", "params": {"input": input(text)}}),
            )
            .await;
        let thread = events[0]["thread"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (thread, events)
    }

    async fn say(&self, user: &str, thread: &str, text: &str) -> Vec<Value> {
        self.chatkit(
            user,
            json!({"type": "threads.add_user_message", "params": {"thread_id": thread, "input": input(text)}}),
        )
        .await
    }
}

fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

fn sse(text: &str) -> Vec<Value> {
    text.split_terminator("\n\n")
        .filter_map(|frame| frame.strip_prefix("data: "))
        .map(|data| serde_json::from_str(data).expect("JSON events"))
        .collect()
}

fn widgets(events: &[Value]) -> Vec<&Value> {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "widget")
        .map(|e| &e["item"]["widget"])
        .collect()
}

fn answer(events: &[Value]) -> String {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
        .map(|e| {
            e["item"]["content"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn has_error(events: &[Value]) -> bool {
    events.iter().any(|e| e["type"] == "error")
}

#[tokio::test]
async fn the_todo_app_runs_its_tools_through_mcp() {
    let dir = example_support::temp_dir("todo-mcp-flow");
    let port = free_port();
    let _server = start(&dir, port, &[]);
    let client = Client::new(port);

    let (thread, events) = client.ask("alice", "add buy milk").await;
    assert!(!has_error(&events), "{events:#?}");
    let card = widgets(&events);
    assert_eq!(card.len(), 1, "{events:#?}");
    assert_eq!(card[0]["type"], "Card");
    assert!(answer(&events).contains("buy milk"), "{events:#?}");

    client.say("alice", &thread, "add call mom").await;
    let events = client.say("alice", &thread, "list").await;
    assert!(!has_error(&events), "{events:#?}");
    let list = widgets(&events);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["type"], "ListView", "{:#}", list[0]);
    let shown = list[0].to_string();
    assert!(
        shown.contains("buy milk") && shown.contains("call mom"),
        "{shown}"
    );

    let events = client.say("alice", &thread, "complete 1").await;
    assert!(answer(&events).contains("Completed task #1"), "{events:#?}");
    let events = client.say("alice", &thread, "delete 2").await;
    assert!(answer(&events).contains("Deleted task #2"), "{events:#?}");

    // Bob has his own list: empty.
    let (_, events) = client.ask("bob", "list").await;
    let shown = widgets(&events)[0].to_string();
    assert!(shown.contains("Tasks (0)"), "{shown}");

    // The same assistant on /api/chat, the seed's simple protocol.
    let response = client
        .http
        .post(format!("{}/api/chat", client.base))
        .header("x-user-id", "alice")
        .json(&json!({"messages": [{"role": "user", "content": "list"}]}))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    let chunks = sse(&response.text().await.expect("a body"));
    let tool = chunks
        .iter()
        .find(|c| c.get("tool_call").is_some())
        .expect("a tool_call chunk");
    assert_eq!(tool["tool_call"]["name"], "list_tasks");
    assert!(
        tool["tool_call"]["result"].to_string().contains("buy milk"),
        "{tool}"
    );
    let done = chunks.last().expect("chunks");
    assert_eq!(done["done"], true, "{chunks:#?}");

    // Other MCP clients authenticate as at /chatkit.
    let unauthenticated = client
        .http
        .post(format!("{}/api/mcp", client.base))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .await
        .expect("a response");
    assert_eq!(unauthenticated.status(), 401);
    let tools = chatkit_runtime::mcp::McpServer::http("todo", format!("{}/api/mcp", client.base))
        .header("x-user-id", "alice")
        .list_tools()
        .await
        .expect("the tools");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "add_task",
            "list_tasks",
            "complete_task",
            "delete_task",
            "update_task"
        ]
    );
}

#[tokio::test]
async fn the_mcp_server_stopped_mid_conversation_and_restarted() {
    let dir = example_support::temp_dir("todo-mcp-restart");
    let tools_port = free_port();
    let tools_dir = dir.join("tools");
    std::fs::create_dir_all(&tools_dir).expect("a dir");
    let key = [("TODO_MCP_KEY", "a shared test key")];
    let mut tools = start(&tools_dir, tools_port, &key);
    let url = format!("http://127.0.0.1:{tools_port}/api/mcp");
    let port = free_port();
    let _assistant = start(&dir, port, &[key[0], ("TODO_MCP_URL", url.as_str())]);
    let client = Client::new(port);

    let (thread, events) = client.ask("alice", "add water the plants").await;
    assert!(!has_error(&events), "{events:#?}");

    drop(tools);
    // The tool list is cached, so the turn runs; the call itself fails,
    // and the model is told the server is unavailable.
    let events = client.say("alice", &thread, "list").await;
    assert!(!has_error(&events), "{events:#?}");
    let said = answer(&events);
    assert!(
        said.contains("Todo MCP") && said.contains("unavailable"),
        "{said}"
    );

    tools = start(&tools_dir, tools_port, &key);
    let mut listed = None;
    for _ in 0..30 {
        let events = client.say("alice", &thread, "list").await;
        if !has_error(&events) {
            listed = Some(events);
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let events = listed.expect("the assistant reconnected");
    let shown = widgets(&events)[0].to_string();
    assert!(shown.contains("water the plants"), "{shown}");
    drop(tools);
}

/// A Gemini endpoint (its OpenAI-compatible Chat Completions) on loopback:
/// it answers the first request with a tool call, the next with text, and
/// keeps every request body.
struct FakeGemini {
    url: String,
    requests: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
}

impl FakeGemini {
    async fn start(call: Value) -> Self {
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Value>::new()));
        let seen = std::sync::Arc::clone(&requests);
        let answer = move |axum::Json(body): axum::Json<Value>| {
            let seen = std::sync::Arc::clone(&seen);
            let call = call.clone();
            async move {
                let first = {
                    let mut seen = seen.lock().expect("requests");
                    seen.push(body);
                    seen.len() == 1
                };
                let chunk = |delta: Value, finish: Value| {
                    let chunk = json!({"id": "chatcmpl-1", "object": "chat.completion.chunk",
                        "model": "gemini-2.5-flash",
                        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
                    format!("data: {chunk}\n\n")
                };
                let body = if first {
                    let delta = json!({"role": "assistant", "tool_calls": [{"index": 0,
                        "id": "call_1", "type": "function", "function": call}]});
                    chunk(delta, Value::Null) + &chunk(json!({}), json!("tool_calls"))
                } else {
                    chunk(
                        json!({"role": "assistant", "content": "Done."}),
                        Value::Null,
                    ) + &chunk(json!({}), json!("stop"))
                };
                (
                    [("content-type", "text/event-stream")],
                    body + "data: [DONE]\n\n",
                )
            }
        };
        let app = axum::Router::new().route("/chat/completions", axum::routing::post(answer));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, requests }
    }
}

#[tokio::test]
async fn on_postgresql_and_gemini_the_tools_come_through_mcp() {
    let Ok(database) = std::env::var("DATABASE_URL") else {
        assert!(std::env::var_os("CI").is_none(), "CI sets DATABASE_URL");
        eprintln!("skipped: DATABASE_URL is not set");
        return;
    };
    let gemini = FakeGemini::start(json!({
        "name": "add_task",
        "arguments": "{\"title\": \"repot the fern\", \"description\": null}"
    }))
    .await;
    let dir = example_support::temp_dir("todo-mcp-pg");
    let port = free_port();
    let (_server, first) = spawn(
        &dir,
        port,
        &[
            ("DATABASE_URL", &database),
            ("LLM_PROVIDER", "gemini"),
            ("GEMINI_API_KEY", "test-key"),
            ("GEMINI_BASE_URL", &gemini.url),
        ],
    );
    assert!(
        first.contains("model=gemini-2.5-flash") && first.contains("store=postgres://"),
        "{first}"
    );
    // A user of this run only: the database is shared with other tests.
    let user = format!("gemini-{}-{port}", std::process::id());
    let client = Client::new(port);
    let (_, events) = client.ask(&user, "remind me to repot the fern").await;
    assert!(!has_error(&events), "{events:#?}");
    let card = widgets(&events);
    assert_eq!(card.len(), 1, "{events:#?}");
    assert!(
        card[0].to_string().contains("repot the fern"),
        "{:#}",
        card[0]
    );
    assert_eq!(answer(&events), "Done.");

    let requests = gemini.requests.lock().expect("requests").clone();
    assert_eq!(requests.len(), 2);
    // The MCP tools, in Gemini's dialect (no `additionalProperties`).
    let tools = requests[0]["tools"].as_array().expect("tools");
    let names: Vec<&str> = tools
        .iter()
        .filter_map(|t| t["function"]["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "add_task",
            "list_tasks",
            "complete_task",
            "delete_task",
            "update_task"
        ]
    );
    assert!(
        !requests[0]["tools"]
            .to_string()
            .contains("additionalProperties")
    );
    // The tool's result went back to the model; the widget did not.
    let sent_back = requests[1]["messages"].to_string();
    assert!(sent_back.contains("Added task #"), "{sent_back}");
    assert!(!sent_back.contains("chatkit.widget"), "{sent_back}");
}
