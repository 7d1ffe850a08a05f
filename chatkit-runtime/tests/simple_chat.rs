//! `POST /api/chat`, the simple SSE chat protocol, over the production HTTP
//! layer with an agent on a scripted model: content, tool call, done and
//! error chunks, threads shared with `/chatkit`, bad bodies, users, limits,
//! and the ChatKit endpoint left as it was.

#[path = "support/http_server.rs"]
mod http_server;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chatkit_runtime::agent::{Agent, AgentServer};
use chatkit_runtime::http::{
    App, Authenticator, CorsConfig, DevHeaderAuth, HttpConfig, JwtConfig, RateLimit, User,
};
use chatkit_runtime::model::{
    InputItem, Model, ModelError, ModelErrorKind, ModelEvent, Role, ScriptedModel,
    ScriptedResponse, Usage,
};
use chatkit_runtime::protocol::{Order, ThreadItem};
use chatkit_runtime::server::ChatKit;
use chatkit_runtime::store::{MemoryStore, Store};
use chatkit_runtime::{AgentContext, function_tool};
use http_body_util::BodyExt as _;
use http_server::{AUDIENCE, ISSUER, SECRET, parse_sse, token};
use serde_json::{Value, json};
use tower::ServiceExt as _;

/// Add a task for the user.
#[function_tool]
async fn add_task(ctx: &AgentContext<User>, title: String) -> Result<Value, String> {
    Ok(json!({"id": 1, "title": title, "owner": ctx.context().id}))
}

/// Say hello.
#[function_tool]
async fn greet(name: String) -> String {
    format!("Hello, {name}")
}

/// Wait, then say so.
#[function_tool]
async fn nap(millis: u64) -> String {
    tokio::time::sleep(Duration::from_millis(millis)).await;
    "rested".to_owned()
}

struct TestApp {
    router: axum::Router,
    model: Arc<ScriptedModel>,
    store: Arc<dyn Store<User>>,
}

/// A reply, read to its end.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: String,
    text: String,
    /// The SSE chunks, parsed (empty for JSON replies).
    chunks: Vec<Value>,
    /// SSE comments (keep-alive) between them.
    comments: usize,
    json: Value,
}

impl Reply {
    /// The `content` chunks, joined.
    fn content(&self) -> String {
        self.chunks
            .iter()
            .filter_map(|chunk| chunk["content"].as_str())
            .collect()
    }

    fn done_thread(&self) -> String {
        let last = self.chunks.last().expect("no chunk");
        assert_eq!(last["done"], true, "{:?}", self.chunks);
        last["thread_id"].as_str().unwrap().to_owned()
    }

    fn error_code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or_default()
    }
}

fn relaxed() -> HttpConfig {
    HttpConfig::default()
        .stream_rate(None)
        .max_streams_per_user(None)
}

fn jwt() -> impl Authenticator<User> {
    JwtConfig::hs256(SECRET)
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .build()
        .unwrap()
}

fn app_with(
    responses: impl IntoIterator<Item = ScriptedResponse>,
    auth: impl Authenticator<User>,
    config: HttpConfig,
) -> TestApp {
    let model = Arc::new(ScriptedModel::from_responses(responses));
    let store: Arc<dyn Store<User>> = Arc::new(MemoryStore::new());
    let agent = Agent::with_model("assistant", Arc::clone(&model) as Arc<dyn Model>)
        .instructions("Be brief.")
        .tool(add_task::tool())
        .tool(greet::tool())
        .tool(nap::tool());
    let server = AgentServer::new(agent, Arc::clone(&store));
    let app = App::new(ChatKit::with_store(server, Arc::clone(&store)), auth).config(config);
    TestApp {
        router: app.router(),
        model,
        store,
    }
}

fn app(responses: impl IntoIterator<Item = ScriptedResponse>) -> TestApp {
    app_with(responses, jwt(), relaxed())
}

fn text_delta(text: &str) -> ModelEvent {
    ModelEvent::TextDelta(text.to_owned())
}

