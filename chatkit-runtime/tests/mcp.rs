//! MCP both ways over loopback: `#[function_tool]`s served by `McpService`,
//! used by an agent through `McpServer`, with the ChatKit stream checked:
//! listing, annotations, strict schemas, widgets across MCP, auth and user
//! scoping, JSON-RPC errors, Host checks, collisions, required and optional
//! servers, timeouts with cancellation, and a server restarted mid-conversation.

#[path = "support/mcp_loopback.rs"]
mod mcp_loopback;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use chatkit_runtime::agent::Agent;
use chatkit_runtime::http::{DevHeaderAuth, User};
use chatkit_runtime::mcp::{McpServer, McpService};
use chatkit_runtime::model::{ScriptedModel, ScriptedResponse};
use chatkit_runtime::tool::check_openai_strict;
use chatkit_runtime::{AgentContext, function_tool, widget};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

use mcp_loopback::{Running, chatkit_app, output_text};

/// Add a task to the user's list.
#[function_tool(destructive = false, title = "Add a task")]
async fn add_task(ctx: &AgentContext<User>, title: String) -> Result<Value, String> {
    if title.trim().is_empty() {
        return Err("the title is empty".into());
    }
    ctx.stream_widget(
        widget! { Card { Text { value: format!("Added: {title}") } } },
        Some(format!("Added {title}")),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(json!({"title": title, "owner": ctx.context().id}))
}

/// Who is calling.
#[function_tool(read_only, idempotent)]
async fn whoami(ctx: &AgentContext<User>) -> String {
    ctx.context().id.clone()
}

/// Sleep for a while, noting (by `tag`) that it started, and whether it
/// was dropped before the end.
#[function_tool]
async fn nap(millis: u64, tag: String) -> String {
    note(&tag, "started");
    let guard = DropFlag(tag);
    tokio::time::sleep(Duration::from_millis(millis)).await;
    std::mem::forget(guard);
    "rested".to_owned()
}

/// Multiply (a second server offering a name the first also offers).
#[function_tool(name = "whoami")]
async fn other_whoami() -> String {
    "the other server".to_owned()
}

static NAPS: Mutex<Vec<(String, &'static str)>> = Mutex::new(Vec::new());

fn note(tag: &str, what: &'static str) {
    NAPS.lock().expect("naps").push((tag.to_owned(), what));
}

fn noted(tag: &str, what: &str) -> bool {
    NAPS.lock()
        .expect("naps")
        .iter()
        .any(|(t, w)| t == tag && *w == what)
}

async fn wait_for(tag: &str, what: &str) -> bool {
    for _ in 0..150 {
        if noted(tag, what) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

struct DropFlag(String);
impl Drop for DropFlag {
    fn drop(&mut self) {
        note(&self.0, "dropped");
    }
}

fn todo_service() -> McpService<User> {
    let auth = DevHeaderAuth::new("x-user").expect("a header name");
    McpService::with_auth("todo", auth)
        .tool(add_task::tool())
        .tool(whoami::tool())
        .tool(nap::tool())
}

fn serve_todo(port: u16) -> Running {
    Running::start(
        || axum::Router::new().route("/mcp", todo_service().into_route()),
        port,
    )
}

fn scripted(model: ScriptedModel) -> Arc<ScriptedModel> {
    Arc::new(model)
}

fn as_user(server: McpServer<User>) -> McpServer<User> {
    server.headers_from(|ctx| vec![("x-user".to_owned(), ctx.context().id.clone())])
}

fn event_types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn tools_are_listed_with_strict_schemas_and_annotations() {
    let server = serve_todo(0);
    let client = McpServer::http("todo", server.url()).header("x-user", "alice");
    let tools = client.list_tools().await.expect("a listing");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["add_task", "whoami", "nap"]);
    let add = &tools[0];
    assert_eq!(add.description, "Add a task to the user's list.");
    assert_eq!(add.annotations.title.as_deref(), Some("Add a task"));
    assert_eq!(add.annotations.destructive, Some(false));
    assert_eq!(add.title.as_deref(), Some("Add a task"));
    check_openai_strict(&add.input_schema).expect("a strict schema");
    assert_eq!(add.input_schema["required"], json!(["title"]));
    let who = &tools[1];
    assert_eq!(who.annotations.read_only, Some(true));
    assert_eq!(who.annotations.idempotent, Some(true));
    assert_eq!(who.input_schema["properties"], json!({}));
}

#[tokio::test]
async fn unauthenticated_requests_get_401_before_json_rpc() {
    let server = serve_todo(0);
    let http = chatkit_runtime::outbound::client().expect("a client");
    let response = http
        .post(server.url())
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("a JSON error");
    assert_eq!(body["error"]["code"], "unauthorized");
    // And our client says so instead of hanging.
    let client = McpServer::http("todo", server.url());
    let error = client.list_tools().await.expect_err("refused");
    assert_eq!(error.server(), "todo");
}

#[tokio::test]
async fn a_foreign_host_is_refused_and_garbage_gets_a_json_rpc_error() {
    let server = serve_todo(0);
    let http = chatkit_runtime::outbound::client().expect("a client");
    let post = |body: &'static str, host: &'static str| {
        http.post(server.url())
            .header("host", host)
            .header("x-user", "alice")
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(body)
            .send()
    };
    let rebinding = post(
        r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
        "evil.example",
    )
    .await
    .expect("a response");
    assert!(
        rebinding.status().is_client_error(),
        "{}",
        rebinding.status()
    );
    for (body, code) in [
        ("{not json", -32700),
        (r#"{"hello": "world"}"#, -32600),
        ("[]", -32600),
        (r#"{"jsonrpc": "2.0", "id": 1}"#, -32600),
    ] {
        let response = post(body, "127.0.0.1").await.expect("a response");
        assert_eq!(response.status(), 400, "{body}");
        let error: Value = response.json().await.expect("a JSON-RPC error");
        assert_eq!(error["jsonrpc"], "2.0");
        assert_eq!(error["error"]["code"], code, "{body}: {error}");
    }
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"pad":"{}"}}}}"#,
        "x".repeat(2 << 20)
    );
    let response = http
        .post(server.url())
        .header("x-user", "alice")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(huge)
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn an_agent_uses_mcp_tools_and_their_widgets_reach_the_chatkit_stream() {
    let server = serve_todo(0);
    let model = scripted(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_call(
                "c1",
                "add_task",
                r#"{"title":"milk"}"#,
            ))
            .with_response(ScriptedResponse::text("Added milk.")),
    );
    let agent = Agent::with_model("todo", model.clone()).mcp_server(as_user(
        McpServer::http_with_context("Todo MCP", server.url()),
    ));
    let app = chatkit_app(agent);
    let (thread, events) = app.ask("alice", "add milk").await;
    let types = event_types(&events);
    assert!(!types.contains(&"error".to_owned()), "{events:#?}");
    let widget = events
        .iter()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "widget")
        .expect("the MCP tool's widget in the stream");
    assert_eq!(
        widget["item"]["widget"]["children"][0]["value"],
        "Added: milk"
    );
    assert_eq!(widget["item"]["copy_text"], "Added milk");
    // The model got the tool's JSON (scoped to alice), not the widget.
    let output = output_text(&model, "c1");
    assert_eq!(
        serde_json::from_str::<Value>(&output).expect("JSON"),
        json!({"title": "milk", "owner": "alice"})
    );
    // The first request offered the MCP tools, strict.
    let first = &model.requests()[0];
    let add = first
        .tools
        .iter()
        .find(|t| t.name == "add_task")
        .expect("add_task offered");
    assert!(add.strict);
    let stored = app.items("alice", &thread).await;
    assert!(
        stored.iter().any(|item| item["type"] == "widget"),
        "{stored:#?}"
    );
}

