//! The OpenAI Responses and Chat Completions models against a mock OpenAI
//! server over real HTTP on loopback: streaming, lenient parsing, request
//! format, retries, timeouts, errors and API-key hygiene; async-openai
//! clients and configurations of the caller's (Azure included). Also the
//! provider factory and the scripted model.

mod support {
    pub(crate) mod mock_openai;
}

use std::time::{Duration, Instant};

use async_openai::config::{AzureConfig, OpenAIConfig};
use chatkit_runtime::model::{
    ChatCompletionsModel, Citation, ConfigError, ContentPart, InputItem, Model, ModelError,
    ModelErrorKind, ModelEvent, ModelRequest, ModelSettings, OpenAiResponsesModel, RetryPolicy,
    Role, ScriptedModel, ScriptedResponse, ToolChoice, Usage, from_env_with, openai_client,
};
use chatkit_runtime::outbound;
use chatkit_runtime::tool::{SchemaDialect, ToolDefinition};
use futures::StreamExt as _;
use serde_json::{Value, json};
use support::mock_openai::{MockOpenAi, Reply, Step};

const KEY: &str = "sk-test-SECRET-0123456789abcdef";

fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::new(attempts)
        .base_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(40))
}

fn responses_model(mock: &MockOpenAi) -> OpenAiResponsesModel {
    OpenAiResponsesModel::new(KEY, "gpt-test")
        .base_url(mock.base_url())
        .retry_policy(fast_retries(3))
}

fn chat_model(mock: &MockOpenAi) -> ChatCompletionsModel {
    ChatCompletionsModel::compatible(mock.base_url(), Some(KEY), "local-model")
        .retry_policy(fast_retries(3))
}

fn hello() -> ModelRequest {
    ModelRequest {
        instructions: "Be brief.".into(),
        input: vec![InputItem::text(Role::User, "Hello")],
        ..ModelRequest::default()
    }
}

/// All the stream's items.
async fn run(
    model: &dyn Model,
    request: ModelRequest,
) -> Result<Vec<Result<ModelEvent, ModelError>>, ModelError> {
    Ok(model.stream(request).await?.collect().await)
}

/// The stream's events, which must all be `Ok`.
async fn events(model: &dyn Model, request: ModelRequest) -> Vec<ModelEvent> {
    run(model, request)
        .await
        .expect("stream")
        .into_iter()
        .map(|item| item.expect("event"))
        .collect()
}

fn text_of(events: &[ModelEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            ModelEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn tool_calls(events: &[ModelEvent]) -> Vec<(String, String, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            ModelEvent::ToolCall {
                call_id,
                name,
                arguments,
            } => Some((call_id.clone(), name.clone(), arguments.clone())),
            _ => None,
        })
        .collect()
}

fn assert_no_key(error: &ModelError) {
    assert!(!error.to_string().contains(KEY), "{error}");
    assert!(!format!("{error:?}").contains(KEY), "{error:?}");
    assert!(!error.to_string().contains("SECRET"), "{error}");
}

fn weather_tool(strict: bool) -> ToolDefinition {
    ToolDefinition {
        name: "get_weather".into(),
        description: "The weather in a city.".into(),
        parameters: json!({
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": false,
        }),
        strict,
    }
}

/// A history with every kind of item: messages, a text reply followed by
/// two tool calls, their outputs (one with an image), and an orphan output.
fn rich_request() -> ModelRequest {
    ModelRequest {
        instructions: "You are a weather bot.".into(),
        input: vec![
            InputItem::FunctionCallOutput {
                call_id: "call_truncated".into(),
                output: vec![ContentPart::Text {
                    text: "orphan".into(),
                }],
            },
            InputItem::Message {
                role: Role::User,
                content: vec![
                    ContentPart::Text {
                        text: "Weather in Paris and Rome?".into(),
                    },
                    ContentPart::Image {
                        url: "data:image/png;base64,AAAA".into(),
                    },
                ],
            },
            InputItem::text(Role::Assistant, "Let me check."),
            InputItem::FunctionCall {
                call_id: "call_a".into(),
                name: "get_weather".into(),
                arguments: r#"{"city":"Paris"}"#.into(),
            },
            InputItem::FunctionCall {
                call_id: "call_b".into(),
                name: "get_weather".into(),
                arguments: r#"{"city":"Rome"}"#.into(),
            },
            InputItem::FunctionCallOutput {
                call_id: "call_a".into(),
                output: vec![ContentPart::Text {
                    text: "sunny".into(),
                }],
            },
            InputItem::FunctionCallOutput {
                call_id: "call_b".into(),
                output: vec![
                    ContentPart::Text {
                        text: "rainy".into(),
                    },
                    ContentPart::Image {
                        url: "https://example.com/rome.png".into(),
                    },
                ],
            },
            InputItem::text(Role::Assistant, "Paris is sunny, Rome is rainy."),
            InputItem::text(Role::Developer, "Answer in French from now on."),
            InputItem::text(Role::User, "Thanks! And Oslo?"),
        ],
        tools: vec![weather_tool(true)],
        settings: ModelSettings {
            temperature: Some(0.2),
            top_p: Some(0.9),
            max_tokens: Some(500),
            tool_choice: Some(ToolChoice::Tool("get_weather".into())),
            parallel_tool_calls: Some(false),
            reasoning_effort: Some("low".into()),
        },
    }
}

// ---------------------------------------------------------------------------
// Responses API

fn completed(usage: Value) -> Value {
    json!({"type": "response.completed", "response": {"id": "resp_1", "status": "completed", "usage": usage}})
}

#[tokio::test]
async fn responses_streams_text_and_usage() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::responses([
        json!({"type": "response.created", "response": {"id": "resp_1"}}),
        json!({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "Hel"}),
        json!({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "lo!"}),
        json!({"type": "response.output_text.done", "output_index": 0, "content_index": 0, "text": "Hello!"}),
        completed(json!({
            "input_tokens": 12, "output_tokens": 3, "total_tokens": 15,
            "input_tokens_details": {"cached_tokens": 4},
            "output_tokens_details": {"reasoning_tokens": 1},
        })),
    ]));
    let model = responses_model(&mock);
    let events = events(&model, hello()).await;
    assert_eq!(
        events,
        vec![
            ModelEvent::TextDelta("Hel".into()),
            ModelEvent::TextDelta("lo!".into()),
            ModelEvent::Completed {
                usage: Usage {
                    requests: 1,
                    input_tokens: 12,
                    output_tokens: 3,
                    cached_input_tokens: 4,
                    reasoning_tokens: 1,
                }
            },
        ]
    );
    let request = mock.only_request();
    assert_eq!(request.path, "/v1/responses");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.body["model"], "gpt-test");
    assert_eq!(request.body["stream"], true);
    assert_eq!(request.body["instructions"], "Be brief.");
    assert_eq!(model.name(), "gpt-test");
    assert_eq!(model.schema_dialect(), SchemaDialect::OpenAi);
}