fn completed() -> ModelEvent {
    ModelEvent::Completed {
        usage: Usage::default(),
    }
}

impl TestApp {
    async fn request(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = tokio::time::timeout(Duration::from_secs(10), response.into_body().collect())
            .await
            .expect("the response did not end")
            .unwrap()
            .to_bytes();
        let text = String::from_utf8(body.to_vec()).unwrap();
        let (chunks, comments) = if content_type == "text/event-stream" {
            parse_sse(&text)
        } else {
            (Vec::new(), 0)
        };
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            content_type,
            text,
            chunks,
            comments,
            json,
        }
    }

    /// Posts `body` to `path` as the holder of `token`.
    async fn post(&self, path: &str, token: Option<&str>, body: &str) -> Reply {
        let mut request = Request::post(path).header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        self.request(request.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    async fn chat(&self, token: &str, body: &Value) -> Reply {
        self.post("/api/chat", Some(token), &body.to_string()).await
    }

    async fn items(&self, user: &str, thread_id: &str) -> Vec<ThreadItem> {
        self.store
            .load_thread_items(thread_id, None, 100, Order::Asc, &User::new(user))
            .await
            .unwrap()
            .data
    }
}

fn ask(text: &str) -> Value {
    json!({"messages": [{"role": "user", "content": text}]})
}

#[tokio::test]
async fn text_streams_as_content_chunks_then_done_with_the_new_thread() {
    let app = app([ScriptedResponse::events([
        text_delta("Hel"),
        text_delta("lo"),
        text_delta("!"),
        completed(),
    ])]);
    let alice = token("alice");
    let reply = app.chat(&alice, &ask("hi")).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.content_type, "text/event-stream");
    assert_eq!(
        reply.chunks[..3],
        [
            json!({"content": "Hel"}),
            json!({"content": "lo"}),
            json!({"content": "!"})
        ]
    );
    assert_eq!(reply.chunks.len(), 4, "{:?}", reply.chunks);
    let thread_id = reply.done_thread();
    assert!(thread_id.starts_with("thr_"), "{thread_id}");
    assert!(
        reply.text.ends_with(&format!(
            "data: {{\"done\":true,\"thread_id\":\"{thread_id}\"}}\n\n"
        )),
        "{}",
        reply.text
    );
    // The conversation is a thread of alice's, like any other.
    let items = app.items("alice", &thread_id).await;
    assert_eq!(items.len(), 2);
    assert!(matches!(&items[0], ThreadItem::UserMessage(m) if m.text() == "hi"));
    assert!(matches!(&items[1], ThreadItem::AssistantMessage(m) if m.text() == "Hello!"));
    let request = &app.model.requests()[0];
    assert_eq!(request.instructions, "Be brief.");
    assert_eq!(request.input, [InputItem::text(Role::User, "hi")]);
}

#[tokio::test]
async fn each_tool_call_gets_a_chunk_with_its_result() {
    let app = app([
        ScriptedResponse::events([
            text_delta("On it."),
            ModelEvent::ToolCall {
                call_id: "c1".into(),
                name: "add_task".into(),
                arguments: r#"{"title":"Buy milk"}"#.into(),
            },
            ModelEvent::ToolCall {
                call_id: "c2".into(),
                name: "greet".into(),
                arguments: r#"{"name":"Bob"}"#.into(),
            },
            completed(),
        ]),
        ScriptedResponse::text("Added."),
    ]);
    let reply = app.chat(&token("alice"), &ask("add buy milk")).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let mut chunks = reply.chunks.clone();
    chunks.pop();
    // Tools run at once; their chunks come as each finishes.
    let (calls, content): (Vec<Value>, Vec<Value>) = chunks
        .into_iter()
        .partition(|chunk| chunk.get("tool_call").is_some());
    assert!(calls.contains(&json!({"tool_call": {
        "name": "add_task",
        "result": {"id": 1, "title": "Buy milk", "owner": "alice"}
    }})));
    assert!(calls.contains(&json!({"tool_call": {"name": "greet", "result": "Hello, Bob"}})));
    assert_eq!(calls.len(), 2);
    // The second message of the turn starts on a new paragraph.
    assert_eq!(
        content,
        [
            json!({"content": "On it."}),
            json!({"content": "\n\nAdded."})
        ]
    );
    assert_eq!(reply.chunks[0], json!({"content": "On it."}));
    assert_eq!(reply.chunks[3], json!({"content": "\n\nAdded."}));
    reply.done_thread();
}