#[tokio::test]
async fn each_user_calls_the_mcp_server_as_themselves() {
    let server = serve_todo(0);
    let model = scripted(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_call("a", "whoami", "{}"))
            .with_response(ScriptedResponse::text("ok"))
            .with_response(ScriptedResponse::tool_call("b", "whoami", "{}"))
            .with_response(ScriptedResponse::text("ok")),
    );
    let agent = Agent::with_model("todo", model.clone())
        .mcp_server(as_user(McpServer::http_with_context("todo", server.url())));
    let app = chatkit_app(agent);
    app.ask("alice", "who am I").await;
    app.ask("bob", "who am I").await;
    assert_eq!(output_text(&model, "a"), "alice");
    assert_eq!(output_text(&model, "b"), "bob");
}

#[tokio::test]
async fn tool_errors_and_bad_arguments_reach_the_model() {
    let server = serve_todo(0);
    let model = scripted(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_calls([
                ("e1", "add_task", r#"{"title":"  "}"#),
                ("e2", "add_task", r#"{"title": 3}"#),
                ("e3", "add_task", "not json"),
            ]))
            .with_response(ScriptedResponse::text("Sorry.")),
    );
    let agent = Agent::with_model("todo", model.clone())
        .mcp_server(as_user(McpServer::http_with_context("todo", server.url())));
    let app = chatkit_app(agent);
    let (_, events) = app.ask("alice", "add nothing").await;
    assert!(
        !event_types(&events).contains(&"error".to_owned()),
        "{events:#?}"
    );
    // The server redacts a tool's own error, as agents do.
    assert_eq!(
        output_text(&model, "e1"),
        chatkit_runtime::tool::REDACTED_TOOL_ERROR
    );
    // Arguments the strict parser refuses: JSON-RPC -32602 with the path.
    let bad_type = output_text(&model, "e2");
    assert!(bad_type.contains("title"), "{bad_type}");
    let not_json = output_text(&model, "e3");
    assert!(not_json.contains("not valid JSON"), "{not_json}");
}

#[tokio::test]
async fn a_required_server_that_is_down_ends_the_turn_with_a_retryable_error() {
    let port = free_port();
    let model = scripted(ScriptedModel::new().with_response(ScriptedResponse::text("unused")));
    let agent = Agent::with_model("todo", model.clone()).mcp_server(as_user(
        McpServer::http_with_context("Todo MCP", format!("http://127.0.0.1:{port}/mcp")),
    ));
    let app = chatkit_app(agent);
    let (_, events) = app.ask("alice", "list").await;
    let error = events
        .iter()
        .find(|e| e["type"] == "error")
        .expect("an error event");
    assert_eq!(error["allow_retry"], true, "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Todo MCP"),
        "{error}"
    );
    assert!(model.requests().is_empty(), "the model was not called");
}