#[tokio::test]
async fn responses_tool_calls_are_accumulated_in_order() {
    let mock = MockOpenAi::start().await;
    let call = |index: u64, id: &str, call_id: &str| {
        json!({"type": "response.output_item.added", "output_index": index,
               "item": {"type": "function_call", "id": id, "call_id": call_id, "name": "get_weather", "arguments": ""}})
    };
    let delta = |index: u64, id: &str, delta: &str| json!({"type": "response.function_call_arguments.delta", "output_index": index, "item_id": id, "delta": delta});
    let done = |index: u64, id: &str, call_id: &str, args: &str| {
        json!({"type": "response.output_item.done", "output_index": index,
               "item": {"type": "function_call", "id": id, "call_id": call_id, "name": "get_weather", "arguments": args, "status": "completed"}})
    };
    mock.push_responses(Reply::responses([
        call(0, "fc_1", "call_1"),
        delta(0, "fc_1", "{\"ci"),
        delta(0, "fc_1", "ty\":\"Par"),
        delta(0, "fc_1", "is\"}"),
        json!({"type": "response.function_call_arguments.done", "output_index": 0, "item_id": "fc_1", "arguments": "{\"city\":\"Paris\"}"}),
        done(0, "fc_1", "call_1", "{\"city\":\"Paris\"}"),
        call(1, "fc_2", "call_2"),
        delta(1, "fc_2", "{\"city\":"),
        delta(1, "fc_2", "\"Rome\"}"),
        // A server that leaves the arguments out of the done item.
        json!({"type": "response.output_item.done", "output_index": 1,
               "item": {"type": "function_call", "id": "fc_2", "call_id": "call_2", "name": "get_weather"}}),
        completed(json!({"input_tokens": 1, "output_tokens": 2})),
    ]));
    let mut request = hello();
    request.tools = vec![weather_tool(true)];
    let events = events(&responses_model(&mock), request).await;
    assert_eq!(
        tool_calls(&events),
        vec![
            (
                "call_1".into(),
                "get_weather".into(),
                r#"{"city":"Paris"}"#.into()
            ),
            (
                "call_2".into(),
                "get_weather".into(),
                r#"{"city":"Rome"}"#.into()
            ),
        ]
    );
    assert!(matches!(events.last(), Some(ModelEvent::Completed { .. })));
}

#[tokio::test]
async fn responses_reasoning_summaries_and_url_citations() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::responses([
        json!({"type": "response.reasoning_summary_text.delta", "output_index": 0, "summary_index": 0, "delta": "Looking up "}),
        json!({"type": "response.reasoning_summary_text.delta", "output_index": 0, "summary_index": 0, "delta": "the news."}),
        json!({"type": "response.reasoning_summary_text.done", "output_index": 0, "summary_index": 0, "text": "Looking up the news."}),
        json!({"type": "response.output_text.delta", "output_index": 1, "content_index": 0, "delta": "Rust 2.0 is out."}),
        json!({"type": "response.output_text.annotation.added", "output_index": 1, "content_index": 0, "annotation_index": 0,
               "annotation": {"type": "url_citation", "url": "https://blog.rust-lang.org/", "title": "Rust Blog", "start_index": 0, "end_index": 16}}),
        json!({"type": "response.output_text.annotation.added", "output_index": 1, "content_index": 0, "annotation_index": 1,
               "annotation": {"type": "file_citation", "file_id": "file_123", "filename": "notes.pdf", "index": 16}}),
        // The same annotation again in the finished item: not repeated.
        json!({"type": "response.output_item.done", "output_index": 1, "item": {"type": "message", "role": "assistant", "content": [
            {"type": "output_text", "text": "Rust 2.0 is out.", "annotations": [
                {"type": "url_citation", "url": "https://blog.rust-lang.org/", "title": "Rust Blog", "start_index": 0, "end_index": 16},
                {"type": "file_citation", "file_id": "file_123", "filename": "notes.pdf", "index": 16},
            ]}]}}),
        completed(json!({"input_tokens": 5, "output_tokens": 9, "output_tokens_details": {"reasoning_tokens": 7}})),
    ]));
    let events = events(&responses_model(&mock), hello()).await;
    assert_eq!(
        events,
        vec![
            ModelEvent::ReasoningDelta("Looking up ".into()),
            ModelEvent::ReasoningDelta("the news.".into()),
            ModelEvent::ReasoningDone,
            ModelEvent::TextDelta("Rust 2.0 is out.".into()),
            ModelEvent::Citation(Citation::Url {
                url: "https://blog.rust-lang.org/".into(),
                title: "Rust Blog".into(),
                index: Some(16),
            }),
            ModelEvent::Citation(Citation::File {
                filename: "notes.pdf".into(),
                title: None,
                index: Some(16),
            }),
            ModelEvent::Completed {
                usage: Usage {
                    requests: 1,
                    input_tokens: 5,
                    output_tokens: 9,
                    cached_input_tokens: 0,
                    reasoning_tokens: 7,
                }
            },
        ]
    );
}

#[tokio::test]
async fn responses_request_has_tools_settings_and_history() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::responses([completed(json!({}))]));
    events(&responses_model(&mock), rich_request()).await;
    let body = mock.only_request().body;
    assert_eq!(
        body,
        json!({
            "model": "gpt-test",
            "instructions": "You are a weather bot.",
            "input": [
                {"type": "message", "role": "user", "content": [
                    {"type": "input_text", "text": "Weather in Paris and Rome?"},
                    {"type": "input_image", "image_url": "data:image/png;base64,AAAA", "detail": "auto"},
                ]},
                {"type": "message", "role": "assistant", "content": "Let me check."},
                {"type": "function_call", "call_id": "call_a", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"},
                {"type": "function_call", "call_id": "call_b", "name": "get_weather", "arguments": "{\"city\":\"Rome\"}"},
                {"type": "function_call_output", "call_id": "call_a", "output": "sunny"},
                {"type": "function_call_output", "call_id": "call_b", "output": [
                    {"type": "input_text", "text": "rainy"},
                    {"type": "input_image", "image_url": "https://example.com/rome.png", "detail": "auto"},
                ]},
                {"type": "message", "role": "assistant", "content": "Paris is sunny, Rome is rainy."},
                {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "Answer in French from now on."}]},
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Thanks! And Oslo?"}]},
            ],
            "stream": true,
            "tools": [{
                "type": "function",
                "name": "get_weather",
                "description": "The weather in a city.",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                    "additionalProperties": false,
                },
                "strict": true,
            }],
            "tool_choice": {"type": "function", "name": "get_weather"},
            "parallel_tool_calls": false,
            "temperature": 0.2,
            "top_p": 0.9,
            "max_output_tokens": 500,
            "reasoning": {"effort": "low", "summary": "auto"},
        })
    );
}

