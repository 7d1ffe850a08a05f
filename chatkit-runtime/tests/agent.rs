//! Agents end to end through the ChatKit endpoint, with a scripted model and
//! real `#[function_tool]` tools: streamed text, tools (parallel, failing,
//! unknown), handoffs, client tool calls, reasoning, citations, limits,
//! errors and cancellation. Every event is checked by the reference's types.

#[cfg(feature = "openai")]
#[path = "support/mock_openai.rs"]
mod mock_openai;
#[path = "support/protocol_oracle.rs"]
mod protocol_oracle;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chatkit_runtime::agent::{Agent, AgentServer, Runner};
use chatkit_runtime::model::{
    Citation, ContentPart, InputItem, Model, ModelError, ModelErrorKind, ModelEvent, ModelRequest,
    ModelStream, Role, Usage,
};
use chatkit_runtime::server::{ChatKit, ServerError};
use chatkit_runtime::store::{MemoryStore, Store};
use chatkit_runtime::{AgentContext, async_trait, function_tool, widget};
use futures::StreamExt as _;
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

type User = String;

/// Scripted answers, in order.
type Script = Arc<Mutex<VecDeque<Result<Vec<ModelEvent>, ModelError>>>>;

/// A model that answers from a script and records what it was asked.
#[derive(Clone, Default)]
struct TestModel {
    script: Script,
    requests: Arc<Mutex<Vec<ModelRequest>>>,
}

impl TestModel {
    fn new(responses: impl IntoIterator<Item = Vec<ModelEvent>>) -> Self {
        let model = Self::default();
        model
            .script
            .lock()
            .unwrap()
            .extend(responses.into_iter().map(Ok));
        model
    }

    fn requests(&self) -> Vec<ModelRequest> {
        self.requests.lock().unwrap().clone()
    }
}

#[async_trait]
impl Model for TestModel {
    fn name(&self) -> &str {
        "test"
    }

    async fn stream(&self, request: ModelRequest) -> Result<ModelStream, ModelError> {
        self.requests.lock().unwrap().push(request);
        let next = self
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| Ok(vec![text("(script exhausted)")]));
        let mut events = next?;
        events.push(ModelEvent::Completed {
            usage: Usage {
                requests: 1,
                input_tokens: 10,
                output_tokens: 5,
                ..Usage::default()
            },
        });
        Ok(futures::stream::iter(events.into_iter().map(Ok)).boxed())
    }
}

fn text(delta: &str) -> ModelEvent {
    ModelEvent::TextDelta(delta.to_owned())
}

fn call(id: &str, name: &str, arguments: Value) -> ModelEvent {
    ModelEvent::ToolCall {
        call_id: id.to_owned(),
        name: name.to_owned(),
        arguments: arguments.to_string(),
    }
}

/// Add a task for the user and show it.
#[function_tool]
async fn add_task(ctx: &AgentContext<User>, title: String) -> Result<Value, String> {
    if title.is_empty() {
        return Err("empty title".into());
    }
    ctx.stream_widget(
        widget! { Card { Text { value: format!("Added: {title}") } } },
        Some(title.clone()),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(json!({"id": 1, "title": title, "owner": ctx.context()}))
}

/// Wait, then echo.
#[function_tool]
async fn slow_echo(text: String, millis: u64) -> String {
    tokio::time::sleep(Duration::from_millis(millis)).await;
    text
}

/// Always panics.
#[function_tool]
async fn crash() -> String {
    panic!("secret internal detail")
}

/// Switch the page's theme (runs in the browser).
#[function_tool]
async fn switch_theme(ctx: &AgentContext<User>, theme: String) -> String {
    ctx.client_tool_call("switch_theme", json!({"theme": theme}));
    "asked the client".to_owned()
}

static STARTED: AtomicBool = AtomicBool::new(false);
static DROPPED: AtomicBool = AtomicBool::new(false);

struct DropFlag;
impl Drop for DropFlag {
    fn drop(&mut self) {
        DROPPED.store(true, Ordering::SeqCst);
    }
}

/// Runs forever, noting when it is dropped.
#[function_tool]
async fn forever() -> String {
    let _flag = DropFlag;
    STARTED.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(3600)).await;
    "never".to_owned()
}

