//! The Chat Completions API, streamed: OpenAI, Gemini's OpenAI-compatible
//! endpoint, and compatible servers (LiteLLM, Ollama, vLLM, …).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use super::connection::{Api, ApiKey, Connection, Decoder, connection_options, reported_error};
use super::openai::OPENAI_BASE_URL;
use super::wire::{self, str_field, u64_at, u64_field};
use super::{
    ContentPart, InputItem, Model, ModelError, ModelErrorKind, ModelEvent, ModelRequest,
    ModelStream, Role, ToolChoice, Usage,
};
use crate::sync::lock;
use crate::tool::SchemaDialect;

/// Gemini's OpenAI-compatible API base URL.
pub const GEMINI_BASE_URL: &str = "https://generativelanguage.googleapis.com/v1beta/openai/";

/// The thought signature Gemini accepts for tool calls it did not make (or
/// whose signature was lost), per its thought-signature documentation.
const GEMINI_DUMMY_SIGNATURE: &str = "skip_thought_signature_validator";

/// How many tool calls' provider data a model remembers.
const SIGNATURE_CACHE: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    OpenAi,
    Gemini,
    Compatible,
}

/// A model behind the [Chat Completions API] (`POST
/// {base_url}/chat/completions`, streamed): OpenAI, Gemini's
/// OpenAI-compatible endpoint, or any compatible server (LiteLLM, Ollama,
/// vLLM, …).
///
/// The stream is read leniently: missing tool-call ids are made up
/// (`call_…`), an empty or absent `finish_reason` and a `"stop"` that comes
/// with tool calls are fine, `toolCalls` is read as `tool_calls`, tool calls
/// without an `index` are told apart by id and name, `reasoning_content` (or
/// `reasoning`) deltas are reasoning, and a server that answers with one
/// JSON document instead of a stream is understood too. Tool-call argument
/// deltas are put together by index; each call comes as one
/// [`ModelEvent::ToolCall`], in call order.
///
/// The history becomes system, user, assistant and tool messages. Tool calls
/// in a row make one assistant message (with the assistant's text before
/// them, if any), followed by one tool message per call; calls without an
/// output and outputs without a call are left out. Usage is asked for with
/// `stream_options.include_usage` (see [`Self::include_usage`]).
///
/// For Gemini: tools use [`SchemaDialect::Gemini`], `parallel_tool_calls` is
/// never sent (Gemini rejects it), and the thought signatures Gemini 3 puts
/// on its tool calls are sent back with them while this model remembers
/// them, or a placeholder Gemini documents when it does not.
///
/// ```no_run
/// use chatkit_runtime::model::ChatCompletionsModel;
///
/// // Gemini.
/// let gemini = ChatCompletionsModel::gemini(std::env::var("GEMINI_API_KEY").unwrap(), "gemini-2.5-flash");
/// // Ollama on this machine, no key.
/// let ollama = ChatCompletionsModel::compatible("http://localhost:11434/v1", None, "llama3.2");
/// ```
///
/// [Chat Completions API]: https://platform.openai.com/docs/api-reference/chat
#[derive(Debug, Clone)]
pub struct ChatCompletionsModel {
    model: String,
    connection: Connection,
    flavor: Flavor,
    include_usage: bool,
    signatures: Arc<Signatures>,
}