#[tokio::test]
async fn responses_non_strict_tools_say_so_and_no_tools_means_no_tool_settings() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::responses([completed(json!({}))]));
    mock.push_responses(Reply::responses([completed(json!({}))]));
    let model = responses_model(&mock).reasoning_summary(None);
    let mut request = hello();
    request.tools = vec![weather_tool(false)];
    request.settings.reasoning_effort = Some("high".into());
    events(&model, request).await;
    let mut request = hello();
    request.settings.tool_choice = Some(ToolChoice::Required);
    request.settings.parallel_tool_calls = Some(true);
    events(&model, request).await;
    let requests = mock.requests();
    assert_eq!(requests[0].body["tools"][0]["strict"], false);
    assert_eq!(requests[0].body["reasoning"], json!({"effort": "high"}));
    for key in ["tools", "tool_choice", "parallel_tool_calls", "reasoning"] {
        assert!(requests[1].body.get(key).is_none(), "{key}");
    }
}

#[tokio::test]
async fn responses_rate_limit_is_retried_after_retry_after() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(
        Reply::status(
            429,
            json!({"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}),
        )
        .header("retry-after", "1"),
    );
    mock.push_responses(Reply::responses([
        json!({"type": "response.output_text.delta", "delta": "ok"}),
        completed(json!({})),
    ]));
    let started = Instant::now();
    let events = events(&responses_model(&mock), hello()).await;
    let elapsed = started.elapsed();
    assert_eq!(text_of(&events), "ok");
    assert_eq!(mock.requests().len(), 2);
    assert!(
        elapsed >= Duration::from_millis(950),
        "retried after {elapsed:?}, before the Retry-After second"
    );
}

#[tokio::test]
async fn responses_retry_after_beyond_the_cap_is_not_waited_for() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(
        Reply::status(429, json!({"error": {"message": "slow down"}}))
            .header("retry-after", "3600"),
    );
    let started = Instant::now();
    let error = run(&responses_model(&mock), hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::RateLimited);
    assert!(error.message().contains("slow down"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn responses_server_errors_three_times_give_up() {
    let mock = MockOpenAi::start().await;
    for _ in 0..3 {
        mock.push_responses(Reply::status(
            500,
            json!({"error": {"message": "The server had an error", "type": "server_error"}}),
        ));
    }
    mock.push_responses(Reply::responses([completed(json!({}))]));
    let error = run(&responses_model(&mock), hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Unavailable);
    assert!(error.is_retryable());
    assert!(error.message().contains("500"), "{error}");
    assert!(
        error.message().contains("The server had an error"),
        "{error}"
    );
    assert!(error.message().contains("3 attempts"), "{error}");
    assert_eq!(mock.requests().len(), 3);
    assert_no_key(&error);
}

#[tokio::test]
async fn responses_error_mid_stream_is_a_stream_error_without_retry() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::sse([
        Step::Event(json!({"type": "response.output_text.delta", "delta": "Partial"})),
        Step::Delay(Duration::from_millis(50)),
        Step::Drop,
    ]));
    mock.push_responses(Reply::responses([completed(json!({}))]));
    let items = run(&responses_model(&mock), hello()).await.expect("stream");
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0], Ok(ModelEvent::TextDelta("Partial".into())));
    let error = items[1].clone().unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Unavailable);
    assert_no_key(&error);
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn responses_stream_cut_before_completion_is_an_error() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::responses([
        json!({"type": "response.output_text.delta", "delta": "Hi"}),
    ]));
    let items = run(&responses_model(&mock), hello()).await.expect("stream");
    assert_eq!(items[0], Ok(ModelEvent::TextDelta("Hi".into())));
    assert_eq!(
        items[1].as_ref().unwrap_err().kind(),
        ModelErrorKind::Unavailable
    );
}

#[tokio::test]
async fn responses_failed_event_maps_its_code() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::responses([
        json!({"type": "response.output_text.delta", "delta": "Hi"}),
        json!({"type": "response.failed", "response": {"status": "failed", "error": {"code": "invalid_prompt", "message": "Prompt flagged"}}}),
    ]));
    let items = run(&responses_model(&mock), hello()).await.expect("stream");
    let error = items[1].clone().unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Rejected);
    assert!(error.message().contains("Prompt flagged"), "{error}");
    assert_eq!(items.len(), 2);
}

