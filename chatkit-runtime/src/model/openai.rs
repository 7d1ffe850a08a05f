//! The OpenAI Responses API, streamed.

use std::collections::{BTreeMap, HashSet};

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use super::connection::{Api, ApiKey, Connection, Decoder, connection_options, reported_error};
use super::wire::{self, str_field, u64_at, u64_field};
use super::{
    Citation, ContentPart, InputItem, Model, ModelError, ModelErrorKind, ModelEvent, ModelRequest,
    ModelStream, Role, ToolChoice, Usage,
};

/// OpenAI's API base URL.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

/// A model behind the OpenAI [Responses API] (`POST {base_url}/responses`,
/// streamed): OpenAI itself, Azure-style proxies and servers that implement
/// the Responses API (LiteLLM, vLLM).
///
/// - Text, URL and file citations, reasoning summaries, tool calls and usage
///   come as [`ModelEvent`]s.
/// - The history is sent as `message`, `function_call` and
///   `function_call_output` items; calls without an output and outputs
///   without a call (a truncated history) are left out.
/// - Tools are function tools with `strict` as in their
///   [`ToolDefinition`](crate::tool::ToolDefinition).
/// - With a `reasoning_effort` set, reasoning summaries are asked for
///   (`reasoning.summary = "auto"`); see [`Self::reasoning_summary`].
/// - Failures before the first event are retried ([`RetryPolicy`](super::RetryPolicy)); the API
///   key never appears in an error or in `Debug` output.
/// - Requests are sent by [async-openai](async_openai) through the shared
///   [`outbound`](crate::outbound) client (or [`Self::http_client`]);
///   [`Self::from_client`] and [`Self::from_config`] take an async-openai
///   client or configuration of your own.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use chatkit_runtime::model::{Model, OpenAiResponsesModel};
///
/// let model: Arc<dyn Model> = Arc::new(
///     OpenAiResponsesModel::new(std::env::var("OPENAI_API_KEY").unwrap(), "gpt-4.1-mini")
///         .timeout(Duration::from_secs(30)),
/// );
/// ```
///
/// [Responses API]: https://platform.openai.com/docs/api-reference/responses
#[derive(Debug, Clone)]
pub struct OpenAiResponsesModel {
    model: String,
    connection: Connection,
    reasoning_summary: Option<String>,
}

impl OpenAiResponsesModel {
    fn with(connection: Connection, model: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            connection,
            reasoning_summary: Some("auto".to_owned()),
        }
    }

    /// `model` (`gpt-4.1-mini`, say) at OpenAI, with `api_key`.
    pub fn new(api_key: impl Into<String>, model: impl Into<String>) -> Self {
        Self::with(
            Connection::new(OPENAI_BASE_URL, ApiKey::new(api_key)),
            model,
        )
    }

    /// `model` through an async-openai client of your own, used as it is:
    /// its configuration ([`OpenAIConfig`](async_openai::config::OpenAIConfig)
    /// with an organization or project, custom headers), its HTTP client (a
    /// proxy) and its HTTP handling.
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
    /// use async_openai::config::OpenAIConfig;
    /// use chatkit_runtime::model::{OpenAiResponsesModel, openai_client};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = OpenAIConfig::new()
    ///     .with_api_key(std::env::var("OPENAI_API_KEY")?)
    ///     .with_project_id("proj_123");
    /// let client = openai_client(chatkit_runtime::outbound::client()?, config);
    /// let model = OpenAiResponsesModel::from_client(client, "gpt-4.1-mini");
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_client<C>(client: async_openai::Client<C>, model: impl Into<String>) -> Self
    where
        C: async_openai::config::Config + 'static,
    {
        Self::with(Connection::from_client(client), model)
    }

    /// `model` with an async-openai configuration of your own, sent through
    /// the shared [`outbound`](crate::outbound) client (or
    /// [`Self::http_client`]) as by [`openai_client`](super::openai_client).
    ///
    /// ```no_run
    /// use async_openai::config::OpenAIConfig;
    /// use chatkit_runtime::model::OpenAiResponsesModel;
    ///
    /// let config = OpenAIConfig::new().with_org_id("org-123");
    /// let model = OpenAiResponsesModel::from_config(config, "gpt-4.1-mini");
    /// ```
    pub fn from_config<C>(config: C, model: impl Into<String>) -> Self
    where
        C: async_openai::config::Config + Clone + 'static,
    {
        Self::with(Connection::from_config(config), model)
    }

    /// Another server implementing the Responses API, such as
    /// `http://localhost:4000/v1` (requests go to `{base_url}/responses`).
    /// A model made by `from_client` or `from_config` keeps its
    /// configuration's base URL.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.connection.set_base_url(base_url.into());
        self
    }

    connection_options!();

    /// The reasoning summary asked for when a `reasoning_effort` is set:
    /// `Some("auto")` (the default), `Some("concise")`, `Some("detailed")`,
    /// or `None` to ask for none (for organizations not verified for
    /// reasoning summaries).
    #[must_use]
    pub fn reasoning_summary(mut self, summary: Option<&str>) -> Self {
        self.reasoning_summary = summary.map(str::to_owned);
        self
    }

    /// The JSON body of a request.
    fn body(&self, request: &ModelRequest) -> Value {
        let mut body = Map::new();
        body.insert("model".into(), json!(self.model));
        if !request.instructions.is_empty() {
            body.insert("instructions".into(), json!(request.instructions));
        }
        body.insert("input".into(), Value::Array(input_items(&request.input)));
        body.insert("stream".into(), json!(true));
        let settings = &request.settings;
        if !request.tools.is_empty() {
            let tools = request
                .tools
                .iter()
                .map(|tool| {
                    json!({
                        "type": "function",
                        "name": tool.name,
                        "description": tool.description,
                        "parameters": tool.parameters,
                        "strict": tool.strict,
                    })
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
                        ToolChoice::Tool(name) => json!({"type": "function", "name": name}),
                    },
                );
            }
            if let Some(parallel) = settings.parallel_tool_calls {
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
            body.insert("max_output_tokens".into(), json!(max));
        }
        if let Some(effort) = &settings.reasoning_effort {
            let mut reasoning = json!({"effort": effort});
            if let Some(summary) = &self.reasoning_summary {
                reasoning["summary"] = json!(summary);
            }
            body.insert("reasoning".into(), reasoning);
        }
        Value::Object(body)
    }
}

