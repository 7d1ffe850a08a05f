//! MCP against the official Python SDKs (`oracles/mcp/`, see its README):
//! our client (`McpServer`) consuming the SDK's FastMCP server
//! (`fastmcp_server.py`), and our server (`McpService`) driven by the SDK's
//! client (`client_check.py`) and by the Agents SDK's
//! `MCPServerStreamableHttp` (`agents_check.py`).
//!
//! The oracles are installed by `oracles/setup.sh` into `.oracles/venv`.
//! When that fails, each test says why and passes, unless `CI` is set.

#[path = "support/mcp_loopback.rs"]
mod mcp_loopback;
#[path = "support/oracle_venv.rs"]
mod oracle_venv;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chatkit_runtime::agent::Agent;
use chatkit_runtime::http::{JwtConfig, User};
use chatkit_runtime::mcp::{McpServer, McpService, WIDGET_MIME_TYPE};
use chatkit_runtime::model::{ContentPart, ScriptedModel, ScriptedResponse};
use chatkit_runtime::tool::{REDACTED_TOOL_ERROR, check_openai_strict};
use chatkit_runtime::{AgentContext, function_tool, widget};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncRead, BufReader};

use mcp_loopback::{Running, chatkit_app, no_error, output_parts, output_text};

// ---------------------------------------------------------------------------
// The oracles: python, the FastMCP server, the two checkers.
// ---------------------------------------------------------------------------

/// The venv's python; `None` (with the reason printed) when it is
/// unavailable and `CI` is not set.
fn python() -> Option<PathBuf> {
    match oracle_venv::venv_python() {
        Ok(python) => Some(python),
        Err(why) if std::env::var_os("CI").is_some() => panic!("the MCP oracles are needed: {why}"),
        Err(why) => {
            eprintln!("skipped: the MCP oracles are unavailable: {why}");
            None
        }
    }
}

macro_rules! python_or_skip {
    () => {
        match python() {
            Some(python) => python,
            None => return,
        }
    };
}

fn script(name: &str) -> PathBuf {
    oracle_venv::repo_root().join("oracles/mcp").join(name)
}

/// Collects a child's output stream, line by line, as it comes.
fn collect(stream: impl AsyncRead + Unpin + Send + 'static, into: Arc<Mutex<Vec<String>>>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            into.lock().expect("lines").push(line);
        }
    });
}

/// `fastmcp_server.py --port 0`, killed when dropped.
struct FastMcp {
    child: tokio::process::Child,
    url: String,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl FastMcp {
    async fn start(python: &Path, extra: &[&str]) -> Self {
        let mut child = tokio::process::Command::new(python)
            .arg(script("fastmcp_server.py"))
            .args(["--port", "0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("fastmcp_server.py started");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        collect(
            child.stderr.take().expect("its stderr"),
            Arc::clone(&stderr),
        );
        let mut lines = BufReader::new(child.stdout.take().expect("its stdout")).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("no ready line: {:?}", stderr.lock().expect("stderr")))
            .expect("its stdout")
            .unwrap_or_else(|| panic!("it exited: {:?}", stderr.lock().expect("stderr")));
        let ready: Value = serde_json::from_str(&ready).expect("a JSON ready line");
        let url = ready["ready"].as_str().expect("the URL").to_owned();
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let rest = Arc::clone(&stdout);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                rest.lock().expect("lines").push(line);
            }
        });
        Self {
            child,
            url,
            stdout,
            stderr,
        }
    }

    /// The JSON lines printed after the ready line.
    fn events(&self) -> Vec<Value> {
        self.stdout
            .lock()
            .expect("lines")
            .iter()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("lines").join("\n")
    }

    /// Waits up to `within` for an event line `wanted` matches.
    async fn wait_event(&self, within: Duration, wanted: impl Fn(&Value) -> bool) -> bool {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if self.events().iter().any(&wanted) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        false
    }
}