#[tokio::test]
async fn responses_error_event_before_output_is_retried() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::responses([
        json!({"type": "response.created", "response": {"id": "r"}}),
        json!({"type": "error", "code": "server_error", "message": "try again"}),
    ]));
    mock.push_responses(Reply::responses([
        json!({"type": "response.output_text.delta", "delta": "second time"}),
        completed(json!({})),
    ]));
    let events = events(&responses_model(&mock), hello()).await;
    assert_eq!(text_of(&events), "second time");
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn responses_timeout_before_headers() {
    let mock = MockOpenAi::start().await;
    for _ in 0..2 {
        mock.push_responses(
            Reply::responses([completed(json!({}))]).delayed(Duration::from_secs(3)),
        );
    }
    let model = responses_model(&mock)
        .timeout(Duration::from_millis(200))
        .retry_policy(fast_retries(2));
    let started = Instant::now();
    let error = run(&model, hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(mock.requests().len(), 2);
    assert_no_key(&error);
}

#[tokio::test]
async fn responses_timeout_before_first_byte_then_success() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::sse([
        Step::Delay(Duration::from_secs(3)),
        Step::Event(completed(json!({}))),
    ]));
    mock.push_responses(Reply::responses([
        json!({"type": "response.output_text.delta", "delta": "fast"}),
        completed(json!({})),
    ]));
    let model = responses_model(&mock).timeout(Duration::from_millis(300));
    let events = events(&model, hello()).await;
    assert_eq!(text_of(&events), "fast");
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn responses_idle_timeout_mid_stream() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::sse([
        Step::Event(json!({"type": "response.output_text.delta", "delta": "a"})),
        Step::Delay(Duration::from_secs(3)),
        Step::Event(completed(json!({}))),
    ]));
    let model = responses_model(&mock).idle_timeout(Duration::from_millis(200));
    let items = run(&model, hello()).await.expect("stream");
    assert_eq!(items[0], Ok(ModelEvent::TextDelta("a".into())));
    assert_eq!(
        items[1].as_ref().unwrap_err().kind(),
        ModelErrorKind::Timeout
    );
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn rejected_request_carries_the_provider_message_but_never_the_key() {
    let mock = MockOpenAi::start().await;
    // A provider that echoes the key back.
    mock.push_responses(Reply::status(
        401,
        json!({"error": {"message": format!("Incorrect API key provided: {KEY}."), "type": "invalid_request_error", "code": "invalid_api_key"}}),
    ));
    let model = responses_model(&mock);
    let error = run(&model, hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Rejected);
    assert!(!error.is_retryable());
    assert!(error.message().contains("401"), "{error}");
    assert!(
        error
            .message()
            .contains("Incorrect API key provided: [redacted]"),
        "{error}"
    );
    assert_no_key(&error);
    assert_eq!(mock.requests().len(), 1);
    assert!(!format!("{model:?}").contains(KEY));
    let chat = chat_model(&mock);
    assert!(!format!("{chat:?}").contains(KEY));
}

#[tokio::test]
async fn insufficient_quota_is_not_retried() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::status(
        429,
        json!({"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}),
    ));
    let error = run(&responses_model(&mock), hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Rejected);
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_unavailable_after_retries() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let model = OpenAiResponsesModel::new(KEY, "gpt-test")
        .base_url(format!("http://{addr}/v1"))
        .retry_policy(fast_retries(2));
    let error = run(&model, hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Unavailable);
    assert!(error.message().contains("2 attempts"), "{error}");
    assert_no_key(&error);
}

#[tokio::test]
async fn invalid_base_url_is_rejected_without_the_key() {
    let model = OpenAiResponsesModel::new(KEY, "gpt-test").base_url(format!("not a url {KEY}"));
    let error = run(&model, hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Rejected);
    assert_no_key(&error);
}

// ---------------------------------------------------------------------------
// Chat Completions

fn chunk(delta: Value) -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m",
           "choices": [{"index": 0, "delta": delta, "finish_reason": null}]})
}

fn finish(reason: &str) -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": reason}]})
}

fn usage_chunk(prompt: u64, completion: u64) -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [],
           "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
                     "prompt_tokens_details": {"cached_tokens": 2}, "completion_tokens_details": {"reasoning_tokens": 0}}})
}

#[tokio::test]
async fn chat_streams_text_and_usage() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([
        chunk(json!({"role": "assistant", "content": ""})),
        chunk(json!({"content": "Hello"})),
        chunk(json!({"content": " there"})),
        finish("stop"),
        usage_chunk(10, 2),
    ]));
    let model = chat_model(&mock);
    let events = events(&model, hello()).await;
    assert_eq!(
        events,
        vec![
            ModelEvent::TextDelta("Hello".into()),
            ModelEvent::TextDelta(" there".into()),
            ModelEvent::Completed {
                usage: Usage {
                    requests: 1,
                    input_tokens: 10,
                    output_tokens: 2,
                    cached_input_tokens: 2,
                    reasoning_tokens: 0,
                }
            },
        ]
    );
    let request = mock.only_request();
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(
        request.body,
        json!({
            "model": "local-model",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hello"},
            ],
            "stream": true,
            "stream_options": {"include_usage": true},
        })
    );
}

#[tokio::test]
async fn chat_parallel_tool_calls_split_across_many_deltas() {
    let mock = MockOpenAi::start().await;
    let call_delta = |index: u64, id: Option<&str>, name: Option<&str>, args: &str| {
        let mut function = json!({"arguments": args});
        if let Some(name) = name {
            function["name"] = json!(name);
        }
        let mut call = json!({"index": index, "function": function});
        if let Some(id) = id {
            call["id"] = json!(id);
            call["type"] = json!("function");
        }
        chunk(json!({"tool_calls": [call]}))
    };
    mock.push_chat(Reply::chat([
        chunk(json!({"role": "assistant", "content": null})),
        call_delta(0, Some("call_p"), Some("get_weather"), ""),
        call_delta(1, Some("call_r"), Some("get_weather"), ""),
        call_delta(0, None, None, "{\"ci"),
        call_delta(1, None, None, "{\"city\""),
        call_delta(0, None, None, "ty\": \"Pa"),
        call_delta(2, Some("call_t"), Some("get_time"), "{}"),
        call_delta(1, None, None, ": \"Rome\"}"),
        call_delta(0, None, None, "ris\"}"),
        finish("tool_calls"),
        usage_chunk(30, 20),
    ]));
    let mut request = hello();
    request.tools = vec![weather_tool(true)];
    let events = events(&chat_model(&mock), request).await;
    assert_eq!(
        tool_calls(&events),
        vec![
            (
                "call_p".into(),
                "get_weather".into(),
                r#"{"city": "Paris"}"#.into()
            ),
            (
                "call_r".into(),
                "get_weather".into(),
                r#"{"city": "Rome"}"#.into()
            ),
            ("call_t".into(), "get_time".into(), "{}".into()),
        ]
    );
    assert!(matches!(
        events.last(),
        Some(ModelEvent::Completed { usage }) if usage.input_tokens == 30
    ));
}