/// The history as Responses input items.
fn input_items(input: &[InputItem]) -> Vec<Value> {
    wire::paired_history(input)
        .into_iter()
        .filter_map(|item| match item {
            InputItem::Message {
                role: Role::Assistant,
                content,
            } => {
                let text = wire::joined_text(content);
                (!text.is_empty()).then(|| {
                    json!({
                        "type": "message",
                        "role": "assistant",
                        "content": text,
                    })
                })
            }
            InputItem::Message { role, content } => {
                let parts = input_parts(content);
                (!parts.is_empty()).then(|| {
                    json!({
                        "type": "message",
                        "role": match role {
                            Role::Developer => "developer",
                            _ => "user",
                        },
                        "content": parts,
                    })
                })
            }
            InputItem::FunctionCall {
                call_id,
                name,
                arguments,
            } => Some(json!({
                "type": "function_call",
                "call_id": call_id,
                "name": name,
                "arguments": wire::arguments(arguments),
            })),
            InputItem::FunctionCallOutput { call_id, output } => {
                let output = if wire::has_image(output) {
                    Value::Array(input_parts(output))
                } else {
                    json!(wire::joined_text(output))
                };
                Some(json!({
                    "type": "function_call_output",
                    "call_id": call_id,
                    "output": output,
                }))
            }
        })
        .collect()
}

fn input_parts(content: &[ContentPart]) -> Vec<Value> {
    content
        .iter()
        .map(|part| match part {
            ContentPart::Text { text } => json!({"type": "input_text", "text": text}),
            ContentPart::Image { url } => {
                json!({"type": "input_image", "image_url": url, "detail": "auto"})
            }
        })
        .collect()
}

#[async_trait]
impl Model for OpenAiResponsesModel {
    fn name(&self) -> &str {
        &self.model
    }

    async fn stream(&self, request: ModelRequest) -> Result<ModelStream, ModelError> {
        let body = self.body(&request);
        self.connection
            .open(Api::Responses, &body, ResponsesDecoder::default)
            .await
    }
}

/// A function call being streamed.
#[derive(Debug, Default)]
struct PendingCall {
    item_id: Option<String>,
    call_id: Option<String>,
    name: Option<String>,
    arguments: String,
    emitted: bool,
}

/// Turns Responses stream events into model events.
#[derive(Debug, Default)]
struct ResponsesDecoder {
    /// Function calls by output index.
    calls: BTreeMap<u64, PendingCall>,
    /// Annotations already sent: (output index, content index, annotation
    /// index or the citation's text).
    citations: HashSet<(u64, u64, String)>,
    done: bool,
}