#[tokio::test]
async fn an_optional_server_that_is_down_is_skipped() {
    let server = serve_todo(0);
    let port = free_port();
    let model = scripted(ScriptedModel::new().with_response(ScriptedResponse::text("hello")));
    let agent = Agent::with_model("todo", model.clone())
        .mcp_server(as_user(McpServer::http_with_context("todo", server.url())))
        .mcp_server(
            McpServer::http_with_context("gone", format!("http://127.0.0.1:{port}/mcp"))
                .required(false),
        );
    let app = chatkit_app(agent);
    let (_, events) = app.ask("alice", "hi").await;
    assert!(
        !event_types(&events).contains(&"error".to_owned()),
        "{events:#?}"
    );
    let offered: Vec<String> = model.requests()[0]
        .tools
        .iter()
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(offered, ["add_task", "whoami", "nap"]);
}

#[tokio::test]
async fn colliding_names_are_an_error_unless_prefixed() {
    let todo = serve_todo(0);
    let other = Running::start(
        || {
            axum::Router::new().route(
                "/mcp",
                McpService::new("other")
                    .tool(other_whoami::tool())
                    .into_route(),
            )
        },
        0,
    );
    let servers = || {
        (
            as_user(McpServer::http_with_context("todo", todo.url())),
            McpServer::http_with_context("other", other.url()),
        )
    };
    let (a, b) = servers();
    let model = scripted(ScriptedModel::new().with_response(ScriptedResponse::text("unused")));
    let app = chatkit_app(
        Agent::with_model("x", model.clone())
            .mcp_server(a)
            .mcp_server(b),
    );
    let (_, events) = app.ask("alice", "hi").await;
    assert!(
        event_types(&events).contains(&"error".to_owned()),
        "{events:#?}"
    );
    assert!(model.requests().is_empty());

    let (a, b) = servers();
    let model = scripted(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_calls([
                ("p1", "mcp_todo__whoami", "{}"),
                ("p2", "mcp_other__whoami", "{}"),
            ]))
            .with_response(ScriptedResponse::text("done")),
    );
    let agent = Agent::with_model("x", model.clone())
        .mcp_server(a)
        .mcp_server(b)
        .prefix_mcp_tool_names(true);
    let app = chatkit_app(agent);
    let (_, events) = app.ask("alice", "hi").await;
    assert!(
        !event_types(&events).contains(&"error".to_owned()),
        "{events:#?}"
    );
    assert_eq!(output_text(&model, "p1"), "alice");
    assert_eq!(output_text(&model, "p2"), "the other server");
}