impl ChatCompletionsModel {
    fn with(flavor: Flavor, connection: Connection, model: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            connection,
            flavor,
            include_usage: true,
            signatures: Arc::default(),
        }
    }

    /// `model` at OpenAI's Chat Completions API, with `api_key`.
    pub fn openai(api_key: impl Into<String>, model: impl Into<String>) -> Self {
        Self::with(
            Flavor::OpenAi,
            Connection::new(OPENAI_BASE_URL, ApiKey::new(api_key)),
            model,
        )
    }

    /// `model` (`gemini-2.5-flash`, say) at Gemini's OpenAI-compatible
    /// endpoint, with a Gemini API key.
    pub fn gemini(api_key: impl Into<String>, model: impl Into<String>) -> Self {
        Self::with(
            Flavor::Gemini,
            Connection::new(GEMINI_BASE_URL, ApiKey::new(api_key)),
            model,
        )
    }

    /// `model` at a compatible server whose API is at `base_url` (requests
    /// go to `{base_url}/chat/completions`), with an API key if it needs one.
    pub fn compatible(
        base_url: impl Into<String>,
        api_key: Option<&str>,
        model: impl Into<String>,
    ) -> Self {
        Self::with(
            Flavor::Compatible,
            Connection::new(base_url, api_key.and_then(ApiKey::new)),
            model,
        )
    }

    /// `model` through an async-openai client of your own, used as it is:
    /// its configuration ([`AzureConfig`](async_openai::config::AzureConfig)
    /// for Azure OpenAI, custom headers), its HTTP client (a proxy) and its
    /// HTTP handling. The request is OpenAI's (`max_completion_tokens`,
    /// `parallel_tool_calls`, strict tools).
    ///
    /// Make it with [`openai_client`](super::openai_client) to keep this
    /// model's error messages and [`RetryPolicy`](super::RetryPolicy) alone in
    /// charge of retries. A client made by `async_openai::Client::build`
    /// retries 429 and 5xx answers itself (up to 3 times, honoring any
    /// `Retry-After`) before this model sees the failure; `Client::new` and
    /// `Client::with_config` cannot be used, as they need a process-wide
    /// TLS provider that this crate does not install.
    ///
    /// ```no_run
    /// use async_openai::config::AzureConfig;
    /// use chatkit_runtime::model::{ChatCompletionsModel, openai_client};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = AzureConfig::new()
    ///     .with_api_base("https://my-resource.openai.azure.com")
    ///     .with_api_key(std::env::var("AZURE_OPENAI_API_KEY")?)
    ///     .with_deployment_id("gpt-4o-mini")
    ///     .with_api_version("2024-10-21");
    /// let client = openai_client(chatkit_runtime::outbound::client()?, config);
    /// let model = ChatCompletionsModel::from_client(client, "gpt-4o-mini");
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_client<C>(client: async_openai::Client<C>, model: impl Into<String>) -> Self
    where
        C: async_openai::config::Config + 'static,
    {
        Self::with(Flavor::OpenAi, Connection::from_client(client), model)
    }

    /// `model` with an async-openai configuration of your own (such as
    /// [`AzureConfig`](async_openai::config::AzureConfig)), sent through the
    /// shared [`outbound`](crate::outbound) client (or [`Self::http_client`])
    /// as by [`openai_client`](super::openai_client). The request is OpenAI's,
    /// as with [`Self::from_client`].
    ///
    /// ```no_run
    /// use async_openai::config::AzureConfig;
    /// use chatkit_runtime::model::ChatCompletionsModel;
    ///
    /// let config = AzureConfig::new()
    ///     .with_api_base("https://my-resource.openai.azure.com")
    ///     .with_api_key(std::env::var("AZURE_OPENAI_API_KEY").unwrap())
    ///     .with_deployment_id("gpt-4o-mini")
    ///     .with_api_version("2024-10-21");
    /// let model = ChatCompletionsModel::from_config(config, "gpt-4o-mini");
    /// ```
    pub fn from_config<C>(config: C, model: impl Into<String>) -> Self
    where
        C: async_openai::config::Config + Clone + 'static,
    {
        Self::with(Flavor::OpenAi, Connection::from_config(config), model)
    }

    /// Another base URL, keeping the provider's ways (for a proxy, say).
    /// A model made by `from_client` or `from_config` keeps its
    /// configuration's base URL.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.connection.set_base_url(base_url.into());
        self
    }

    connection_options!();

    /// Whether to send `stream_options: {"include_usage": true}` (default
    /// `true`); turn it off for a server that rejects it.
    #[must_use]
    pub fn include_usage(mut self, include: bool) -> Self {
        self.include_usage = include;
        self
    }

    /// The JSON body of a request.
    fn body(&self, request: &ModelRequest) -> Value {
        let mut body = Map::new();
        body.insert("model".into(), json!(self.model));
        body.insert("messages".into(), Value::Array(self.messages(request)));
        body.insert("stream".into(), json!(true));
        if self.include_usage {
            body.insert("stream_options".into(), json!({"include_usage": true}));
        }
        let settings = &request.settings;
        if !request.tools.is_empty() {
            let tools = request
                .tools
                .iter()
                .map(|tool| {
                    let mut function = json!({
                        "name": tool.name,
                        "description": tool.description,
                        "parameters": tool.parameters,
                    });
                    if tool.strict {
                        function["strict"] = json!(true);
                    }
                    json!({"type": "function", "function": function})
                })
                .collect();
            body.insert("tools".into(), Value::Array(tools));
            if let Some(choice) = &settings.tool_choice {
                body.insert(
                    "tool_choice".into(),
                    match choice {
                        ToolChoice::Auto => json!("auto"),
                        ToolChoice::None => json!("none"),
                        ToolChoice::Required => json!("required"),
                        ToolChoice::Tool(name) => {
                            json!({"type": "function", "function": {"name": name}})
                        }
                    },
                );
            }
            if let Some(parallel) = settings.parallel_tool_calls
                && self.flavor != Flavor::Gemini
            {
                body.insert("parallel_tool_calls".into(), json!(parallel));
            }
        }
        if let Some(t) = settings.temperature {
            body.insert("temperature".into(), wire::number(t));
        }
        if let Some(p) = settings.top_p {
            body.insert("top_p".into(), wire::number(p));
        }
        if let Some(max) = settings.max_tokens {
            let key = match self.flavor {
                Flavor::OpenAi => "max_completion_tokens",
                Flavor::Gemini | Flavor::Compatible => "max_tokens",
            };
            body.insert(key.into(), json!(max));
        }
        if let Some(effort) = &settings.reasoning_effort {
            body.insert("reasoning_effort".into(), json!(effort));
        }
        Value::Object(body)
    }

    /// The instructions and history as messages.
    fn messages(&self, request: &ModelRequest) -> Vec<Value> {
        let mut messages = Vec::new();
        if !request.instructions.is_empty() {
            messages.push(json!({"role": "system", "content": request.instructions}));
        }
        let items = wire::paired_history(&request.input);
        // Outputs by call id, in order, so each call takes its own.
        let mut outputs: HashMap<&str, VecDeque<&[ContentPart]>> = HashMap::new();
        for item in &items {
            if let InputItem::FunctionCallOutput { call_id, output } = item {
                outputs.entry(call_id).or_default().push_back(output);
            }
        }
        let mut i = 0;
        while i < items.len() {
            match items[i] {
                InputItem::Message {
                    role: Role::Assistant,
                    content,
                } => {
                    let text = wire::joined_text(content);
                    if !text.is_empty() {
                        messages.push(json!({"role": "assistant", "content": text}));
                    }
                    i += 1;
                }
                InputItem::Message { role, content } => {
                    if let Some(content) = user_content(content) {
                        let role = match role {
                            Role::Developer => "system",
                            _ => "user",
                        };
                        messages.push(json!({"role": role, "content": content}));
                    }
                    i += 1;
                }
                InputItem::FunctionCallOutput { .. } => {
                    // Sent right after its call.
                    i += 1;
                }
                InputItem::FunctionCall { .. } => {
                    let mut calls = Vec::new();
                    let mut results = Vec::new();
                    while let Some(InputItem::FunctionCall {
                        call_id,
                        name,
                        arguments,
                    }) = items.get(i)
                    {
                        i += 1;
                        let Some(output) = outputs
                            .get_mut(call_id.as_str())
                            .and_then(|q| q.pop_front())
                        else {
                            continue;
                        };
                        let mut call = json!({
                            "id": call_id,
                            "type": "function",
                            "function": {"name": name, "arguments": wire::arguments(arguments)},
                        });
                        if let Some(extra) = self.signatures.get(call_id) {
                            call["extra_content"] = extra;
                        }
                        calls.push(call);
                        results.push((call_id, output));
                    }
                    if calls.is_empty() {
                        continue;
                    }
                    if self.flavor == Flavor::Gemini
                        && let Some(first) = calls.first_mut()
                        && first.get("extra_content").is_none()
                    {
                        first["extra_content"] =
                            json!({"google": {"thought_signature": GEMINI_DUMMY_SIGNATURE}});
                    }
                    // The assistant's text just before the calls goes with them.
                    match messages.last_mut() {
                        Some(last)
                            if last["role"] == "assistant" && last.get("tool_calls").is_none() =>
                        {
                            last["tool_calls"] = Value::Array(calls);
                        }
                        _ => messages.push(json!({
                            "role": "assistant",
                            "content": null,
                            "tool_calls": calls,
                        })),
                    }
                    let mut images = Vec::new();
                    for (call_id, output) in results {
                        messages.push(json!({
                            "role": "tool",
                            "tool_call_id": call_id,
                            "content": wire::joined_text(output),
                        }));
                        for part in output {
                            if let ContentPart::Image { url } = part {
                                images
                                    .push(json!({"type": "image_url", "image_url": {"url": url}}));
                            }
                        }
                    }
                    // Tool messages hold text only: images follow as a user message.
                    if !images.is_empty() {
                        let mut content =
                            vec![json!({"type": "text", "text": "Images returned by the tools:"})];
                        content.extend(images);
                        messages.push(json!({"role": "user", "content": content}));
                    }
                }
            }
        }
        messages
    }
}