#[tokio::test]
async fn chat_is_lenient_with_ids_finish_reasons_and_field_names() {
    let mock = MockOpenAi::start().await;
    // No ids, camelCase `toolCalls`, no `index`, an empty finish_reason
    // mid-stream, "stop" despite the tool calls, no usage and no [DONE].
    mock.push_chat(Reply::sse([
        Step::Event(json!({"choices": [{"delta": {"role": "assistant"}, "finish_reason": ""}]})),
        Step::Event(json!({"choices": [{"delta": {"content": "Checking."}}]})),
        Step::Event(json!({"choices": [{"delta": {"toolCalls": [{"function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]}}]})),
        Step::Event(json!({"choices": [{"delta": {"toolCalls": [{"function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}]}}]})),
        Step::Event(json!({"choices": [{"delta": {}, "finish_reason": "stop"}]})),
    ]));
    let mut request = hello();
    request.tools = vec![weather_tool(false)];
    let events = events(&chat_model(&mock), request).await;
    assert_eq!(text_of(&events), "Checking.");
    let calls = tool_calls(&events);
    assert_eq!(calls.len(), 2, "{events:?}");
    assert_eq!(calls[0].2, r#"{"city":"Paris"}"#);
    assert_eq!(calls[1].2, r#"{"city":"Rome"}"#);
    for (call_id, name, _) in &calls {
        assert!(call_id.starts_with("call_"), "{call_id}");
        assert_eq!(name, "get_weather");
    }
    assert_ne!(calls[0].0, calls[1].0);
    assert_eq!(
        events.last(),
        Some(&ModelEvent::Completed {
            usage: Usage {
                requests: 1,
                ..Usage::default()
            }
        })
    );
}

#[tokio::test]
async fn chat_made_up_ids_differ_between_turns() {
    let mock = MockOpenAi::start().await;
    for _ in 0..2 {
        mock.push_chat(Reply::chat([
            chunk(json!({"tool_calls": [{"index": 0, "function": {"name": "get_time", "arguments": "{}"}}]})),
            finish("tool_calls"),
        ]));
    }
    let model = chat_model(&mock);
    let first = tool_calls(&events(&model, hello()).await);
    let second = tool_calls(&events(&model, hello()).await);
    assert_ne!(first[0].0, second[0].0);
}

#[tokio::test]
async fn chat_reasoning_content_deltas() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([
        chunk(json!({"role": "assistant", "reasoning_content": "Think"})),
        chunk(json!({"reasoning_content": "ing..."})),
        chunk(json!({"reasoning": " more"})),
        chunk(json!({"content": "Answer"})),
        finish("stop"),
    ]));
    let events = events(&chat_model(&mock), hello()).await;
    assert_eq!(
        events,
        vec![
            ModelEvent::ReasoningDelta("Think".into()),
            ModelEvent::ReasoningDelta("ing...".into()),
            ModelEvent::ReasoningDelta(" more".into()),
            ModelEvent::ReasoningDone,
            ModelEvent::TextDelta("Answer".into()),
            ModelEvent::Completed {
                usage: Usage {
                    requests: 1,
                    ..Usage::default()
                }
            },
        ]
    );
}

#[tokio::test]
async fn chat_request_has_tools_settings_and_grouped_history() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([finish("stop")]));
    events(&chat_model(&mock), rich_request()).await;
    let body = mock.only_request().body;
    assert_eq!(
        body,
        json!({
            "model": "local-model",
            "messages": [
                {"role": "system", "content": "You are a weather bot."},
                {"role": "user", "content": [
                    {"type": "text", "text": "Weather in Paris and Rome?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                ]},
                {"role": "assistant", "content": "Let me check.", "tool_calls": [
                    {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                    {"id": "call_b", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}},
                ]},
                {"role": "tool", "tool_call_id": "call_a", "content": "sunny"},
                {"role": "tool", "tool_call_id": "call_b", "content": "rainy"},
                {"role": "user", "content": [
                    {"type": "text", "text": "Images returned by the tools:"},
                    {"type": "image_url", "image_url": {"url": "https://example.com/rome.png"}},
                ]},
                {"role": "assistant", "content": "Paris is sunny, Rome is rainy."},
                {"role": "system", "content": "Answer in French from now on."},
                {"role": "user", "content": "Thanks! And Oslo?"},
            ],
            "stream": true,
            "stream_options": {"include_usage": true},
            "tools": [{"type": "function", "function": {
                "name": "get_weather",
                "description": "The weather in a city.",
                "parameters": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                    "additionalProperties": false,
                },
                "strict": true,
            }}],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
            "parallel_tool_calls": false,
            "temperature": 0.2,
            "top_p": 0.9,
            "max_tokens": 500,
            "reasoning_effort": "low",
        })
    );
}

#[tokio::test]
async fn chat_multi_turn_history_from_a_previous_answer_round_trips() {
    // The addendum's bug: a second turn after an assistant reply and tool
    // calls must produce a history the provider accepts.
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([
        chunk(json!({"content": "Let me look."})),
        chunk(json!({"tool_calls": [{"index": 0, "function": {"name": "get_time", "arguments": "{}"}}]})),
        finish("tool_calls"),
    ]));
    mock.push_chat(Reply::chat([
        chunk(json!({"content": "It is noon."})),
        finish("stop"),
    ]));
    let model = chat_model(&mock).include_usage(false);
    let first = events(&model, hello()).await;
    let (call_id, name, arguments) = tool_calls(&first).remove(0);
    let mut request = hello();
    request
        .input
        .push(InputItem::text(Role::Assistant, text_of(&first)));
    request.input.push(InputItem::FunctionCall {
        call_id: call_id.clone(),
        name,
        arguments,
    });
    request.input.push(InputItem::FunctionCallOutput {
        call_id: call_id.clone(),
        output: vec![ContentPart::Text {
            text: "12:00".into(),
        }],
    });
    let second = events(&model, request).await;
    assert_eq!(text_of(&second), "It is noon.");
    let body = &mock.requests()[1].body;
    assert!(body.get("stream_options").is_none());
    assert_eq!(
        body["messages"],
        json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": "Let me look.", "tool_calls": [
                {"id": call_id, "type": "function", "function": {"name": "get_time", "arguments": "{}"}},
            ]},
            {"role": "tool", "tool_call_id": call_id, "content": "12:00"},
        ])
    );
}

#[tokio::test]
async fn chat_error_chunk_mid_stream_is_a_stream_error() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([
        chunk(json!({"content": "Hi"})),
        json!({"error": {"message": "upstream overloaded", "type": "server_error", "code": "overloaded"}}),
    ]));
    mock.push_chat(Reply::chat([finish("stop")]));
    let items = run(&chat_model(&mock), hello()).await.expect("stream");
    assert_eq!(items[0], Ok(ModelEvent::TextDelta("Hi".into())));
    let error = items[1].clone().unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Unavailable);
    assert!(error.message().contains("upstream overloaded"), "{error}");
    assert_eq!(items.len(), 2);
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn chat_unparseable_chunk_is_a_protocol_error() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::sse([
        Step::Event(chunk(json!({"content": "Hi"}))),
        Step::Data("{not json".into()),
    ]));
    let items = run(&chat_model(&mock), hello()).await.expect("stream");
    assert_eq!(
        items[1].as_ref().unwrap_err().kind(),
        ModelErrorKind::Protocol
    );
}

#[tokio::test]
async fn chat_service_unavailable_then_success() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::text(503, "upstream connect error"));
    mock.push_chat(
        Reply::status(429, json!({"error": {"message": "slow"}})).header("retry-after-ms", "20"),
    );
    mock.push_chat(Reply::chat([
        chunk(json!({"content": "ok"})),
        finish("stop"),
    ]));
    let events = events(&chat_model(&mock), hello()).await;
    assert_eq!(text_of(&events), "ok");
    assert_eq!(mock.requests().len(), 3);
}

#[tokio::test]
async fn chat_sse_split_at_odd_byte_boundaries() {
    let mock = MockOpenAi::start().await;
    let body = format!(
        "data: {}\r\n\r\n: keep-alive\n\ndata: {}\n\ndata: [DONE]\n\n",
        chunk(json!({"content": "héllo "})),
        chunk(json!({"content": "wörld"})),
    );
    let bytes = body.into_bytes();
    // Cut inside the multi-byte characters and the line endings.
    let mut steps = Vec::new();
    for piece in bytes.chunks(7) {
        steps.push(Step::Bytes(piece.to_vec()));
        steps.push(Step::Delay(Duration::from_millis(2)));
    }
    mock.push_chat(Reply::sse(steps));
    let events = events(&chat_model(&mock), hello()).await;
    assert_eq!(text_of(&events), "héllo wörld");
}

#[tokio::test]
async fn chat_accepts_a_non_streamed_json_answer() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::status(
        200,
        json!({"id": "x", "object": "chat.completion", "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": "Sure.",
            "tool_calls": [{"id": "call_9", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}]}}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 4}}),
    ));
    let events = events(&chat_model(&mock), hello()).await;
    assert_eq!(text_of(&events), "Sure.");
    assert_eq!(
        tool_calls(&events),
        vec![("call_9".into(), "get_time".into(), "{}".into())]
    );
    assert!(matches!(
        events.last(),
        Some(ModelEvent::Completed { usage }) if usage.output_tokens == 4
    ));
}