#[tokio::test]
async fn a_local_tool_shadows_an_mcp_tool_of_the_same_name() {
    /// Local.
    #[function_tool(name = "whoami")]
    async fn local_whoami() -> String {
        "local".to_owned()
    }
    let server = serve_todo(0);
    let model = scripted(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_call("l", "whoami", "{}"))
            .with_response(ScriptedResponse::text("ok")),
    );
    let agent = Agent::with_model("x", model.clone())
        .tool(local_whoami::tool())
        .mcp_server(as_user(McpServer::http_with_context("todo", server.url())));
    let app = chatkit_app(agent);
    app.ask("alice", "who").await;
    assert_eq!(output_text(&model, "l"), "local");
    let offered = model.requests()[0]
        .tools
        .iter()
        .filter(|t| t.name == "whoami")
        .count();
    assert_eq!(offered, 1);
}

#[tokio::test]
async fn a_slow_call_times_out_and_is_cancelled_on_the_server() {
    let server = serve_todo(0);
    let model = scripted(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_call(
                "n",
                "nap",
                r#"{"millis": 5000, "tag": "timeout"}"#,
            ))
            .with_response(ScriptedResponse::text("too slow")),
    );
    let agent = Agent::with_model("x", model.clone()).mcp_server(as_user(
        McpServer::http_with_context("todo", server.url()).timeout(Duration::from_millis(300)),
    ));
    let app = chatkit_app(agent);
    let started = std::time::Instant::now();
    let (_, events) = app.ask("alice", "nap").await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(
        !event_types(&events).contains(&"error".to_owned()),
        "{events:#?}"
    );
    let output = output_text(&model, "n");
    assert!(output.contains("did not answer within 300 ms"), "{output}");
    // notifications/cancelled stopped the tool on the server.
    assert!(
        wait_for("timeout", "dropped").await,
        "the server's tool kept running"
    );
}

#[tokio::test]
async fn the_server_stopped_and_restarted_mid_conversation() {
    let mut server = serve_todo(0);
    let port = server.addr.port();
    let model = scripted(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_call("r1", "whoami", "{}"))
            .with_response(ScriptedResponse::text("first"))
            .with_response(ScriptedResponse::tool_call("r3", "whoami", "{}"))
            .with_response(ScriptedResponse::text("third")),
    );
    let agent = Agent::with_model("x", model.clone())
        .mcp_server(as_user(McpServer::http_with_context("todo", server.url())));
    let app = chatkit_app(agent);
    let (thread, _) = app.ask("alice", "one").await;
    assert_eq!(output_text(&model, "r1"), "alice");

    server.stop();
    let events = app.reply("alice", &thread, "two").await;
    let error = events
        .iter()
        .find(|e| e["type"] == "error")
        .expect("an error while the server is down");
    assert_eq!(error["allow_retry"], true);

    let _server = serve_todo(port);
    // The backoff after one failed attempt is short; retry until it passes.
    let mut answered = false;
    for _ in 0..20 {
        let events = app.reply("alice", &thread, "three").await;
        if !event_types(&events).contains(&"error".to_owned()) {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(answered, "never reconnected");
    assert_eq!(output_text(&model, "r3"), "alice");
    // The thread is whole: every user message is stored, in order.
    let users: Vec<Value> = app
        .items("alice", &thread)
        .await
        .into_iter()
        .filter(|item| item["type"] == "user_message")
        .map(|item| item["content"][0]["text"].clone())
        .collect();
    assert_eq!(users[..2], [json!("one"), json!("two")]);
}

#[tokio::test]
async fn a_client_that_disconnects_cancels_the_mcp_call() {
    let server = serve_todo(0);
    let model = scripted(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_call(
                "n",
                "nap",
                r#"{"millis": 10000, "tag": "hang-up"}"#,
            ))
            .with_response(ScriptedResponse::text("unused")),
    );
    let agent = Agent::with_model("x", model)
        .mcp_server(as_user(McpServer::http_with_context("todo", server.url())));
    let app = chatkit_app(agent);
    let request = json!({"type": "threads.create", "params": {"input": {
        "content": [{"type": "input_text", "text": "nap"}], "attachments": [], "inference_options": {}}}});
    let http = Request::post("/chatkit")
        .header("x-user", "alice")
        .body(Body::from(request.to_string()))
        .expect("a request");
    let response = app.router.clone().oneshot(http).await.expect("a response");
    let mut body = response.into_body();
    // Read until the tool has started on the server, then hang up.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !noted("hang-up", "started") {
        assert!(
            std::time::Instant::now() < deadline,
            "the tool never started"
        );
        let _ = tokio::time::timeout(Duration::from_millis(50), body.frame()).await;
    }
    drop(body);
    assert!(
        wait_for("hang-up", "dropped").await,
        "the server's tool kept running"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[tokio::test]
async fn a_stateless_service_answers_each_post_on_its_own() {
    let server = Running::start(
        || {
            let auth = DevHeaderAuth::new("x-user").expect("a header name");
            let service = McpService::with_auth("todo", auth)
                .tool(whoami::tool())
                .stateless(true);
            axum::Router::new().route("/mcp", service.into_route())
        },
        0,
    );
    let http = chatkit_runtime::outbound::client().expect("a client");
    let response = http
        .post(server.url())
        .header("x-user", "carol")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#)
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("mcp-session-id").is_none());
    assert_eq!(response.headers()["content-type"], "application/json");
    // And our client works against it.
    let client = McpServer::http("todo", server.url()).header("x-user", "carol");
    let output = client
        .call_tool(&AgentContext::new(()), "whoami", &json!({}))
        .await;
    assert_eq!(
        output,
        chatkit_runtime::tool::ToolOutput::Text("carol".into())
    );
}