impl Drop for FastMcp {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// What a checker printed.
struct Checked {
    success: bool,
    lines: Vec<Value>,
    stderr: String,
}

impl Checked {
    /// The line whose `key` is `name` (the `nth`, from 0).
    fn nth(&self, key: &str, name: &str, nth: usize) -> &Value {
        self.lines
            .iter()
            .filter(|line| line[key] == name)
            .nth(nth)
            .unwrap_or_else(|| panic!("no {key} line #{nth} for {name}: {self}"))
    }

    fn line(&self, key: &str, name: &str) -> &Value {
        self.nth(key, name, 0)
    }

    /// The first line with `key`, its value.
    fn value(&self, key: &str) -> &Value {
        self.lines
            .iter()
            .find_map(|line| line.get(key))
            .unwrap_or_else(|| panic!("no {key} line: {self}"))
    }
}

impl std::fmt::Display for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "success: {}", self.success)?;
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        write!(f, "stderr:\n{}", self.stderr)
    }
}

async fn run_checker(python: &Path, name: &str, args: &[String]) -> Checked {
    let child = tokio::process::Command::new(python)
        .arg(script(name))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {name}: {err}"));
    let output = tokio::time::timeout(Duration::from_secs(40), child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{name} did not finish within 40 s"))
        .expect("its output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    Checked {
        success: output.status.success(),
        lines: stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|_| panic!("{name}: not JSON: {line}"))
            })
            .collect(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|&arg| arg.to_owned()).collect()
}

// ---------------------------------------------------------------------------
// Our side: a ChatKit app whose agent uses MCP tools, and our MCP server.
// ---------------------------------------------------------------------------

/// A ChatKit app whose agent has only MCP tools.
const SECRET: &str = "a test secret that is at least 32 bytes long";
const ISSUER: &str = "https://auth.example.test/";
const AUDIENCE: &str = "chatkit-tests";