/// A user message's content: a string when it is text only.
fn user_content(content: &[ContentPart]) -> Option<Value> {
    if !wire::has_image(content) {
        let text = wire::joined_text(content);
        return (!text.is_empty()).then(|| json!(text));
    }
    let parts: Vec<Value> = content
        .iter()
        .map(|part| match part {
            ContentPart::Text { text } => json!({"type": "text", "text": text}),
            ContentPart::Image { url } => json!({"type": "image_url", "image_url": {"url": url}}),
        })
        .collect();
    Some(Value::Array(parts))
}

#[async_trait]
impl Model for ChatCompletionsModel {
    fn name(&self) -> &str {
        &self.model
    }

    fn schema_dialect(&self) -> SchemaDialect {
        match self.flavor {
            Flavor::Gemini => SchemaDialect::Gemini,
            Flavor::OpenAi | Flavor::Compatible => SchemaDialect::OpenAi,
        }
    }

    async fn stream(&self, request: ModelRequest) -> Result<ModelStream, ModelError> {
        let body = self.body(&request);
        let signatures = self.signatures.clone();
        self.connection
            .open(Api::ChatCompletions, &body, || {
                ChatDecoder::new(signatures.clone())
            })
            .await
    }
}

/// The provider data (`extra_content`: Gemini's thought signatures) of recent
/// tool calls, to send back with them.
#[derive(Default)]
struct Signatures(Mutex<(HashMap<String, Value>, VecDeque<String>)>);