type Runs = Arc<Mutex<Vec<(User, Usage, String)>>>;
type Seen = Arc<Mutex<Vec<(String, &'static str, Value)>>>;

struct App {
    router: axum::Router,
    store: Arc<dyn Store<User>>,
    runs: Runs,
    seen: Seen,
}

fn serve(agent: Agent<User>, runner: Runner) -> App {
    let store: Arc<dyn Store<User>> = Arc::new(MemoryStore::new());
    let runs: Runs = Arc::default();
    let record = runs.clone();
    let server = AgentServer::new(agent, Arc::clone(&store))
        .runner(runner)
        .on_run(move |user, result| {
            record
                .lock()
                .unwrap()
                .push((user.clone(), result.usage, result.last_agent.clone()))
        });
    let route = ChatKit::with_store(server, Arc::clone(&store)).into_route_with(
        |parts: &axum::http::request::Parts| {
            let user = parts
                .headers
                .get("x-user")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            async move { user.ok_or_else(|| ServerError::bad_request("missing x-user")) }
        },
    );
    App {
        router: axum::Router::new().route("/chatkit", route),
        store,
        runs,
        seen: Arc::default(),
    }
}

impl App {
    async fn send(&self, request: Value) -> Vec<Value> {
        let http = Request::post("/chatkit")
            .header("x-user", "alice")
            .body(Body::from(request.to_string()))
            .unwrap();
        let response = self.router.clone().oneshot(http).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = tokio::time::timeout(Duration::from_secs(10), response.into_body().collect())
            .await
            .expect("the response did not end")
            .unwrap()
            .to_bytes();
        let events: Vec<Value> = String::from_utf8_lossy(&body)
            .split_terminator("\n\n")
            .map(|frame| serde_json::from_str(frame.strip_prefix("data: ").unwrap()).unwrap())
            .collect();
        let mut seen = self.seen.lock().unwrap();
        for event in &events {
            seen.push((format!("event {}", event["type"]), "event", event.clone()));
        }
        events
    }

    async fn ask(&self, text: &str) -> (String, Vec<Value>) {
        let events = self
            .send(json!({"type": "threads.create", "params": {"input": {
                "content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}}}}))
            .await;
        (
            events[0]["thread"]["id"].as_str().unwrap().to_owned(),
            events,
        )
    }

    async fn items(&self, thread_id: &str) -> Vec<Value> {
        let page = Store::<User>::load_thread_items(
            self.store.as_ref(),
            thread_id,
            None,
            100,
            chatkit_runtime::protocol::Order::Asc,
            &"alice".to_owned(),
        )
        .await
        .unwrap();
        page.data
            .iter()
            .map(|item| serde_json::to_value(item).unwrap())
            .collect()
    }

    fn check_with_reference(&self) {
        let seen = self.seen.lock().unwrap().clone();
        protocol_oracle::check_with_reference(&seen);
    }
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

fn updates(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.updated")
        .map(|e| e["update"]["type"].as_str().unwrap())
        .collect()
}

fn tool_outputs(request: &ModelRequest) -> Vec<(String, String)> {
    request
        .input
        .iter()
        .filter_map(|item| match item {
            InputItem::FunctionCallOutput { call_id, output } => Some((
                call_id.clone(),
                output
                    .iter()
                    .map(|part| match part {
                        ContentPart::Text { text } => text.clone(),
                        ContentPart::Image { url } => url.clone(),
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn streams_text_as_an_assistant_message() {
    let model = TestModel::new([vec![text("Hel"), text("lo"), text("!")]]);
    let app = serve(
        Agent::new("assistant", model.clone()).instructions("Be nice."),
        Runner::new(),
    );
    let (thread_id, events) = app.ask("hi").await;
    assert_eq!(
        types(&events),
        [
            "thread.created",
            "thread.item.done",
            "stream_options",
            "thread.item.added",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.done"
        ]
    );
    assert_eq!(
        updates(&events),
        [
            "assistant_message.content_part.added",
            "assistant_message.content_part.text_delta",
            "assistant_message.content_part.text_delta",
            "assistant_message.content_part.text_delta",
            "assistant_message.content_part.done"
        ]
    );
    assert_eq!(events[9]["item"]["content"][0]["text"], "Hello!");
    let items = app.items(&thread_id).await;
    assert_eq!(items[1]["content"][0]["text"], "Hello!");
    let request = &model.requests()[0];
    assert_eq!(request.instructions, "Be nice.");
    assert_eq!(request.input, [InputItem::text(Role::User, "hi")]);
    let runs = app.runs.lock().unwrap().clone();
    assert_eq!(
        runs,
        [(
            "alice".to_owned(),
            Usage {
                requests: 1,
                input_tokens: 10,
                output_tokens: 5,
                ..Usage::default()
            },
            "assistant".to_owned()
        )]
    );
    app.check_with_reference();
}

#[tokio::test]
async fn tools_run_stream_widgets_and_feed_results_back() {
    let model = TestModel::new([
        vec![
            text("Adding"),
            call("c1", "add_task", json!({"title": "Buy milk"})),
        ],
        vec![text("Done.")],
    ]);
    let agent = Agent::new("assistant", model.clone()).tool(add_task::tool());
    let app = serve(agent, Runner::new());
    let (thread_id, events) = app.ask("add buy milk").await;
    let done: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "thread.item.done")
        .map(|e| &e["item"])
        .collect();
    let kinds: Vec<&str> = done
        .iter()
        .map(|item| item["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "user_message",
            "assistant_message",
            "widget",
            "assistant_message"
        ]
    );
    assert_eq!(done[2]["widget"]["children"][0]["value"], "Added: Buy milk");
    assert_eq!(done[2]["copy_text"], "Buy milk");

    let requests = model.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].tools[0].name, "add_task");
    assert_eq!(
        requests[0].tools[0].parameters["required"],
        json!(["title"])
    );
    assert_eq!(
        tool_outputs(&requests[1]),
        [(
            "c1".to_owned(),
            r#"{"id":1,"title":"Buy milk","owner":"alice"}"#.to_owned()
        )]
    );
    assert_eq!(app.items(&thread_id).await.len(), 4);
    assert_eq!(
        app.runs.lock().unwrap()[0].1.requests,
        2,
        "usage counts both model calls"
    );
    app.check_with_reference();
}

#[tokio::test]
async fn parallel_calls_run_at_once_and_return_in_call_order() {
    let model = TestModel::new([
        vec![
            call("slow", "slow_echo", json!({"text": "first", "millis": 300})),
            call("fast", "slow_echo", json!({"text": "second", "millis": 10})),
        ],
        vec![text("ok")],
    ]);
    let agent = Agent::new("assistant", model.clone()).tool(slow_echo::tool());
    let app = serve(agent, Runner::new());
    let started = std::time::Instant::now();
    app.ask("go").await;
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "calls ran one after the other"
    );
    assert_eq!(
        tool_outputs(&model.requests()[1]),
        [
            ("slow".to_owned(), "first".to_owned()),
            ("fast".to_owned(), "second".to_owned())
        ]
    );

    // With a cap of one they run one at a time.
    let model = TestModel::new([
        vec![
            call("a", "slow_echo", json!({"text": "a", "millis": 150})),
            call("b", "slow_echo", json!({"text": "b", "millis": 150})),
        ],
        vec![text("ok")],
    ]);
    let app = serve(
        Agent::new("assistant", model).tool(slow_echo::tool()),
        Runner::new().tool_concurrency(1),
    );
    let started = std::time::Instant::now();
    app.ask("go").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn tool_failures_are_reported_to_the_model_and_the_run_goes_on() {
    let model = TestModel::new([
        vec![
            call("bad", "add_task", json!({"title": 5})),
            call("err", "add_task", json!({"title": ""})),
            call("panic", "crash", json!({})),
            call("unknown", "delete_everything", json!({})),
        ],
        vec![text("Sorry.")],
    ]);
    let agent = Agent::new("assistant", model.clone())
        .tool(add_task::tool())
        .tool(crash::tool());
    let app = serve(agent, Runner::new());
    let (_, events) = app.ask("try").await;
    assert!(!events.iter().any(|e| e["type"] == "error"));
    let outputs = tool_outputs(&model.requests()[1]);
    assert!(
        outputs[0]
            .1
            .contains("Invalid arguments for tool `add_task` at `title`"),
        "{outputs:?}"
    );
    assert_eq!(
        outputs[1].1,
        "An error occurred while running the tool. Please try again."
    );
    assert_eq!(
        outputs[2].1,
        "An error occurred while running the tool. Please try again."
    );
    assert!(!outputs[2].1.contains("secret"));
    assert_eq!(
        outputs[3].1,
        "Tool `delete_everything` not found. Available tools: add_task, crash."
    );
}

#[tokio::test]
async fn max_turns_ends_with_a_clear_error() {
    let looping: Vec<Vec<ModelEvent>> = (0..5)
        .map(|i| {
            vec![call(
                &format!("c{i}"),
                "slow_echo",
                json!({"text": "x", "millis": 0}),
            )]
        })
        .collect();
    let model = TestModel::new(looping);
    let app = serve(
        Agent::new("assistant", model.clone()).tool(slow_echo::tool()),
        Runner::new().max_turns(3),
    );
    let (_, events) = app.ask("loop").await;
    let error = events
        .iter()
        .find(|e| e["type"] == "error")
        .expect("an error event");
    assert_eq!(error["code"], "custom");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("more than 3 steps")
    );
    assert_eq!(model.requests().len(), 3);
    app.check_with_reference();
}

#[tokio::test]
async fn handoffs_switch_the_active_agent() {
    let support_model = TestModel::new([vec![text("Support here.")]]);
    let support = Agent::new("support", support_model.clone())
        .instructions("You are support.")
        .tool(slow_echo::tool());
    let triage_model = TestModel::new([vec![call("h1", "transfer_to_support", json!({}))]]);
    let triage = Agent::new("triage", triage_model.clone())
        .instructions("Route the user.")
        .handoff(support, "questions about bugs and accounts");
    let app = serve(triage, Runner::new());
    let (_, events) = app.ask("my account is broken").await;
    let last = events
        .iter()
        .rev()
        .find(|e| e["type"] == "thread.item.done")
        .unwrap();
    assert_eq!(last["item"]["content"][0]["text"], "Support here.");
    assert_eq!(
        triage_model.requests()[0].tools[0].name,
        "transfer_to_support"
    );
    let support_request = &support_model.requests()[0];
    assert_eq!(support_request.instructions, "You are support.");
    assert_eq!(support_request.tools[0].name, "slow_echo");
    assert!(
        tool_outputs(support_request)[0]
            .1
            .starts_with("Transferred to support")
    );
    assert_eq!(app.runs.lock().unwrap()[0].2, "support");
}

#[tokio::test]
async fn client_tool_calls_end_the_turn_and_the_output_resumes_it() {
    let model = TestModel::new([
        vec![call("c1", "switch_theme", json!({"theme": "dark"}))],
        vec![text("Switched to dark.")],
    ]);
    let app = serve(
        Agent::new("assistant", model.clone()).tool(switch_theme::tool()),
        Runner::new(),
    );
    let (thread_id, events) = app.ask("dark mode please").await;
    let pending = &events.last().unwrap()["item"];
    assert_eq!(pending["type"], "client_tool_call");
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["name"], "switch_theme");
    assert_eq!(pending["arguments"], json!({"theme": "dark"}));
    assert_eq!(model.requests().len(), 1, "the turn ended");

    let events = app
        .send(json!({"type": "threads.add_client_tool_output", "params": {"thread_id": thread_id, "result": {"ok": true}}}))
        .await;
    assert_eq!(
        events.last().unwrap()["item"]["content"][0]["text"],
        "Switched to dark."
    );
    let resumed = &model.requests()[1];
    let call_id = pending["call_id"].as_str().unwrap();
    assert!(resumed.input.iter().any(|item| matches!(item, InputItem::FunctionCall { call_id: id, name, .. } if id == call_id && name == "switch_theme")));
    assert_eq!(
        tool_outputs(resumed),
        [(call_id.to_owned(), r#"{"ok":true}"#.to_owned())]
    );
    app.check_with_reference();
}

#[tokio::test]
async fn reasoning_becomes_a_workflow_and_citations_annotations() {
    let model = TestModel::new([vec![
        ModelEvent::ReasoningDelta("Think".into()),
        ModelEvent::ReasoningDelta("ing".into()),
        ModelEvent::ReasoningDone,
        ModelEvent::ReasoningDelta("More".into()),
        text("See the docs."),
        ModelEvent::Citation(Citation::Url {
            url: "https://example.com".into(),
            title: "Example".into(),
            index: Some(13),
        }),
    ]]);
    let app = serve(Agent::new("assistant", model), Runner::new());
    let (thread_id, events) = app.ask("why?").await;
    assert_eq!(
        updates(&events),
        [
            "workflow.task.added",
            "workflow.task.updated",
            "workflow.task.added",
            "assistant_message.content_part.added",
            "assistant_message.content_part.text_delta",
            "assistant_message.content_part.annotation_added",
            "assistant_message.content_part.done"
        ]
    );
    let items = app.items(&thread_id).await;
    assert_eq!(items[1]["type"], "workflow");
    assert_eq!(items[1]["workflow"]["tasks"][0]["content"], "Thinking");
    assert_eq!(items[1]["workflow"]["tasks"][1]["content"], "More");
    assert_eq!(
        items[2]["content"][0]["annotations"][0]["source"]["url"],
        "https://example.com"
    );
    app.check_with_reference();
}

#[tokio::test]
async fn model_failures_become_error_events_without_internals() {
    let model = TestModel::default();
    model.script.lock().unwrap().push_back(Err(ModelError::new(
        ModelErrorKind::RateLimited,
        "429 from provider: key sk-secret",
    )));
    let app = serve(Agent::new("assistant", model), Runner::new());
    let (_, events) = app.ask("hi").await;
    let error = events.last().unwrap();
    assert_eq!(error["type"], "error");
    assert_eq!(error["allow_retry"], true);
    assert!(!error.to_string().contains("sk-secret"));
}

#[tokio::test]
async fn history_reaches_the_model_on_the_next_turn() {
    let model = TestModel::new([vec![text("First answer")], vec![text("Second answer")]]);
    let app = serve(Agent::new("assistant", model.clone()), Runner::new());
    let (thread_id, _) = app.ask("one").await;
    app.send(json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": {
        "content": [{"type": "input_text", "text": "two"}], "attachments": [], "inference_options": {}}}}))
        .await;
    assert_eq!(
        model.requests()[1].input,
        [
            InputItem::text(Role::User, "one"),
            InputItem::text(Role::Assistant, "First answer"),
            InputItem::text(Role::User, "two"),
        ]
    );
}

#[tokio::test]
async fn a_disconnect_stops_pending_tools() {
    let model = TestModel::new([vec![text("Working"), call("f", "forever", json!({}))]]);
    let app = serve(
        Agent::new("assistant", model).tool(forever::tool()),
        Runner::new(),
    );
    let http = Request::post("/chatkit")
        .header("x-user", "alice")
        .body(Body::from(
            json!({"type": "threads.create", "params": {"input": {"content": [{"type": "input_text", "text": "go"}], "attachments": [], "inference_options": {}}}}).to_string(),
        ))
        .unwrap();
    let response = app.router.clone().oneshot(http).await.unwrap();
    let mut body = response.into_body();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !STARTED.load(Ordering::SeqCst) {
        let _ = tokio::time::timeout(Duration::from_millis(50), body.frame()).await;
        assert!(
            tokio::time::Instant::now() < deadline,
            "the tool never started"
        );
    }
    drop(body);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !DROPPED.load(Ordering::SeqCst) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the tool kept running"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn tools_can_stream_a_widget_that_changes() {
    /// Counts to three in a widget.
    #[function_tool]
    async fn count(ctx: &AgentContext<User>) -> String {
        let states = futures::stream::iter(1..=3).map(|n| {
            widget! { Card { Text { id: "n", value: "n".repeat(n), streaming: n < 3 } } }
        });
        ctx.stream_widget_updates(states, None)
            .await
            .map_err(|e| e.to_string())
            .unwrap_or_default();
        "counted".to_owned()
    }
    let model = TestModel::new([vec![call("c", "count", json!({}))], vec![text("ok")]]);
    let app = serve(
        Agent::new("assistant", model).tool(count::tool()),
        Runner::new(),
    );
    let (_, events) = app.ask("count").await;
    let widget_updates: Vec<&Value> = events
        .iter()
        .filter(|e| {
            e["type"] == "thread.item.updated"
                && e["update"]["type"].as_str().unwrap().starts_with("widget")
        })
        .map(|e| &e["update"])
        .collect();
    assert_eq!(
        widget_updates[0],
        &json!({"type": "widget.streaming_text.value_delta", "component_id": "n", "delta": "n", "done": false})
    );
    assert_eq!(widget_updates[1]["type"], "widget.component.updated");
    app.check_with_reference();
}

#[cfg(feature = "openai")]
fn chunk(delta: Value) -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": null}]})
}

/// The whole path over real HTTP: a Chat Completions server streaming a tool
/// call split across deltas, the tool, the second call, the ChatKit events.
#[cfg(feature = "openai")]
#[tokio::test]
async fn an_agent_on_a_chat_completions_server_over_http() {
    use mock_openai::{MockOpenAi, Reply};
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([
        chunk(json!({"role": "assistant", "content": ""})),
        chunk(json!({"tool_calls": [{"index": 0, "id": "call_a", "type": "function", "function": {"name": "add_task", "arguments": ""}}]})),
        chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"title\""}}]})),
        chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": ": \"Call mom\"}"}}]})),
        json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}),
    ]));
    mock.push_chat(Reply::chat([
        chunk(json!({"content": "Added "})),
        chunk(json!({"content": "it."})),
        json!({"id": "chatcmpl-2", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
    ]));
    let model = chatkit_runtime::model::ChatCompletionsModel::compatible(
        mock.base_url(),
        Some("sk-test"),
        "local-model",
    );
    let app = serve(
        Agent::new("assistant", model)
            .instructions("Manage tasks.")
            .tool(add_task::tool()),
        Runner::new(),
    );
    let (_, events) = app.ask("remind me to call mom").await;
    let done: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "thread.item.done")
        .map(|e| e["item"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(done, ["user_message", "widget", "assistant_message"]);
    assert_eq!(
        events.last().unwrap()["item"]["content"][0]["text"],
        "Added it."
    );
    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    let second = &requests[1].body;
    let messages = second["messages"].as_array().unwrap();
    let tool_message = messages.iter().find(|m| m["role"] == "tool").unwrap();
    assert_eq!(tool_message["tool_call_id"], "call_a");
    assert!(
        tool_message["content"]
            .as_str()
            .unwrap()
            .contains("Call mom")
    );
    assert_eq!(requests[0].body["tools"][0]["function"]["name"], "add_task");
    app.check_with_reference();
}

#[tokio::test]
async fn tools_can_show_their_steps_as_a_workflow() {
    use chatkit_runtime::protocol::{StatusIndicator, Task, WorkflowKind, WorkflowSummary};

    /// Imports a file, step by step.
    #[function_tool]
    async fn import(ctx: &AgentContext<User>) -> String {
        let step = |title: &str, status| Task::Custom {
            status_indicator: status,
            title: Some(title.to_owned()),
            icon: None,
            content: None,
        };
        let Ok(mut workflow) = ctx.start_workflow(WorkflowKind::Custom).await else {
            return "cancelled".into();
        };
        let read = workflow
            .add_task(step("Reading", StatusIndicator::Loading))
            .await
            .unwrap_or(0);
        let _ = workflow
            .update_task(read, step("Read 3 rows", StatusIndicator::Complete))
            .await;
        let _ = workflow
            .add_task(step("Saved", StatusIndicator::Complete))
            .await;
        let _ = workflow
            .end(Some(WorkflowSummary::Custom {
                title: "Imported 3 rows".into(),
                icon: None,
            }))
            .await;
        "imported".to_owned()
    }
    let model = TestModel::new([vec![call("i", "import", json!({}))], vec![text("Done")]]);
    let app = serve(
        Agent::new("assistant", model).tool(import::tool()),
        Runner::new(),
    );
    let (thread_id, events) = app.ask("import").await;
    assert_eq!(
        updates(&events)[..3],
        [
            "workflow.task.added",
            "workflow.task.updated",
            "workflow.task.added"
        ]
    );
    let workflow = app
        .items(&thread_id)
        .await
        .into_iter()
        .find(|i| i["type"] == "workflow")
        .unwrap();
    assert_eq!(workflow["workflow"]["summary"]["title"], "Imported 3 rows");
    assert_eq!(workflow["workflow"]["tasks"][0]["title"], "Read 3 rows");
    assert_eq!(workflow["workflow"]["tasks"].as_array().unwrap().len(), 2);
    app.check_with_reference();
}