/// An HS256 token for `sub`, signed with `secret`.
fn token_with(secret: &str, sub: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let claims = json!({"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 3600});
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("a token")
}

fn token(sub: &str) -> String {
    token_with(SECRET, sub)
}

/// Add two integers.
#[function_tool(read_only, idempotent, title = "Add numbers")]
async fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Add a task to the user's list; returns it.
#[function_tool]
async fn add_task(ctx: &AgentContext<User>, title: String) -> Result<Value, String> {
    Ok(json!({"title": title, "owner": ctx.context().id, "done": false}))
}

/// Always fails, with a detail the client must not see.
#[function_tool]
async fn explode() -> Result<String, String> {
    Err("the database password is hunter2".to_owned())
}

/// Show the user's tasks in a card.
#[function_tool]
async fn show_tasks(ctx: &AgentContext<User>, title: String) -> Result<String, String> {
    ctx.stream_widget(
        widget! { Card { Text { value: format!("Tasks: {title}") } } },
        Some(format!("Tasks: {title}")),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok("Shown the tasks.".to_owned())
}

/// Who is calling.
#[function_tool]
async fn whoami(ctx: &AgentContext<User>) -> String {
    ctx.context().id.clone()
}

const OUR_TOOLS: &str = "add,add_task,explode,show_tasks,whoami";

/// Our MCP server, behind JWT auth (HS256 with [`SECRET`]).
fn serve_todo() -> Running {
    Running::start(
        || {
            let auth = JwtConfig::hs256(SECRET)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .build()
                .expect("a JWT authenticator");
            let service = McpService::with_auth("todo", auth)
                .tool(add::tool())
                .tool(add_task::tool())
                .tool(explode::tool())
                .tool(show_tasks::tool())
                .tool(whoami::tool());
            axum::Router::new().route("/mcp", service.into_route())
        },
        0,
    )
}

// ---------------------------------------------------------------------------
// 1. Our client consuming the SDK's FastMCP server.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn our_client_lists_the_fastmcp_tools_with_their_schemas() {
    let python = python_or_skip!();
    let fastmcp = FastMcp::start(&python, &[]).await;
    let client = McpServer::http("python", fastmcp.url.clone());
    let tools = client.list_tools().await.expect("a listing");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    for name in [
        "echo",
        "add",
        "pixel",
        "fail",
        "slow",
        "two_blocks",
        "add_tool",
        "rpc_error",
        "widget",
    ] {
        assert!(names.contains(&name), "{name} not in {names:?}");
    }
    for tool in &tools {
        assert_eq!(tool.input_schema["type"], "object", "{tool:?}");
        assert!(tool.input_schema["properties"].is_object(), "{tool:?}");
    }
    let tool = |name: &str| tools.iter().find(|t| t.name == name).expect("listed");
    let echo = tool("echo");
    assert_eq!(echo.description, "Echo the text back.");
    assert_eq!(
        echo.input_schema["properties"]["text"],
        json!({"title": "Text", "type": "string"})
    );
    assert_eq!(echo.input_schema["required"], json!(["text"]));
    let add = tool("add");
    assert_eq!(add.input_schema["required"], json!(["a", "b"]));
    assert_eq!(add.input_schema["properties"]["a"]["type"], "integer");
    let slow = tool("slow");
    assert_eq!(slow.input_schema["properties"]["seconds"]["type"], "number");
    assert_eq!(tool("pixel").input_schema["properties"], json!({}));
}

#[tokio::test]
async fn an_agent_calls_fastmcp_tools() {
    let python = python_or_skip!();
    let fastmcp = FastMcp::start(&python, &[]).await;
    let model = Arc::new(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_calls([
                ("echo", "echo", r#"{"text":"hi"}"#),
                ("add", "add", r#"{"a":2,"b":3}"#),
                ("pixel", "pixel", "{}"),
                ("fail", "fail", r#"{"message":"boom"}"#),
                ("two", "two_blocks", "{}"),
                ("widget", "widget", "{}"),
            ]))
            .with_response(ScriptedResponse::text("Done.")),
    );
    let agent = Agent::with_model("x", model.clone())
        .mcp_server(McpServer::http_with_context("python", fastmcp.url.clone()));
    let events = chatkit_app(agent).ask("alice", "go").await.1;
    no_error(&events);

    // The tools were offered, strict where pydantic's schema allows it.
    let offered = &model.requests()[0].tools;
    let echo = offered.iter().find(|t| t.name == "echo").expect("echo");
    assert!(echo.strict, "{echo:?}");
    check_openai_strict(&echo.parameters).expect("a strict schema");

    assert_eq!(output_text(&model, "echo"), "hi");
    assert_eq!(output_text(&model, "add"), "5");
    match output_parts(&model, "pixel").as_slice() {
        [ContentPart::Image { url }] => assert_eq!(
            url,
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
        ),
        other => panic!("not one image: {other:?}"),
    }
    let fail = output_text(&model, "fail");
    assert!(
        fail.contains("Error executing tool fail: boom"),
        "the server's message reaches the model: {fail}"
    );
    assert_eq!(
        output_parts(&model, "two"),
        [
            ContentPart::Text {
                text: "first".into()
            },
            ContentPart::Text {
                text: "second".into()
            }
        ]
    );
    // The widget went to the ChatKit stream; the model got only the text.
    assert_eq!(output_text(&model, "widget"), "A card saying from python.");
    let widget = events
        .iter()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "widget")
        .unwrap_or_else(|| panic!("no widget item: {events:#?}"));
    assert_eq!(widget["item"]["widget"]["type"], "Card");
    assert_eq!(
        widget["item"]["widget"]["children"][0]["value"],
        "from python"
    );
    // The failed call did not fail the run: the model answered.
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
    );
}

#[tokio::test]
async fn structured_content_from_fastmcp_when_asked() {
    let python = python_or_skip!();
    let fastmcp = FastMcp::start(&python, &[]).await;
    let model = Arc::new(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_calls([
                ("add", "add", r#"{"a":2,"b":3}"#),
                ("echo", "echo", r#"{"text":"plain"}"#),
            ]))
            .with_response(ScriptedResponse::text("Done.")),
    );
    let agent = Agent::with_model("x", model.clone()).mcp_server(
        McpServer::http_with_context("python", fastmcp.url.clone()).use_structured_content(true),
    );
    no_error(&chatkit_app(agent).ask("alice", "go").await.1);
    let add: Value = serde_json::from_str(&output_text(&model, "add")).expect("JSON");
    assert_eq!(add, json!({"result": 5}));
    // No structuredContent: the content blocks still.
    assert_eq!(output_text(&model, "echo"), "plain");
}

#[tokio::test]
async fn fastmcp_progress_becomes_chatkit_progress_updates() {
    let python = python_or_skip!();
    let fastmcp = FastMcp::start(&python, &[]).await;
    let model = Arc::new(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_call(
                "s",
                "slow",
                r#"{"seconds":0.6,"steps":3}"#,
            ))
            .with_response(ScriptedResponse::text("Done.")),
    );
    let agent = Agent::with_model("x", model.clone())
        .mcp_server(McpServer::http_with_context("python", fastmcp.url.clone()));
    let events = chatkit_app(agent).ask("alice", "go").await.1;
    no_error(&events);
    assert_eq!(output_text(&model, "s"), "done");
    let progress: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "progress_update")
        .filter_map(|e| e["text"].as_str())
        .collect();
    assert_eq!(
        progress,
        ["step 1/3", "step 2/3", "step 3/3"],
        "{events:#?}"
    );
}

#[tokio::test]
async fn an_agent_uses_a_stdio_server_and_restarts_it_when_it_dies() {
    let python = python_or_skip!();
    let server = McpServer::stdio_with_context("python-stdio", &python)
        .arg(script("fastmcp_server.py"))
        .arg("--stdio")
        .env("PYTHONUNBUFFERED", "1");
    let names: Vec<String> = server
        .list_tools()
        .await
        .expect("the child's tools")
        .into_iter()
        .map(|tool| tool.name)
        .collect();
    assert!(names.contains(&"echo".to_owned()), "{names:?}");
    let model = Arc::new(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_calls([
                ("echo", "echo", r#"{"text":"over stdio"}"#),
                ("widget", "widget", "{}"),
            ]))
            .with_response(ScriptedResponse::text("Done.")),
    );
    let app = chatkit_app(Agent::with_model("x", model.clone()).mcp_server(server.clone()));
    let events = app.ask("alice", "go").await.1;
    no_error(&events);
    assert_eq!(output_text(&model, "echo"), "over stdio");
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "widget"),
        "{events:#?}"
    );

    // The child dies: the next use starts a new one.
    let pids = std::process::Command::new("pgrep")
        .args(["-f", "fastmcp_server.py --stdio"])
        .output()
        .expect("pgrep");
    for pid in String::from_utf8_lossy(&pids.stdout).split_whitespace() {
        let _ = std::process::Command::new("kill").arg(pid).status();
    }
    let mut relisted = false;
    for _ in 0..50 {
        if server.list_tools().await.is_ok() {
            relisted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(relisted, "no new child after the first died");
}

#[tokio::test]
async fn a_stdio_program_that_cannot_start_is_a_clear_error() {
    let server = McpServer::stdio("missing", "/nonexistent/mcp-server");
    let error = server.list_tools().await.expect_err("no such program");
    assert!(
        error.message().contains("cannot start"),
        "{}",
        error.message()
    );
}

#[tokio::test]
async fn a_timeout_cancels_the_fastmcp_call() {
    let python = python_or_skip!();
    let fastmcp = FastMcp::start(&python, &[]).await;
    let model = Arc::new(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_call(
                "s",
                "slow",
                r#"{"seconds":5,"steps":5}"#,
            ))
            .with_response(ScriptedResponse::text("Too slow.")),
    );
    let agent = Agent::with_model("x", model.clone()).mcp_server(
        McpServer::http_with_context("python", fastmcp.url.clone())
            .timeout(Duration::from_millis(500)),
    );
    let started = Instant::now();
    let events = chatkit_app(agent).ask("alice", "go").await.1;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    no_error(&events);
    let output = output_text(&model, "s");
    assert!(output.contains("did not answer within 500 ms"), "{output}");
    // notifications/cancelled reached the SDK, which cancelled the tool.
    assert!(
        fastmcp
            .wait_event(Duration::from_secs(5), |e| e
                == &json!({"event": "cancelled", "tool": "slow"}))
            .await,
        "the Python server did not cancel `slow`: {:?}\n{}",
        fastmcp.events(),
        fastmcp.stderr()
    );
    assert!(fastmcp.stderr().contains("slow cancelled"));
}