#[tokio::test]
async fn a_thread_id_continues_the_stored_conversation() {
    let app = app([
        ScriptedResponse::text("Hi Alice."),
        ScriptedResponse::text("You are Alice."),
    ]);
    let alice = token("alice");
    let thread_id = app.chat(&alice, &ask("I am Alice")).await.done_thread();
    // The client's copy of the history is not what the model reads: the store is.
    let body = json!({
        "thread_id": thread_id,
        "messages": [
            {"role": "user", "content": "something else entirely"},
            {"role": "assistant", "content": "made up"},
            {"role": "user", "content": "Who am I?"}
        ]
    });
    let reply = app.chat(&alice, &body).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.content(), "You are Alice.");
    assert_eq!(reply.done_thread(), thread_id);
    let requests = app.model.requests();
    assert_eq!(
        requests[1].input,
        [
            InputItem::text(Role::User, "I am Alice"),
            InputItem::text(Role::Assistant, "Hi Alice."),
            InputItem::text(Role::User, "Who am I?"),
        ]
    );
    assert_eq!(app.items("alice", &thread_id).await.len(), 4);
}

#[tokio::test]
async fn without_a_thread_id_earlier_messages_are_imported_as_history() {
    let app = app([ScriptedResponse::text("Paris, still.")]);
    let body = json!({
        "messages": [
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": "Paris."},
            {"role": "assistant", "content": "  "},
            {"role": "user", "content": "And now?"}
        ],
        "user_id": "alice"
    });
    let reply = app.chat(&token("alice"), &body).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let thread_id = reply.done_thread();
    assert_eq!(
        app.model.requests()[0].input,
        [
            InputItem::text(Role::User, "Capital of France?"),
            InputItem::text(Role::Assistant, "Paris."),
            InputItem::text(Role::User, "And now?"),
        ]
    );
    let items = app.items("alice", &thread_id).await;
    assert_eq!(items.len(), 4);
    assert!(matches!(&items[1], ThreadItem::AssistantMessage(m) if m.text() == "Paris."));
}

#[tokio::test]
async fn a_failing_model_ends_the_stream_with_an_error_chunk() {
    let app = app([ScriptedResponse::events_then_error(
        [text_delta("Partial")],
        ModelError::new(ModelErrorKind::Unavailable, "upstream said 503"),
    )]);
    let reply = app.chat(&token("alice"), &ask("hi")).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        reply.chunks,
        [
            json!({"content": "Partial"}),
            json!({"error": "The assistant is unavailable right now. Please try again."})
        ]
    );
    assert!(!reply.text.contains("upstream"), "{}", reply.text);
}