impl ResponsesDecoder {
    fn call_for(&mut self, event: &Value) -> &mut PendingCall {
        let index = match u64_field(event, "output_index") {
            Some(index) => index,
            None => {
                let item_id = str_field(event, "item_id");
                let found = self
                    .calls
                    .iter()
                    .find(|(_, c)| item_id.is_some() && c.item_id.as_deref() == item_id)
                    .map(|(i, _)| *i);
                found.unwrap_or_else(|| self.calls.keys().next_back().copied().unwrap_or(0))
            }
        };
        self.calls.entry(index).or_default()
    }

    fn emit_call(call: &mut PendingCall, out: &mut Vec<ModelEvent>) {
        if call.emitted {
            return;
        }
        call.emitted = true;
        out.push(ModelEvent::ToolCall {
            call_id: call
                .call_id
                .clone()
                .or_else(|| call.item_id.clone())
                .unwrap_or_else(wire::made_up_call_id),
            name: call.name.clone().unwrap_or_default(),
            arguments: wire::arguments(&call.arguments),
        });
    }

    fn citation(
        &mut self,
        output: u64,
        content: u64,
        key: Option<u64>,
        annotation: &Value,
        out: &mut Vec<ModelEvent>,
    ) {
        let Some(citation) = citation(annotation) else {
            return;
        };
        let key = key.map_or_else(|| format!("{citation:?}"), |k| k.to_string());
        if self.citations.insert((output, content, key)) {
            out.push(ModelEvent::Citation(citation));
        }
    }

    fn completed(&mut self, response: Option<&Value>, out: &mut Vec<ModelEvent>) {
        if let Some(response) = response {
            // Function calls only listed in the final output.
            if let Some(items) = response.get("output").and_then(Value::as_array) {
                for (index, item) in items.iter().enumerate() {
                    if str_field(item, "type") == Some("function_call") {
                        let call = self.calls.entry(index as u64).or_default();
                        merge_call(call, item);
                    }
                }
            }
        }
        for call in self.calls.values_mut() {
            Self::emit_call(call, out);
        }
        let usage = response
            .and_then(|r| r.get("usage"))
            .map(parse_usage)
            .unwrap_or(Usage {
                requests: 1,
                ..Usage::default()
            });
        out.push(ModelEvent::Completed { usage });
        self.done = true;
    }
}

fn merge_call(call: &mut PendingCall, item: &Value) {
    if let Some(id) = str_field(item, "id") {
        call.item_id = Some(id.to_owned());
    }
    if let Some(id) = str_field(item, "call_id") {
        call.call_id = Some(id.to_owned());
    }
    if let Some(name) = str_field(item, "name") {
        call.name = Some(name.to_owned());
    }
    if let Some(arguments) = str_field(item, "arguments") {
        call.arguments = arguments.to_owned();
    }
}

/// A Responses annotation as a citation.
fn citation(annotation: &Value) -> Option<Citation> {
    let index = |key: &str| u64_field(annotation, key).and_then(|i| u32::try_from(i).ok());
    match str_field(annotation, "type")? {
        "url_citation" => {
            let url = str_field(annotation, "url")?.to_owned();
            Some(Citation::Url {
                title: str_field(annotation, "title").unwrap_or(&url).to_owned(),
                url,
                index: index("end_index").or_else(|| index("index")),
            })
        }
        "file_citation" | "container_file_citation" => Some(Citation::File {
            filename: str_field(annotation, "filename")
                .or_else(|| str_field(annotation, "file_id"))?
                .to_owned(),
            title: str_field(annotation, "title").map(str::to_owned),
            index: index("index").or_else(|| index("end_index")),
        }),
        _ => None,
    }
}

fn parse_usage(usage: &Value) -> Usage {
    Usage {
        requests: 1,
        input_tokens: u64_field(usage, "input_tokens")
            .or_else(|| u64_field(usage, "prompt_tokens"))
            .unwrap_or(0),
        output_tokens: u64_field(usage, "output_tokens")
            .or_else(|| u64_field(usage, "completion_tokens"))
            .unwrap_or(0),
        cached_input_tokens: u64_at(usage, "input_tokens_details", "cached_tokens").unwrap_or(0),
        reasoning_tokens: u64_at(usage, "output_tokens_details", "reasoning_tokens").unwrap_or(0),
    }
}

impl Decoder for ResponsesDecoder {
    const EVENT: &'static str = "Responses event";