#[tokio::test]
async fn chat_without_key_sends_no_authorization() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([finish("stop")]));
    let model = ChatCompletionsModel::compatible(mock.base_url(), None, "llama3.2");
    events(&model, hello()).await;
    assert!(mock.only_request().header("authorization").is_none());
}

#[tokio::test]
async fn extra_headers_are_sent_and_never_echoed_in_errors() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::status(
        403,
        json!({"detail": "key hdr-secret-value is not allowed"}),
    ));
    let model = ChatCompletionsModel::compatible(mock.base_url(), None, "m")
        .header("x-api-key", "hdr-secret-value")
        .header("bad header name", "ignored");
    let error = run(&model, hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Rejected);
    assert!(
        error.message().contains("key [redacted] is not allowed"),
        "{error}"
    );
    assert!(!format!("{model:?}").contains("hdr-secret-value"));
    let request = mock.only_request();
    assert_eq!(request.header("x-api-key"), Some("hdr-secret-value"));
    assert!(request.header("authorization").is_none());
}

#[tokio::test]
async fn gemini_uses_its_dialect_and_options() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([
        // Gemini: no ids, every call complete in one chunk, "stop".
        json!({"choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": [
            {"function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}, "type": "function",
             "extra_content": {"google": {"thought_signature": "c2lnLTE="}}},
        ]}, "finish_reason": "stop"}], "model": "gemini-2.5-flash", "object": "chat.completion.chunk"}),
        usage_chunk(7, 8),
    ]));
    mock.push_chat(Reply::chat([
        chunk(json!({"content": "Sunny."})),
        finish("stop"),
    ]));
    // A base URL with a trailing slash, like Google's: no double slash.
    let model = ChatCompletionsModel::gemini(KEY, "gemini-2.5-flash")
        .base_url(format!("{}/", mock.base_url()))
        .retry_policy(fast_retries(1));
    assert_eq!(model.schema_dialect(), SchemaDialect::Gemini);
    let mut request = hello();
    request.tools = vec![weather_tool(false)];
    request.settings.parallel_tool_calls = Some(true);
    request.settings.max_tokens = Some(100);
    let first = events(&model, request.clone()).await;
    let calls = tool_calls(&first);
    assert_eq!(calls.len(), 1);
    let (call_id, name, arguments) = calls[0].clone();
    request.input.push(InputItem::FunctionCall {
        call_id: call_id.clone(),
        name,
        arguments,
    });
    request.input.push(InputItem::FunctionCallOutput {
        call_id: call_id.clone(),
        output: vec![ContentPart::Text {
            text: "sunny".into(),
        }],
    });
    events(&model, request).await;
    let requests = mock.requests();
    assert_eq!(requests[0].path, "/v1/chat/completions");
    let body = &requests[0].body;
    assert!(body.get("parallel_tool_calls").is_none());
    assert_eq!(body["max_tokens"], 100);
    assert!(body["tools"][0]["function"].get("strict").is_none());
    // The thought signature goes back with its call.
    let replayed = &requests[1].body["messages"][2]["tool_calls"][0];
    assert_eq!(replayed["id"], json!(call_id));
    assert_eq!(
        replayed["extra_content"],
        json!({"google": {"thought_signature": "c2lnLTE="}})
    );
}

#[tokio::test]
async fn openai_chat_completions_uses_max_completion_tokens() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([finish("stop")]));
    let model = ChatCompletionsModel::openai(KEY, "gpt-4.1-mini").base_url(mock.base_url());
    let mut request = hello();
    request.settings.max_tokens = Some(64);
    events(&model, request).await;
    let body = mock.only_request().body;
    assert_eq!(body["max_completion_tokens"], 64);
    assert!(body.get("max_tokens").is_none());
}

#[tokio::test]
async fn keep_alives_and_empty_events_are_skipped() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::sse([
        Step::Bytes(b": keep-alive\n\n".to_vec()),
        Step::Event(chunk(json!({"content": "a"}))),
        Step::Data(String::new()),
        Step::Bytes(b"event: keepalive\ndata: {}\n\n".to_vec()),
        Step::Event(chunk(json!({"content": "b"}))),
        Step::Data("[DONE]".into()),
    ]));
    let events = events(&chat_model(&mock), hello()).await;
    assert_eq!(text_of(&events), "ab");
}