#[tokio::test]
async fn list_changed_from_fastmcp_refreshes_the_cached_tool_list() {
    let python = python_or_skip!();
    let fastmcp = FastMcp::start(&python, &[]).await;
    let server = McpServer::http_with_context("python", fastmcp.url.clone()).cache_tools_list(true);
    let mut script = ScriptedModel::new()
        .with_response(ScriptedResponse::tool_call(
            "a",
            "add_tool",
            r#"{"name":"late_tool"}"#,
        ))
        .with_response(ScriptedResponse::text("Added."));
    for _ in 0..40 {
        script = script.with_response(ScriptedResponse::text("Again."));
    }
    let model = Arc::new(script);
    // The SDK sends the notification on the session's GET stream, and drops
    // it when none is open yet: connect first and give the stream a moment.
    server.connect().await.expect("connected");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let app = chatkit_app(Agent::with_model("x", model.clone()).mcp_server(server.clone()));
    no_error(&app.ask("alice", "add a tool").await.1);
    assert_eq!(output_text(&model, "a"), "added");
    assert!(
        !model.requests()[0]
            .tools
            .iter()
            .any(|t| t.name == "late_tool"),
        "offered before it existed"
    );
    assert!(
        fastmcp
            .wait_event(Duration::from_secs(5), |e| e["event"] == "list_changed")
            .await,
        "{:?}",
        fastmcp.events()
    );
    let list_changed = fastmcp
        .events()
        .into_iter()
        .find(|e| e["event"] == "list_changed")
        .expect("the event");
    assert_eq!(list_changed["sent"], true, "{list_changed}");
    // The next turns offer the new tool once the notification is handled.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        no_error(&app.ask("alice", "again").await.1);
        let last = model.last_request().expect("a request");
        if last.tools.iter().any(|t| t.name == "late_tool") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the cached tool list was never refreshed: {:?}",
            last.tools.iter().map(|t| &t.name).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // And the new tool works (through the same, shared, connection).
    let caller = Arc::new(
        ScriptedModel::new()
            .with_response(ScriptedResponse::tool_call("l", "late_tool", "{}"))
            .with_response(ScriptedResponse::text("Called.")),
    );
    let app = chatkit_app(Agent::with_model("x", caller.clone()).mcp_server(server));
    no_error(&app.ask("alice", "call it").await.1);
    assert_eq!(output_text(&caller, "l"), "late_tool called");
}