impl std::fmt::Debug for Signatures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let guard = lock(&self.0);
        write!(f, "Signatures({} calls)", guard.0.len())
    }
}

impl Signatures {
    fn get(&self, call_id: &str) -> Option<Value> {
        let guard = lock(&self.0);
        guard.0.get(call_id).cloned()
    }

    fn insert(&self, call_id: String, extra: Value) {
        let mut guard = lock(&self.0);
        let (map, order) = &mut *guard;
        if map.insert(call_id.clone(), extra).is_none() {
            order.push_back(call_id);
            while order.len() > SIGNATURE_CACHE {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
        }
    }
}

/// A tool call being streamed.
#[derive(Debug, Default)]
struct PendingCall {
    id: Option<String>,
    name: String,
    arguments: String,
    extra: Option<Value>,
    emitted: bool,
}

/// Turns Chat Completions chunks into model events.
struct ChatDecoder {
    calls: Vec<PendingCall>,
    by_index: HashMap<i64, usize>,
    reasoning_open: bool,
    usage: Option<Usage>,
    saw_chunk: bool,
    done: bool,
    signatures: Arc<Signatures>,
}

impl ChatDecoder {
    fn new(signatures: Arc<Signatures>) -> Self {
        Self {
            calls: Vec::new(),
            by_index: HashMap::new(),
            reasoning_open: false,
            usage: None,
            saw_chunk: false,
            done: false,
            signatures,
        }
    }

    fn close_reasoning(&mut self, out: &mut Vec<ModelEvent>) {
        if self.reasoning_open {
            self.reasoning_open = false;
            out.push(ModelEvent::ReasoningDone);
        }
    }