#[tokio::test]
async fn responses_answered_with_one_json_document_is_a_protocol_error() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(Reply::status(
        200,
        json!({"id": "resp_1", "object": "response", "status": "completed", "output": []}),
    ));
    let error = run(&responses_model(&mock), hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Protocol);
    assert!(error.message().contains("JSON"), "{error}");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn an_http_client_of_ones_own_is_used() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([finish("stop")]));
    let http = outbound::builder()
        .user_agent("my-app/1.0")
        .build()
        .unwrap();
    let model = chat_model(&mock).http_client(http);
    events(&model, hello()).await;
    assert_eq!(mock.only_request().header("user-agent"), Some("my-app/1.0"));
}

fn openai_config(mock: &MockOpenAi) -> OpenAIConfig {
    OpenAIConfig::new()
        .with_api_base(mock.base_url())
        .with_api_key(KEY)
        .with_org_id("org-test")
}

#[tokio::test]
async fn from_client_with_openai_client_keeps_retry_after_and_the_retry_policy() {
    let mock = MockOpenAi::start().await;
    mock.push_responses(
        Reply::status(429, json!({"error": {"message": "slow down"}}))
            .header("retry-after-ms", "30"),
    );
    mock.push_responses(Reply::status(
        503,
        json!({"error": {"message": "overloaded"}}),
    ));
    mock.push_responses(Reply::responses([
        json!({"type": "response.output_text.delta", "delta": "through my client"}),
        completed(json!({})),
    ]));
    let client = openai_client(outbound::client().unwrap(), openai_config(&mock));
    let model = OpenAiResponsesModel::from_client(client, "gpt-test").retry_policy(fast_retries(3));
    assert!(!format!("{model:?}").contains(KEY));
    let events = events(&model, hello()).await;
    assert_eq!(text_of(&events), "through my client");
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].path, "/v1/responses");
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(requests[0].header("openai-organization"), Some("org-test"));
    assert_eq!(requests[0].body["stream"], true);

    // The retry policy is the model's alone: one attempt is one request.
    mock.push_responses(Reply::status(500, json!({"error": {"message": "down"}})));
    let model = OpenAiResponsesModel::from_client(
        openai_client(outbound::client().unwrap(), openai_config(&mock)),
        "gpt-test",
    )
    .retry_policy(RetryPolicy::none());
    let error = run(&model, hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Unavailable);
    assert_eq!(mock.requests().len(), 4);
}