static LISTINGS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Counts the `tools/list` requests that reach the server.
async fn count_listings(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    if bytes.windows(12).any(|w| w == b"\"tools/list\"") {
        LISTINGS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    next.run(axum::extract::Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[tokio::test]
async fn filters_choose_the_tools_and_the_cache_is_invalidated() {
    let server = Running::start(
        || {
            axum::Router::new()
                .route("/mcp", todo_service().into_route())
                .layer(axum::middleware::from_fn(count_listings))
        },
        0,
    );
    let listings = || LISTINGS.load(std::sync::atomic::Ordering::SeqCst);
    let model = scripted(
        ScriptedModel::new()
            .with_response(ScriptedResponse::text("one"))
            .with_response(ScriptedResponse::text("two"))
            .with_response(ScriptedResponse::text("three")),
    );
    // Only alice may see `nap`; nobody sees `add_task`.
    let todo = McpServer::<User>::http_with_context("todo", server.url())
        .header("x-user", "alice")
        .block_tools(["add_task"])
        .filter_tools(|ctx, tool| tool.name != "nap" || ctx.context().id == "alice")
        .cache_tools_list(true);
    let app = chatkit_app(Agent::with_model("x", model.clone()).mcp_server(todo.clone()));
    app.ask("alice", "hi").await;
    app.ask("bob", "hi").await;
    let offered = |turn: usize| -> Vec<String> {
        model.requests()[turn]
            .tools
            .iter()
            .map(|t| t.name.clone())
            .collect()
    };
    assert_eq!(offered(0), ["whoami", "nap"]);
    assert_eq!(offered(1), ["whoami"]);
    // Two turns, one listing: the cache answered the second.
    assert_eq!(listings(), 1);
    todo.invalidate_tools_cache();
    app.ask("alice", "hi").await;
    assert_eq!(offered(2), ["whoami", "nap"]);
    assert_eq!(listings(), 2);
    // An allow list keeps only what it names.
    let model = scripted(ScriptedModel::new().with_response(ScriptedResponse::text("ok")));
    let allow = McpServer::http_with_context("todo", server.url())
        .header("x-user", "alice")
        .allow_tools(["nap"]);
    chatkit_app(Agent::with_model("x", model.clone()).mcp_server(allow))
        .ask("alice", "hi")
        .await;
    let offered: Vec<String> = model.requests()[0]
        .tools
        .iter()
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(offered, ["nap"]);
}

#[tokio::test]
async fn a_foreign_browser_origin_is_refused() {
    let server = serve_todo(0);
    let http = chatkit_runtime::outbound::client().expect("a client");
    let ping = |origin: &'static str| {
        http.post(server.url())
            .header("origin", origin)
            .header("x-user", "alice")
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#)
            .send()
    };
    let evil = ping("https://evil.example").await.expect("a response");
    assert_eq!(evil.status(), 403);
    let local = ping("http://localhost:3000").await.expect("a response");
    assert_eq!(local.status(), 200);
}