    fn chunk(&mut self, chunk: &Value, out: &mut Vec<ModelEvent>) -> Result<(), ModelError> {
        if let Some(error) = chunk.get("error").filter(|e| !e.is_null()) {
            return Err(reported_error(
                Some(error),
                "the provider reported an error",
            ));
        }
        self.saw_chunk = true;
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            self.usage = Some(parse_usage(usage));
        }
        let choices = chunk.get("choices").and_then(Value::as_array);
        let choice = choices.and_then(|choices| {
            choices
                .iter()
                .find(|c| c.get("index").and_then(Value::as_i64) == Some(0))
                .or_else(|| choices.first())
        });
        let Some(choice) = choice else {
            return Ok(());
        };
        if let Some(delta) = choice.get("delta").or_else(|| choice.get("message")) {
            let reasoning =
                str_field(delta, "reasoning_content").or_else(|| str_field(delta, "reasoning"));
            if let Some(reasoning) = reasoning {
                self.reasoning_open = true;
                out.push(ModelEvent::ReasoningDelta(reasoning.to_owned()));
            }
            let text = match delta.get("content") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(parts)) => parts
                    .iter()
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect(),
                _ => String::new(),
            };
            if !text.is_empty() {
                self.close_reasoning(out);
                out.push(ModelEvent::TextDelta(text));
            }
            let tool_calls = delta
                .get("tool_calls")
                .or_else(|| delta.get("toolCalls"))
                .and_then(Value::as_array);
            if let Some(tool_calls) = tool_calls {
                self.close_reasoning(out);
                for call in tool_calls {
                    self.accumulate(call);
                }
            }
        }
        let finished = match choice
            .get("finish_reason")
            .or_else(|| choice.get("finishReason"))
        {
            Some(Value::String(reason)) => !reason.is_empty(),
            _ => false,
        };
        if finished {
            self.close_reasoning(out);
            self.emit_calls(out);
        }
        Ok(())
    }

    /// Adds one tool-call delta to the call it continues, or starts one.
    fn accumulate(&mut self, delta: &Value) {
        let index = delta.get("index").and_then(Value::as_i64);
        let id = str_field(delta, "id");
        let function = delta.get("function").unwrap_or(delta);
        let name = str_field(function, "name");
        let arguments = match function.get("arguments") {
            Some(Value::String(s)) => s.clone(),
            None | Some(Value::Null) => String::new(),
            Some(other) => other.to_string(),
        };
        let existing = match (index, id) {
            (Some(index), _) => self.by_index.get(&index).copied(),
            (None, Some(id)) => self.calls.iter().position(|c| c.id.as_deref() == Some(id)),
            (None, None) => self.calls.len().checked_sub(1),
        };
        let continues = existing.filter(|&pos| {
            let call = &self.calls[pos];
            let other_id = matches!((id, &call.id), (Some(a), Some(b)) if a != b);
            let other_call = match name {
                Some(name) if !call.name.is_empty() && (id.is_none() || call.id.is_none()) => {
                    name != call.name || is_complete_json(&call.arguments)
                }
                _ => false,
            };
            !other_id && !other_call
        });
        let pos = match continues {
            Some(pos) => pos,
            None => {
                self.calls.push(PendingCall::default());
                let pos = self.calls.len() - 1;
                if let Some(index) = index {
                    self.by_index.insert(index, pos);
                }
                pos
            }
        };
        let call = &mut self.calls[pos];
        if call.id.is_none() {
            call.id = id.map(str::to_owned);
        }
        if call.name.is_empty()
            && let Some(name) = name
        {
            call.name = name.to_owned();
        }
        call.arguments.push_str(&arguments);
        if let Some(extra) = delta.get("extra_content").filter(|e| !e.is_null()) {
            call.extra = Some(extra.clone());
        }
    }

    fn emit_calls(&mut self, out: &mut Vec<ModelEvent>) {
        for call in &mut self.calls {
            if call.emitted || (call.name.is_empty() && call.arguments.trim().is_empty()) {
                continue;
            }
            call.emitted = true;
            let call_id = call.id.clone().unwrap_or_else(wire::made_up_call_id);
            if let Some(extra) = call.extra.take() {
                self.signatures.insert(call_id.clone(), extra);
            }
            out.push(ModelEvent::ToolCall {
                call_id,
                name: call.name.clone(),
                arguments: wire::arguments(&call.arguments),
            });
        }
    }

    fn end(&mut self, out: &mut Vec<ModelEvent>) {
        self.close_reasoning(out);
        self.emit_calls(out);
        out.push(ModelEvent::Completed {
            usage: self.usage.unwrap_or(Usage {
                requests: 1,
                ..Usage::default()
            }),
        });
        self.done = true;
    }
}

fn is_complete_json(text: &str) -> bool {
    !text.trim().is_empty() && serde_json::from_str::<Value>(text).is_ok()
}

fn parse_usage(usage: &Value) -> Usage {
    Usage {
        requests: 1,
        input_tokens: u64_field(usage, "prompt_tokens")
            .or_else(|| u64_field(usage, "input_tokens"))
            .unwrap_or(0),
        output_tokens: u64_field(usage, "completion_tokens")
            .or_else(|| u64_field(usage, "output_tokens"))
            .unwrap_or(0),
        cached_input_tokens: u64_at(usage, "prompt_tokens_details", "cached_tokens").unwrap_or(0),
        reasoning_tokens: u64_at(usage, "completion_tokens_details", "reasoning_tokens")
            .unwrap_or(0),
    }
}