// ---------------------------------------------------------------------------
// 2. The SDK's client calling our server.
// ---------------------------------------------------------------------------

async fn the_python_client_uses_our_server(mode: &str) {
    let python = python_or_skip!();
    let server = serve_todo();
    let checked = run_checker(
        &python,
        "client_check.py",
        &args(&[
            "--url",
            &server.url(),
            "--token",
            &token("alice"),
            "--mode",
            mode,
            "--expect-tools",
            OUR_TOOLS,
            "--call",
            "add",
            r#"{"a":2,"b":3}"#,
            "--call",
            "add_task",
            r#"{"title":"milk"}"#,
            "--call",
            "explode",
            "{}",
            "--call",
            "show_tasks",
            r#"{"title":"milk"}"#,
            "--call",
            "add",
            r#"{"a":"x","b":3}"#,
            "--call",
            "nope",
            "{}",
            "--call",
            "whoami",
            "{}",
        ]),
    )
    .await;
    assert!(checked.success, "{checked}");
    let checked = &checked;

    let initialized = checked.value("initialized");
    // rmcp speaks both eras: `auto` discovers 2026-07-28 (`server/discover`
    // answers with a result), `legacy` shakes hands at 2025-11-25.
    let era = if mode == "auto" {
        "2026-07-28"
    } else {
        "2025-11-25"
    };
    assert_eq!(initialized["protocolVersion"], era, "{checked}");
    assert_eq!(initialized["serverInfo"]["name"], "todo", "{checked}");
    assert!(
        initialized["capabilities"]["tools"].is_object(),
        "{checked}"
    );

    let tools = checked.value("tools").as_array().expect("tools");
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, OUR_TOOLS.split(',').collect::<Vec<_>>());
    for tool in tools {
        check_openai_strict(&tool["inputSchema"])
            .unwrap_or_else(|e| panic!("{}: not strict: {e:?}", tool["name"]));
        assert_eq!(tool["inputSchema"]["additionalProperties"], false, "{tool}");
    }
    let add = &tools[0];
    assert_eq!(add["description"], "Add two integers.");
    assert_eq!(add["title"], "Add numbers");
    assert_eq!(
        add["annotations"],
        json!({"title": "Add numbers", "readOnlyHint": true, "idempotentHint": true})
    );
    assert_eq!(add["inputSchema"]["required"], json!(["a", "b"]));
    let whoami = &tools[4];
    assert_eq!(whoami["inputSchema"]["properties"], json!({}));
    assert_eq!(whoami["annotations"], Value::Null);

    let text = |line: &Value| line["content"][0]["text"].as_str().map(str::to_owned);
    let call = checked.nth("call", "add", 0);
    assert_eq!(call["isError"], false, "{call}");
    assert_eq!(
        call["content"],
        json!([{"type": "text", "text": "5"}]),
        "{call}"
    );

    let call = checked.line("call", "add_task");
    assert_eq!(call["isError"], false, "{call}");
    let task = json!({"title": "milk", "owner": "alice", "done": false});
    assert_eq!(
        serde_json::from_str::<Value>(&text(call).expect("text")).expect("JSON"),
        task
    );
    assert_eq!(call["structuredContent"], task, "{call}");

    let call = checked.line("call", "explode");
    assert_eq!(call["isError"], true, "{call}");
    assert_eq!(text(call).as_deref(), Some(REDACTED_TOOL_ERROR), "{call}");
    assert!(!call.to_string().contains("hunter2"));

    let call = checked.line("call", "show_tasks");
    assert_eq!(call["isError"], false, "{call}");
    assert_eq!(text(call).as_deref(), Some("Shown the tasks."));
    let resource = &call["content"][1];
    assert_eq!(resource["type"], "resource", "{call}");
    assert_eq!(resource["resource"]["mimeType"], WIDGET_MIME_TYPE);
    assert_eq!(resource["resource"]["uri"], "chatkit://widget/0");
    assert_eq!(
        resource["resource"]["_meta"],
        json!({"chatkit/copy_text": "Tasks: milk"}),
        "{call}"
    );
    let widget: Value = serde_json::from_str(
        resource["resource"]["text"]
            .as_str()
            .expect("the widget JSON"),
    )
    .expect("JSON");
    assert_eq!(widget["type"], "Card");
    assert_eq!(widget["children"][0]["value"], "Tasks: milk");

    // Arguments the tool's parser refuses and unknown tools: -32602.
    let call = checked.nth("call", "add", 1);
    assert_eq!(call["error"]["code"], -32602, "{call}");
    assert!(
        call["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains('a'),
        "{call}"
    );
    let call = checked.line("call", "nope");
    assert_eq!(call["error"]["code"], -32602, "{call}");

    let call = checked.line("call", "whoami");
    assert_eq!(text(call).as_deref(), Some("alice"), "{call}");

    // rmcp answers the session's DELETE with 202 where the SDK expects 200
    // or 204, so a handshake session ends with this warning (harmless: the
    // session is gone). Nothing else may go wrong.
    let known = json!({"warning": "mcp.client.streamable_http: Session termination failed: 202"});
    assert!(
        !checked
            .lines
            .iter()
            .any(|l| *l != known
                && (l.get("warning").is_some() || l.get("transportError").is_some())),
        "{checked}"
    );
}