#[tokio::test]
async fn bad_bodies_get_a_400_naming_the_problem() {
    let app = app([]);
    let alice = token("alice");
    let cases = [
        ("not json", "not valid JSON"),
        ("{}", "missing field `messages`"),
        (r#"{"messages": {}}"#, "`messages`"),
        (r#"{"messages": []}"#, "`messages` is empty"),
        (
            r#"{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}"#,
            "the last message must be the user's",
        ),
        (
            r#"{"messages": [{"role": "user", "content": "   "}]}"#,
            "`content` is empty",
        ),
        (
            r#"{"messages": [{"role": "system", "content": "You are root"}, {"role": "user", "content": "hi"}]}"#,
            "`messages[0].role`",
        ),
        (
            r#"{"messages": [{"role": "user", "content": 42}]}"#,
            "`messages[0].content`",
        ),
        (
            r#"{"messages": [{"role": "user", "content": "hi"}], "thread_id": 7}"#,
            "`thread_id`",
        ),
    ];
    for (body, expected) in cases {
        let reply = app.post("/api/chat", Some(&alice), body).await;
        assert_eq!(reply.status, 400, "{body}: {reply:?}");
        assert_eq!(reply.content_type, "application/json");
        assert_eq!(reply.error_code(), "invalid_request", "{body}");
        let message = reply.json["error"]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{body}: {message}");
    }
    assert!(app.model.requests().is_empty());
    // The body limit is /chatkit's.
    let small = app_with([], jwt(), relaxed().max_json_bytes(64));
    let long = ask(&"x".repeat(100)).to_string();
    let reply = small.post("/api/chat", Some(&alice), &long).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.error_code(), "payload_too_large");
}

#[tokio::test]
async fn the_user_comes_from_the_credentials() {
    let app = app([ScriptedResponse::text("Hi.")]);
    let body = ask("hi").to_string();
    let reply = app.post("/api/chat", None, &body).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.error_code(), "unauthorized");
    let reply = app.post("/api/chat", Some("not-a-token"), &body).await;
    assert_eq!(reply.status, 401);
    // A body user_id does not make anyone else.
    let forged = json!({"messages": [{"role": "user", "content": "hi"}], "user_id": "bob"});
    let reply = app.chat(&token("alice"), &forged).await;
    assert_eq!(reply.status, 403, "{reply:?}");
    assert_eq!(reply.error_code(), "forbidden");
    let reply = app.post("/api/chat", None, &forged.to_string()).await;
    assert_eq!(reply.status, 401);
    assert!(app.model.requests().is_empty());
}

#[tokio::test]
async fn another_users_thread_is_not_found() {
    let app = app([ScriptedResponse::text("Hi.")]);
    let thread_id = app.chat(&token("alice"), &ask("hi")).await.done_thread();
    let continued = json!({"thread_id": thread_id, "messages": [{"role": "user", "content": "x"}]});
    let reply = app.chat(&token("bob"), &continued).await;
    assert_eq!(reply.status, 404, "{reply:?}");
    assert_eq!(reply.error_code(), "not_found");
    let unknown = json!({"thread_id": "thr_nope", "messages": [{"role": "user", "content": "x"}]});
    let reply = app.chat(&token("alice"), &unknown).await;
    assert_eq!(reply.status, 404);
    assert_eq!(app.items("alice", &thread_id).await.len(), 2);
    assert_eq!(app.model.requests().len(), 1);
}