#[tokio::test]
async fn from_client_with_async_openais_own_http_handling_maps_its_errors() {
    let mock = MockOpenAi::start().await;
    // async-openai's own executor reads these bodies itself: an OpenAI
    // error that echoes the key, and a body that is not OpenAI's shape.
    mock.push_chat(Reply::status(
        401,
        json!({"error": {"message": format!("Incorrect API key provided: {KEY}."), "type": "invalid_request_error", "code": "invalid_api_key"}}),
    ));
    mock.push_chat(Reply::status(403, json!({"detail": "not for you"})));
    let client = async_openai::Client::build(outbound::client().unwrap(), openai_config(&mock));
    let model = ChatCompletionsModel::from_client(client, "gpt-test");
    let error = run(&model, hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Rejected);
    assert!(error.message().contains("401"), "{error}");
    assert!(
        error
            .message()
            .contains("Incorrect API key provided: [redacted]"),
        "{error}"
    );
    assert_no_key(&error);
    let error = run(&model, hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Rejected);
    assert!(error.message().contains("not for you"), "{error}");
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn a_callers_config_with_a_key_that_is_no_header_is_refused_without_a_panic() {
    let mock = MockOpenAi::start().await;
    let config = openai_config(&mock).with_api_key(format!("{KEY}\n"));
    let model = ChatCompletionsModel::from_config(config, "gpt-test");
    let error = run(&model, hello()).await.unwrap_err();
    assert_eq!(error.kind(), ModelErrorKind::Rejected);
    assert_no_key(&error);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn azure_config_calls_the_deployment_with_its_api_version_and_key() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(Reply::chat([
        chunk(json!({"content": "Hi from Azure"})),
        finish("stop"),
    ]));
    let config = AzureConfig::new()
        .with_api_base(mock.origin())
        .with_api_key(KEY)
        .with_deployment_id("gpt-4o-mini")
        .with_api_version("2024-10-21");
    let model = ChatCompletionsModel::from_config(config, "gpt-4o-mini");
    let mut request = hello();
    request.settings.max_tokens = Some(50);
    let events = events(&model, request).await;
    assert_eq!(text_of(&events), "Hi from Azure");
    let request = mock.only_request();
    assert_eq!(
        request.path,
        "/openai/deployments/gpt-4o-mini/chat/completions"
    );
    assert_eq!(request.query.as_deref(), Some("api-version=2024-10-21"));
    assert_eq!(request.header("api-key"), Some(KEY));
    assert!(request.header("authorization").is_none());
    assert_eq!(request.body["model"], "gpt-4o-mini");
    assert_eq!(request.body["max_completion_tokens"], 50);
}

#[tokio::test]
async fn factory_azure_against_the_mock() {
    let mock = MockOpenAi::start().await;
    mock.push_chat(
        Reply::status(429, json!({"error": {"message": "slow", "code": "429"}}))
            .header("retry-after", "0"),
    );
    mock.push_chat(Reply::chat([
        chunk(json!({"content": "ok"})),
        finish("stop"),
    ]));
    let endpoint = format!("{}/", mock.origin());
    let model = from_env_with(vars(&[
        ("LLM_PROVIDER", "azure"),
        ("AZURE_OPENAI_ENDPOINT", &endpoint),
        ("AZURE_OPENAI_API_KEY", KEY),
        ("OPENAI_API_VERSION", "2025-01-01-preview"),
        ("AZURE_OPENAI_DEPLOYMENT", "chat-prod"),
    ]))
    .unwrap();
    assert_eq!(model.name(), "chat-prod");
    assert_eq!(model.schema_dialect(), SchemaDialect::OpenAi);
    let events = events(model.as_ref(), hello()).await;
    assert_eq!(text_of(&events), "ok");
    let requests = mock.requests();
    assert_eq!(requests.len(), 2, "the 429 is retried");
    for request in &requests {
        assert_eq!(
            request.path,
            "/openai/deployments/chat-prod/chat/completions"
        );
        assert_eq!(
            request.query.as_deref(),
            Some("api-version=2025-01-01-preview")
        );
        assert_eq!(request.header("api-key"), Some(KEY));
    }
}

// ---------------------------------------------------------------------------
// Provider factory

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

fn config_error(pairs: &[(&str, &str)]) -> ConfigError {
    match from_env_with(vars(pairs)) {
        Ok(model) => panic!("expected an error, got {}", model.name()),
        Err(error) => error,
    }
}

#[test]
fn factory_defaults_to_openai_responses() {
    let model = from_env_with(vars(&[("OPENAI_API_KEY", KEY)])).unwrap();
    assert_eq!(model.name(), "gpt-4.1-mini");
    assert_eq!(model.schema_dialect(), SchemaDialect::OpenAi);
    let model = from_env_with(vars(&[
        ("LLM_PROVIDER", "openai"),
        ("OPENAI_API_KEY", KEY),
        ("CHATKIT_MODEL", "gpt-5"),
        ("OPENAI_BASE_URL", "https://proxy.example/v1"),
    ]))
    .unwrap();
    assert_eq!(model.name(), "gpt-5");
}

#[test]
fn factory_gemini_and_compatible() {
    let model =
        from_env_with(vars(&[("LLM_PROVIDER", "gemini"), ("GEMINI_API_KEY", KEY)])).unwrap();
    assert_eq!(model.name(), "gemini-2.5-flash");
    assert_eq!(model.schema_dialect(), SchemaDialect::Gemini);
    let model = from_env_with(vars(&[
        ("LLM_PROVIDER", "openai-compatible"),
        ("OPENAI_BASE_URL", "http://localhost:11434/v1"),
        ("CHATKIT_MODEL", "llama3.2"),
    ]))
    .unwrap();
    assert_eq!(model.name(), "llama3.2");
    assert_eq!(model.schema_dialect(), SchemaDialect::OpenAi);
}

#[test]
fn factory_errors_name_the_variable_and_never_the_key() {
    let error = config_error(&[]);
    assert_eq!(error.variable(), "OPENAI_API_KEY");
    assert!(error.to_string().contains("OPENAI_API_KEY"), "{error}");

    let error = config_error(&[("LLM_PROVIDER", "gemini"), ("OPENAI_API_KEY", KEY)]);
    assert_eq!(error.variable(), "GEMINI_API_KEY");

    let error = config_error(&[("LLM_PROVIDER", "anthropic")]);
    assert_eq!(error.variable(), "LLM_PROVIDER");
    assert!(error.to_string().contains("anthropic"), "{error}");

    let error = config_error(&[("LLM_PROVIDER", "openai-compatible")]);
    assert_eq!(error.variable(), "OPENAI_BASE_URL");
    let error = config_error(&[
        ("LLM_PROVIDER", "openai-compatible"),
        ("OPENAI_BASE_URL", "http://localhost:8000/v1"),
    ]);
    assert_eq!(error.variable(), "CHATKIT_MODEL");
    let error = config_error(&[
        ("LLM_PROVIDER", "openai-compatible"),
        ("OPENAI_BASE_URL", "localhost:8000"),
        ("CHATKIT_MODEL", "m"),
    ]);
    assert_eq!(error.variable(), "OPENAI_BASE_URL");

    let azure = [
        ("LLM_PROVIDER", "azure"),
        ("AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com"),
        ("AZURE_OPENAI_API_KEY", KEY),
        ("OPENAI_API_VERSION", "2024-10-21"),
        ("CHATKIT_MODEL", "dep"),
    ];
    assert_eq!(from_env_with(vars(&azure)).unwrap().name(), "dep");
    for (missing, variable) in [
        ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_ENDPOINT"),
        ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"),
        ("OPENAI_API_VERSION", "OPENAI_API_VERSION"),
        ("CHATKIT_MODEL", "AZURE_OPENAI_DEPLOYMENT"),
    ] {
        let rest: Vec<(&str, &str)> = azure
            .iter()
            .copied()
            .filter(|(k, _)| *k != missing)
            .collect();
        assert_eq!(
            config_error(&rest).variable(),
            variable,
            "without {missing}"
        );
    }
    let mut bad = azure.to_vec();
    bad.push(("AZURE_OPENAI_DEPLOYMENT", "../admin"));
    assert_eq!(config_error(&bad).variable(), "AZURE_OPENAI_DEPLOYMENT");

    let bad_key = format!("{KEY}\nX-Injected: 1");
    let error = config_error(&[("OPENAI_API_KEY", &bad_key)]);
    assert!(matches!(
        error,
        ConfigError::Invalid {
            variable: "OPENAI_API_KEY",
            ..
        }
    ));
    assert!(!error.to_string().contains("SECRET"), "{error}");
    assert!(!format!("{error:?}").contains("SECRET"), "{error:?}");
}

// ---------------------------------------------------------------------------
// Scripted model

#[tokio::test]
async fn scripted_model_replays_and_records() {
    let model = ScriptedModel::from_responses([
        ScriptedResponse::tool_calls([("c1", "a", "{}"), ("c2", "b", "{\"x\":1}")]),
        ScriptedResponse::events_then_error(
            [ModelEvent::TextDelta("par".into())],
            ModelError::new(ModelErrorKind::Unavailable, "cut"),
        ),
        ScriptedResponse::error(ModelError::new(ModelErrorKind::RateLimited, "busy")),
    ])
    .with_name("script")
    .with_dialect(SchemaDialect::Gemini);
    model.push(vec![
        ModelEvent::TextDelta("done".into()),
        ModelEvent::Completed {
            usage: Usage::default(),
        },
    ]);
    assert_eq!(model.name(), "script");
    assert_eq!(model.schema_dialect(), SchemaDialect::Gemini);

    let first = events(&model, hello()).await;
    assert_eq!(
        tool_calls(&first),
        vec![
            ("c1".into(), "a".into(), "{}".into()),
            ("c2".into(), "b".into(), "{\"x\":1}".into())
        ]
    );
    let second = run(&model, hello()).await.unwrap();
    assert_eq!(second[0], Ok(ModelEvent::TextDelta("par".into())));
    assert_eq!(second[1].as_ref().unwrap_err().message(), "cut");
    let third = run(&model, hello()).await.unwrap_err();
    assert_eq!(third.kind(), ModelErrorKind::RateLimited);
    assert_eq!(text_of(&events(&model, rich_request()).await), "done");
    let exhausted = run(&model, hello()).await.unwrap_err();
    assert!(
        exhausted.message().contains("no response left"),
        "{exhausted}"
    );

    let requests = model.requests();
    assert_eq!(requests.len(), 5);
    assert_eq!(requests[0], hello());
    assert_eq!(requests[3], rich_request());
    assert_eq!(model.last_request(), Some(hello()));
    assert_eq!(model.remaining(), 0);
}