#[tokio::test]
async fn the_python_client_uses_our_server_after_the_handshake() {
    the_python_client_uses_our_server("legacy").await;
}

#[tokio::test]
async fn the_python_client_uses_our_server_after_discovery() {
    the_python_client_uses_our_server("auto").await;
}

#[tokio::test]
async fn the_python_client_gets_401_without_a_valid_token() {
    let python = python_or_skip!();
    let server = serve_todo();
    let url = server.url();
    let forged = token_with("another secret that is at least 32 bytes long", "alice");
    for (mode, token) in [
        ("legacy", None),
        ("auto", None),
        ("legacy", Some("not-a-jwt")),
        ("auto", Some(forged.as_str())),
    ] {
        let mut list = vec!["--url", &url, "--mode", mode, "--expect-401"];
        if let Some(token) = token {
            list.extend(["--token", token]);
        }
        let checked = run_checker(&python, "client_check.py", &args(&list)).await;
        assert!(checked.success, "{mode} {token:?}: {checked}");
        let line = checked.value("unauthorized");
        assert_eq!(line, &json!(true), "{checked}");
        assert_eq!(checked.lines[0]["status"], 401, "{checked}");
        assert_eq!(checked.lines[0]["wwwAuthenticate"], "Bearer", "{checked}");
    }
}