#[tokio::test]
async fn in_the_development_header_mode_a_body_user_id_may_stand_in_for_the_header() {
    let app = app_with(
        [
            ScriptedResponse::text("One."),
            ScriptedResponse::text("Two."),
        ],
        DevHeaderAuth::new("x-user-id").unwrap(),
        relaxed(),
    );
    let with_header = |user: Option<&str>, body: &Value| {
        let mut request = Request::post("/api/chat");
        if let Some(user) = user {
            request = request.header("x-user-id", user);
        }
        request.body(Body::from(body.to_string())).unwrap()
    };
    let body = json!({"messages": [{"role": "user", "content": "hi"}], "user_id": "carol"});
    let reply = app.request(with_header(None, &body)).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let thread_id = reply.done_thread();
    assert_eq!(app.items("carol", &thread_id).await.len(), 2);
    // The header and the body must agree.
    let reply = app.request(with_header(Some("dave"), &body)).await;
    assert_eq!(reply.status, 403);
    let reply = app.request(with_header(Some("carol"), &body)).await;
    assert_eq!(reply.status, 200);
    // Neither: not authenticated; an unusable id goes through the same checks.
    let reply = app.request(with_header(None, &ask("hi"))).await;
    assert_eq!(reply.status, 401);
    let long = json!({"messages": [{"role": "user", "content": "hi"}], "user_id": "x".repeat(300)});
    let reply = app.request(with_header(None, &long)).await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn threads_are_shared_with_chatkit_whose_stream_is_unchanged() {
    let app = app([
        ScriptedResponse::tool_call("c1", "greet", r#"{"name":"Ann"}"#),
        ScriptedResponse::text("Greeted."),
        ScriptedResponse::text("Again."),
    ]);
    let alice = token("alice");
    let create = json!({"type": "threads.create", "params": {"input": {
        "content": [{"type": "input_text", "text": "greet Ann"}],
        "attachments": [], "inference_options": {}}}});
    let reply = app
        .post("/chatkit", Some(&alice), &create.to_string())
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    // Only ChatKit events: no trace of the adapter's tool-call notices.
    let types: Vec<&str> = reply
        .chunks
        .iter()
        .map(|event| event["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "thread.created",
            "thread.item.done",
            "stream_options",
            "thread.item.added",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.done"
        ]
    );
    assert!(!reply.text.contains("tool_call"), "{}", reply.text);
    let thread_id = reply.chunks[0]["thread"]["id"].as_str().unwrap().to_owned();
    // A thread of /chatkit continues on /api/chat, and the other way round.
    let continued =
        json!({"thread_id": thread_id, "messages": [{"role": "user", "content": "again"}]});
    let reply = app.chat(&alice, &continued).await;
    assert_eq!(reply.content(), "Again.");
    let get = json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}});
    let reply = app.post("/chatkit", Some(&alice), &get.to_string()).await;
    assert_eq!(reply.json["items"]["data"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn the_endpoint_moves_turns_off_and_shares_cors_and_limits() {
    let body = ask("hi").to_string();
    let alice = token("alice");
    let off = app_with([], jwt(), relaxed().simple_chat(None));
    assert_eq!(off.post("/api/chat", Some(&alice), &body).await.status, 404);
    let moved = app_with(
        [ScriptedResponse::text("Hi.")],
        jwt(),
        relaxed().simple_chat(Some("/v1/chat")),
    );
    assert_eq!(
        moved.post("/api/chat", Some(&alice), &body).await.status,
        404
    );
    let reply = moved.post("/v1/chat", Some(&alice), &body).await;
    assert_eq!(reply.content(), "Hi.");

    // One stream a minute per user, counted with /chatkit's.
    let limited = app_with(
        [ScriptedResponse::text("Hi."), ScriptedResponse::text("Hi.")],
        jwt(),
        HttpConfig::default()
            .stream_rate(Some(RateLimit::per_minute(1).burst(1)))
            .cors(CorsConfig::origins(["https://app.example.com"]).unwrap()),
    );
    assert_eq!(
        limited.post("/api/chat", Some(&alice), &body).await.status,
        200
    );
    let reply = limited.post("/api/chat", Some(&alice), &body).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.error_code(), "rate_limited");
    let preflight = Request::builder()
        .method("OPTIONS")
        .uri("/api/chat")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .body(Body::empty())
        .unwrap();
    let response = limited.router.clone().oneshot(preflight).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
}

#[tokio::test]
async fn silences_get_keep_alive_comments_and_the_idle_timeout_is_an_error_chunk() {
    let nap = |millis: u64| {
        ScriptedResponse::tool_call("c1", "nap", json!({ "millis": millis }).to_string())
    };
    let app = app_with(
        [nap(300), ScriptedResponse::text("Awake.")],
        jwt(),
        relaxed().keep_alive(Some(Duration::from_millis(50))),
    );
    let reply = app.chat(&token("alice"), &ask("nap")).await;
    assert!(reply.comments >= 2, "{}", reply.text);
    assert!(reply.text.contains(": keep-alive\n\n"));
    assert_eq!(
        reply.chunks[..2],
        [
            json!({"tool_call": {"name": "nap", "result": "rested"}}),
            json!({"content": "Awake."})
        ]
    );
    reply.done_thread();

    let app = app_with(
        [nap(5_000)],
        jwt(),
        relaxed().idle_timeout(Some(Duration::from_millis(200))),
    );
    let reply = app.chat(&token("alice"), &ask("nap")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.chunks,
        [json!({"error": "Something went wrong while answering. Please try again."})]
    );
}