impl Decoder for ChatDecoder {
    const EVENT: &'static str = "Chat Completions chunk";

    fn feed(&mut self, chunk: &Value, out: &mut Vec<ModelEvent>) -> Result<(), ModelError> {
        self.chunk(chunk, out)
    }

    fn finish(&mut self, out: &mut Vec<ModelEvent>) -> Result<(), ModelError> {
        if !self.saw_chunk {
            return Err(ModelError::new(
                ModelErrorKind::Protocol,
                "the provider sent an empty stream",
            ));
        }
        // `[DONE]`, or a clean end of the body without it: the end of the answer.
        self.end(out);
        Ok(())
    }

    fn is_done(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelSettings;

    fn decode(chunks: &[Value]) -> Vec<ModelEvent> {
        let mut decoder = ChatDecoder::new(Arc::default());
        let mut out = Vec::new();
        for chunk in chunks {
            decoder.chunk(chunk, &mut out).expect("chunk");
        }
        decoder.end(&mut out);
        out
    }

    fn calls(events: &[ModelEvent]) -> Vec<(String, String)> {
        events
            .iter()
            .filter_map(|e| match e {
                ModelEvent::ToolCall {
                    name, arguments, ..
                } => Some((name.clone(), arguments.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn index_less_calls_are_told_apart_by_name() {
        let events = decode(&[
            json!({"choices": [{"delta": {"tool_calls": [{"function": {"name": "a", "arguments": "{\"x\":1}"}}]}}]}),
            json!({"choices": [{"delta": {"tool_calls": [{"function": {"name": "b", "arguments": "{}"}}]}}]}),
            json!({"choices": [{"delta": {"tool_calls": [{"function": {"name": "a", "arguments": "{\"x\":2}"}}]}, "finish_reason": "stop"}]}),
        ]);
        assert_eq!(
            calls(&events),
            vec![
                ("a".into(), "{\"x\":1}".into()),
                ("b".into(), "{}".into()),
                ("a".into(), "{\"x\":2}".into())
            ]
        );
    }

    #[test]
    fn same_index_different_ids_are_two_calls() {
        let events = decode(&[
            json!({"choices": [{"delta": {"tool_calls": [{"index": 0, "id": "x", "function": {"name": "a", "arguments": "{}"}}]}}]}),
            json!({"choices": [{"delta": {"tool_calls": [{"index": 0, "id": "y", "function": {"name": "a", "arguments": "{}"}}]}}]}),
        ]);
        assert_eq!(calls(&events).len(), 2);
    }

    #[test]
    fn repeated_name_with_partial_arguments_is_one_call() {
        let events = decode(&[
            json!({"choices": [{"delta": {"tool_calls": [{"function": {"name": "a", "arguments": "{\"x\""}}]}}]}),
            json!({"choices": [{"delta": {"tool_calls": [{"function": {"name": "a", "arguments": ":1}"}}]}}]}),
        ]);
        assert_eq!(calls(&events), vec![("a".into(), "{\"x\":1}".into())]);
    }

    #[test]
    fn gemini_history_carries_signatures() {
        let model = ChatCompletionsModel::gemini("k", "gemini-2.5-flash");
        model.signatures.insert(
            "known".into(),
            json!({"google": {"thought_signature": "sig"}}),
        );
        let call = |id: &str| InputItem::FunctionCall {
            call_id: id.into(),
            name: "f".into(),
            arguments: String::new(),
        };
        let output = |id: &str| InputItem::FunctionCallOutput {
            call_id: id.into(),
            output: vec![ContentPart::Text { text: "ok".into() }],
        };
        let request = ModelRequest {
            input: vec![
                InputItem::text(Role::User, "hi"),
                call("known"),
                output("known"),
                call("lost"),
                output("lost"),
            ],
            settings: ModelSettings {
                parallel_tool_calls: Some(true),
                ..ModelSettings::default()
            },
            ..ModelRequest::default()
        };
        let body = model.body(&request);
        let messages = body["messages"].as_array().expect("messages");
        assert_eq!(
            messages[1]["tool_calls"][0]["extra_content"]["google"]["thought_signature"],
            "sig"
        );
        assert_eq!(messages[1]["tool_calls"][0]["function"]["arguments"], "{}");
        assert_eq!(
            messages[3]["tool_calls"][0]["extra_content"]["google"]["thought_signature"],
            GEMINI_DUMMY_SIGNATURE
        );
        assert!(body.get("parallel_tool_calls").is_none());
    }
}