    fn feed(&mut self, value: &Value, out: &mut Vec<ModelEvent>) -> Result<(), ModelError> {
        let Some(kind) = str_field(value, "type") else {
            // A server that ignored `stream: true` sends the response object.
            if str_field(value, "object") == Some("response") {
                return Err(ModelError::new(
                    ModelErrorKind::Protocol,
                    "the provider answered with JSON instead of an event stream",
                ));
            }
            return Ok(());
        };
        match kind {
            "response.output_text.delta" | "response.refusal.delta" => {
                if let Some(delta) = str_field(value, "delta") {
                    out.push(ModelEvent::TextDelta(delta.to_owned()));
                }
            }
            "response.output_text.annotation.added" => {
                if let Some(annotation) = value.get("annotation") {
                    self.citation(
                        u64_field(value, "output_index").unwrap_or(0),
                        u64_field(value, "content_index").unwrap_or(0),
                        u64_field(value, "annotation_index"),
                        annotation,
                        out,
                    );
                }
            }
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                if let Some(delta) = str_field(value, "delta") {
                    out.push(ModelEvent::ReasoningDelta(delta.to_owned()));
                }
            }
            "response.reasoning_summary_text.done" | "response.reasoning_text.done" => {
                out.push(ModelEvent::ReasoningDone);
            }
            "response.output_item.added" => {
                if let Some(item) = value.get("item")
                    && str_field(item, "type") == Some("function_call")
                {
                    let call = self.call_for(value);
                    merge_call(call, item);
                }
            }
            "response.function_call_arguments.delta" => {
                let delta = str_field(value, "delta").unwrap_or_default().to_owned();
                let item_id = str_field(value, "item_id").map(str::to_owned);
                let call = self.call_for(value);
                call.arguments.push_str(&delta);
                if call.item_id.is_none() {
                    call.item_id = item_id;
                }
            }
            "response.function_call_arguments.done" => {
                let arguments = str_field(value, "arguments").map(str::to_owned);
                let name = str_field(value, "name").map(str::to_owned);
                let call = self.call_for(value);
                if let Some(arguments) = arguments {
                    call.arguments = arguments;
                }
                if name.is_some() {
                    call.name = name;
                }
            }
            "response.output_item.done" => {
                let Some(item) = value.get("item") else {
                    return Ok(());
                };
                let output = u64_field(value, "output_index").unwrap_or(0);
                match str_field(item, "type") {
                    Some("function_call") => {
                        let call = self.call_for(value);
                        merge_call(call, item);
                        Self::emit_call(call, out);
                    }
                    Some("message") => {
                        // Annotations never announced by their own event.
                        let parts = item.get("content").and_then(Value::as_array);
                        for (content, part) in parts.into_iter().flatten().enumerate() {
                            let annotations = part.get("annotations").and_then(Value::as_array);
                            for (i, annotation) in annotations.into_iter().flatten().enumerate() {
                                self.citation(
                                    output,
                                    content as u64,
                                    Some(i as u64),
                                    annotation,
                                    out,
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
            "response.completed" | "response.incomplete" | "response.done" => {
                self.completed(value.get("response"), out);
            }
            "response.failed" => {
                let error = value.get("response").and_then(|r| r.get("error"));
                return Err(reported_error(error, "the response failed"));
            }
            "error" => {
                return Err(reported_error(
                    Some(value),
                    "the provider reported an error",
                ));
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut Vec<ModelEvent>) -> Result<(), ModelError> {
        Err(ModelError::new(
            ModelErrorKind::Unavailable,
            "the stream ended before the response was complete",
        ))
    }

    fn is_done(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(decoder: &mut ResponsesDecoder, value: Value) -> Vec<ModelEvent> {
        let mut out = Vec::new();
        decoder.feed(&value, &mut out).expect("feed");
        out
    }

    #[test]
    fn citations_are_not_repeated() {
        let mut d = ResponsesDecoder::default();
        let annotation = json!({"type": "url_citation", "url": "https://a.example", "title": "A", "start_index": 0, "end_index": 4});
        let first = feed(
            &mut d,
            json!({"type": "response.output_text.annotation.added", "output_index": 0, "content_index": 0, "annotation_index": 0, "annotation": annotation}),
        );
        assert_eq!(first.len(), 1);
        let again = feed(
            &mut d,
            json!({"type": "response.output_item.done", "output_index": 0, "item": {"type": "message", "content": [{"type": "output_text", "text": "abcd", "annotations": [annotation]}]}}),
        );
        assert!(again.is_empty());
    }

    #[test]
    fn calls_only_in_completed_output_are_sent() {
        let mut d = ResponsesDecoder::default();
        let out = feed(
            &mut d,
            json!({"type": "response.completed", "response": {"output": [{"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{\"a\":1}"}]}}),
        );
        assert_eq!(
            out,
            vec![
                ModelEvent::ToolCall {
                    call_id: "c1".into(),
                    name: "f".into(),
                    arguments: "{\"a\":1}".into()
                },
                ModelEvent::Completed {
                    usage: Usage {
                        requests: 1,
                        ..Usage::default()
                    }
                }
            ]
        );
        assert!(d.is_done());
    }
}