// ---------------------------------------------------------------------------
// 3. The Agents SDK's MCPServerStreamableHttp against our server.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_agents_sdk_uses_our_server() {
    let python = python_or_skip!();
    let server = serve_todo();
    let checked = run_checker(
        &python,
        "agents_check.py",
        &args(&[
            "--url",
            &server.url(),
            "--token",
            &token("alice"),
            "--call",
            "add",
            r#"{"a":2,"b":3}"#,
            "--call",
            "add_task",
            r#"{"title":"milk"}"#,
            "--call",
            "explode",
            "{}",
            "--call",
            "show_tasks",
            r#"{"title":"milk"}"#,
            "--call",
            "whoami",
            "{}",
        ]),
    )
    .await;
    assert!(checked.success, "{checked}");
    let checked = &checked;

    let tools = checked.value("tools").as_array().expect("tools");
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, OUR_TOOLS.split(',').collect::<Vec<_>>());
    assert_eq!(tools[0]["annotations"]["readOnlyHint"], true);

    // Every tool, the no-argument ones too, converts to a strict function tool.
    for name in OUR_TOOLS.split(',') {
        let tool = checked.line("function_tool", name);
        assert_eq!(tool["strict_json_schema"], true, "{tool}");
        assert_eq!(
            tool["params_json_schema"]["additionalProperties"], false,
            "{tool}"
        );
    }
    assert_eq!(
        checked.line("function_tool", "add")["description"],
        "Add two integers."
    );

    let call = checked.line("call", "add");
    assert_eq!(call["content"], json!([{"type": "text", "text": "5"}]));
    let output = |name: &str| checked.line("tool_output", name)["output"].clone();
    assert_eq!(output("add"), json!({"type": "text", "text": "5"}));
    let task: Value =
        serde_json::from_str(output("add_task")["text"].as_str().expect("text")).expect("JSON");
    assert_eq!(
        task,
        json!({"title": "milk", "owner": "alice", "done": false})
    );
    assert_eq!(checked.line("call", "explode")["isError"], true);
    assert_eq!(
        output("explode"),
        json!({"type": "text", "text": REDACTED_TOOL_ERROR})
    );
    // The Agents SDK gives its model the widget resource as JSON text,
    // after our text block.
    let shown = output("show_tasks");
    assert_eq!(
        shown[0],
        json!({"type": "text", "text": "Shown the tasks."})
    );
    let resource: Value =
        serde_json::from_str(shown[1]["text"].as_str().expect("text")).expect("JSON");
    assert_eq!(resource["resource"]["mime_type"], WIDGET_MIME_TYPE);
    assert_eq!(output("whoami"), json!({"type": "text", "text": "alice"}));
}
