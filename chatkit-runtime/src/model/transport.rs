//! The HTTP side shared by the OpenAI-style models: one client per model,
//! retries with backoff, timeouts, server-sent events and error mapping.
//!
//! Nothing here logs, and every error that leaves this module has the API key
//! scrubbed from its text.

use std::collections::VecDeque;
use std::error::Error as StdError;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt as _;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use http::{Request, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use serde_json::Value;
use tokio::time::{Instant, sleep, timeout_at};

use super::{ModelError, ModelErrorKind, ModelEvent, ModelStream};

/// The default time allowed for connecting and receiving the first byte.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// The default time allowed between two chunks of a streamed response.
pub(crate) const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// The most bytes of an error body read.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// The longest SSE line accepted.
const MAX_LINE: usize = 16 * 1024 * 1024;

/// When and how often a model call is retried.
///
/// Only failures before the first streamed event are retried, and only
/// retryable ones ([`ModelError::is_retryable`]): rate limits, 5xx answers,
/// connection failures and timeouts. Between attempts the model waits
/// `base_delay × 2ⁿ` (capped at `max_delay`), with jitter, or what the
/// provider's `Retry-After` asks for. A `Retry-After` longer than
/// `max_retry_after` ends the retries at once.
///
/// ```no_run
/// use std::time::Duration;
/// use chatkit_runtime::model::{OpenAiResponsesModel, RetryPolicy};
///
/// let model = OpenAiResponsesModel::new("sk-...", "gpt-4.1-mini").retry_policy(
///     RetryPolicy::new(5)
///         .base_delay(Duration::from_millis(250))
///         .max_retry_after(Duration::from_secs(10)),
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, 500 ms base delay, 8 s longest backoff, 30 s longest
    /// `Retry-After`.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// At most `max_attempts` attempts (at least 1), other settings as
    /// [`Default`].
    pub fn new(max_attempts: u32) -> Self {
        Self {
            max_attempts: max_attempts.max(1),
            ..Self::default()
        }
    }

    /// One attempt, no retry.
    pub fn none() -> Self {
        Self::new(1)
    }

    /// The delay before the first retry; later ones double it.
    #[must_use]
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff delay.
    #[must_use]
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` honored; a longer one ends the retries.
    #[must_use]
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// The most attempts, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff before attempt `attempt + 1` (`attempt` ≥ 1), jittered to
    /// between half and all of the exponential delay.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << (attempt - 1).min(20))
            .min(self.max_delay);
        exp.mul_f64(0.5 + 0.5 * jitter())
    }
}

/// A number in `[0, 1)`, different on each call.
fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// An API key: never printed.
#[derive(Clone)]
pub(crate) struct ApiKey(Arc<str>);

impl ApiKey {
    pub(crate) fn new(key: impl Into<String>) -> Option<Self> {
        let key = key.into();
        let key = key.trim();
        (!key.is_empty()).then(|| Self(Arc::from(key)))
    }

    /// Whether the key can be sent in an HTTP header.
    pub(crate) fn is_valid_header(&self) -> bool {
        HeaderValue::from_str(&format!("Bearer {}", self.0)).is_ok()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

/// Scrubs secrets (the API key, extra header values) from error text.
#[derive(Clone, Default)]
struct Redactor(Arc<[String]>);

impl Redactor {
    fn text(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in self.0.iter().filter(|s| s.len() >= 4) {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "[redacted]");
            }
        }
        text
    }

    fn error(&self, error: ModelError) -> ModelError {
        if self
            .0
            .iter()
            .any(|s| s.len() >= 4 && error.message().contains(s.as_str()))
        {
            ModelError::new(error.kind(), self.text(error.message()))
        } else {
            error
        }
    }
}

type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

fn build_client() -> Result<HttpClient, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_timer(TokioTimer::new())
        .build(https))
}

/// The connection settings every HTTP model has, as builder methods on a
/// type with a `transport: Transport` field: one definition, one set of docs.
macro_rules! transport_options {
    () => {
        /// The time allowed to connect and receive the first byte of the answer
        /// (default 120 s). A timeout before the first event is retried.
        #[must_use]
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.transport.timeout = timeout;
            self
        }

        /// The longest silence allowed while the answer streams (default 300 s).
        #[must_use]
        pub fn idle_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.transport.idle_timeout = timeout;
            self
        }

        /// When to retry (default: [`RetryPolicy::default`](crate::model::RetryPolicy::default)).
        #[must_use]
        pub fn retry_policy(mut self, policy: crate::model::RetryPolicy) -> Self {
            self.transport.retry = policy;
            self
        }

        /// A header sent with every request (`OpenAI-Organization`, say). Its
        /// value is never printed; an invalid name or value is ignored.
        #[must_use]
        pub fn header(mut self, name: &str, value: &str) -> Self {
            self.transport.set_header(name, value);
            self
        }
    };
}
pub(crate) use transport_options;

/// Where and how a model's requests go.
#[derive(Clone)]
pub(crate) struct Transport {
    pub(crate) base_url: String,
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    client: Arc<OnceLock<Result<HttpClient, String>>>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("retry", &self.retry)
            .finish()
    }
}

/// How a provider's stream is turned into model events.
pub(crate) trait Decoder: Send + 'static {
    /// Handles one server-sent event, pushing model events to `out`.
    fn feed(&mut self, event: &SseEvent, out: &mut Vec<ModelEvent>) -> Result<(), ModelError>;

    /// The stream ended cleanly.
    fn finish(&mut self, out: &mut Vec<ModelEvent>) -> Result<(), ModelError>;

    /// Whether the response is complete (the rest of the body is ignored).
    fn is_done(&self) -> bool;

    /// The server answered with a JSON document instead of a stream.
    fn whole(&mut self, body: &[u8], out: &mut Vec<ModelEvent>) -> Result<(), ModelError> {
        let _ = (body, out);
        Err(ModelError::new(
            ModelErrorKind::Protocol,
            "the provider answered with JSON instead of an event stream",
        ))
    }
}

impl Transport {
    pub(crate) fn new(base_url: impl Into<String>, api_key: Option<ApiKey>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key,
            headers: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            retry: RetryPolicy::default(),
            client: Arc::new(OnceLock::new()),
        }
    }

    /// Sets a header sent with every request; an invalid one is ignored.
    pub(crate) fn set_header(&mut self, name: &str, value: &str) {
        if let (Ok(name), Ok(mut value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            value.set_sensitive(true);
            self.headers.retain(|(n, _)| n != name);
            self.headers.push((name, value));
        }
    }

    fn redactor(&self) -> Redactor {
        let key = self.api_key.as_ref().map(|k| k.0.to_string());
        let headers = self
            .headers
            .iter()
            .filter_map(|(_, v)| v.to_str().ok().map(str::to_owned));
        Redactor(key.into_iter().chain(headers).collect())
    }

    /// `base_url` + `/` + `path`, without double slashes.
    pub(crate) fn url(&self, path: &str) -> Result<Uri, ModelError> {
        let base = self.base_url.trim().trim_end_matches('/');
        let base = base.strip_suffix(&format!("/{path}")).unwrap_or(base);
        let url = format!("{base}/{path}");
        let uri: Uri = url.parse().map_err(|_| {
            ModelError::new(
                ModelErrorKind::Rejected,
                format!("invalid base URL `{}`", self.redactor().text(base)),
            )
        })?;
        match uri.scheme_str() {
            Some("http" | "https") if uri.host().is_some() => Ok(uri),
            _ => Err(ModelError::new(
                ModelErrorKind::Rejected,
                format!(
                    "invalid base URL `{}`: expected an http:// or https:// URL",
                    self.redactor().text(base)
                ),
            )),
        }
    }

    fn client(&self) -> Result<&HttpClient, ModelError> {
        self.client
            .get_or_init(build_client)
            .as_ref()
            .map_err(|e| ModelError::new(ModelErrorKind::Unavailable, e.clone()))
    }

    /// Posts `body` to `path` and returns the stream of model events, once
    /// the first one has arrived. Failures before that are retried per the
    /// retry policy.
    pub(crate) async fn open<D: Decoder>(
        &self,
        path: &str,
        body: &Value,
        mut new_decoder: impl FnMut() -> D,
    ) -> Result<ModelStream, ModelError> {
        let redactor = self.redactor();
        let result = async {
            let uri = self.url(path)?;
            let client = self.client()?;
            let body = Bytes::from(serde_json::to_vec(body).map_err(|e| {
                ModelError::new(ModelErrorKind::Protocol, format!("bad request body: {e}"))
            })?);
            let host = uri.host().unwrap_or_default().to_owned();
            let mut attempt = 0;
            loop {
                attempt += 1;
                let (error, retry_after) = match self
                    .attempt(client, &uri, &host, body.clone(), new_decoder())
                    .await
                {
                    Ok(stream) => return Ok(stream),
                    Err(failure) => failure,
                };
                if !error.is_retryable() || attempt >= self.retry.max_attempts {
                    return Err(if attempt > 1 {
                        ModelError::new(
                            error.kind(),
                            format!("{} (gave up after {attempt} attempts)", error.message()),
                        )
                    } else {
                        error
                    });
                }
                let delay = match retry_after {
                    Some(wait) if wait > self.retry.max_retry_after => {
                        return Err(ModelError::new(
                            error.kind(),
                            format!(
                                "{} (the provider asks to retry after {} s, more than the {} s allowed)",
                                error.message(),
                                wait.as_secs_f64().ceil(),
                                self.retry.max_retry_after.as_secs_f64()
                            ),
                        ));
                    }
                    Some(wait) => wait,
                    None => self.retry.backoff(attempt),
                };
                sleep(delay).await;
            }
        }
        .await;
        result.map_err(|e| redactor.error(e))
    }

    /// One attempt: the stream on success, or the error and how long the
    /// provider asked to wait.
    async fn attempt<D: Decoder>(
        &self,
        client: &HttpClient,
        uri: &Uri,
        host: &str,
        body: Bytes,
        decoder: D,
    ) -> Result<ModelStream, (ModelError, Option<Duration>)> {
        let deadline = Instant::now() + self.timeout;
        let mut builder = Request::post(uri.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "text/event-stream");
        let custom_auth = self.headers.iter().any(|(n, _)| n == AUTHORIZATION);
        if let Some(key) = self.api_key.as_ref().filter(|_| !custom_auth) {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", key.0)).map_err(|_| {
                (
                    ModelError::new(
                        ModelErrorKind::Rejected,
                        "the API key has characters not allowed in an HTTP header",
                    ),
                    None,
                )
            })?;
            value.set_sensitive(true);
            builder = builder.header(AUTHORIZATION, value);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let request = builder.body(Full::new(body)).map_err(|e| {
            (
                ModelError::new(ModelErrorKind::Rejected, format!("bad request: {e}")),
                None,
            )
        })?;
        let response = match timeout_at(deadline, client.request(request)).await {
            Err(_) => {
                return Err((
                    ModelError::new(
                        ModelErrorKind::Timeout,
                        format!("{host} did not answer within {:?}", self.timeout),
                    ),
                    None,
                ));
            }
            Ok(Err(e)) => {
                return Err((
                    ModelError::new(
                        ModelErrorKind::Unavailable,
                        format!("request to {host} failed: {}", error_chain(&e)),
                    ),
                    None,
                ));
            }
            Ok(Ok(response)) => response,
        };
        let (parts, body) = response.into_parts();
        if !parts.status.is_success() {
            let text = read_limited(body, deadline).await;
            return Err(http_error(host, parts.status, &parts.headers, &text));
        }
        let is_json = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("json") && !v.contains("event-stream"));
        let mut driver = Driver {
            body,
            sse: SseParser::default(),
            decoder,
            pending: VecDeque::new(),
            first_deadline: Some(deadline),
            idle_timeout: self.idle_timeout,
            finished: false,
            whole: is_json.then(Vec::new),
            host: host.to_owned(),
            redactor: self.redactor(),
        };
        match driver.next().await {
            Some(Ok(first)) => {
                let rest = futures::stream::unfold(driver, |mut driver| async move {
                    driver.next().await.map(|item| (item, driver))
                });
                Ok(futures::stream::once(async { Ok(first) })
                    .chain(rest)
                    .boxed())
            }
            Some(Err(error)) => Err((error, None)),
            None => Err((
                ModelError::new(
                    ModelErrorKind::Protocol,
                    format!("{host} sent an empty response"),
                ),
                None,
            )),
        }
    }
}

/// The error's text and its sources', `: `-separated.
fn error_chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

async fn read_limited(mut body: Incoming, deadline: Instant) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < MAX_ERROR_BODY {
        match timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    out.extend_from_slice(&data);
                }
            }
            _ => break,
        }
    }
    out.truncate(MAX_ERROR_BODY);
    out
}

/// The model error for an HTTP error answer, and its `Retry-After`.
fn http_error(
    host: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> (ModelError, Option<Duration>) {
    let detail = error_detail(body);
    let code = detail.code.as_deref().unwrap_or_default();
    let kind = match status.as_u16() {
        429 if code == "insufficient_quota" => ModelErrorKind::Rejected,
        429 => ModelErrorKind::RateLimited,
        408 => ModelErrorKind::Timeout,
        500..=599 => ModelErrorKind::Unavailable,
        _ => ModelErrorKind::Rejected,
    };
    let mut message = format!("{host} answered HTTP {status}");
    if let Some(text) = detail.message {
        message.push_str(": ");
        message.push_str(&text);
    }
    if status == StatusCode::NOT_FOUND && detail.code.is_none() {
        message.push_str(" (check the base URL and the model name)");
    }
    (ModelError::new(kind, message), retry_after(headers))
}

/// How long the provider asks to wait: `retry-after-ms`, or `Retry-After` in
/// seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = get("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or_default())
}

/// What a provider said about an error.
#[derive(Debug, Default)]
pub(crate) struct ErrorDetail {
    pub(crate) message: Option<String>,
    pub(crate) code: Option<String>,
}

/// The message and code of an error body: OpenAI's `{"error": {...}}`,
/// Gemini's `[{"error": {...}}]`, FastAPI's `{"detail": ...}`, or the text.
pub(crate) fn error_detail(body: &[u8]) -> ErrorDetail {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => error_detail_json(&value),
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            ErrorDetail {
                message: (!text.is_empty()).then(|| truncate(text, 500)),
                code: None,
            }
        }
    }
}

/// [`error_detail`] of a parsed JSON value.
pub(crate) fn error_detail_json(value: &Value) -> ErrorDetail {
    let value = match value {
        Value::Array(items) => items.first().unwrap_or(value),
        _ => value,
    };
    let error = value.get("error").unwrap_or(value);
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    };
    let message = match error {
        Value::String(s) => Some(s.clone()),
        _ => error
            .get("message")
            .or_else(|| value.get("message"))
            .or_else(|| value.get("detail"))
            .and_then(text),
    };
    let code = error
        .get("code")
        .and_then(text)
        .or_else(|| error.get("type").and_then(text))
        .or_else(|| error.get("status").and_then(text));
    ErrorDetail {
        message: message.map(|m| truncate(&m, 1000)),
        code,
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// The kind of an error a provider reported inside a stream, from its code.
pub(crate) fn stream_error_kind(code: Option<&str>) -> ModelErrorKind {
    let Some(code) = code else {
        return ModelErrorKind::Unavailable;
    };
    let code = code.to_ascii_lowercase();
    if code == "insufficient_quota" {
        ModelErrorKind::Rejected
    } else if code.contains("rate_limit") || code == "429" || code.contains("resource_exhausted") {
        ModelErrorKind::RateLimited
    } else if code.contains("timeout") || code == "408" || code.contains("deadline") {
        ModelErrorKind::Timeout
    } else if code.contains("server_error")
        || code.contains("internal")
        || code.contains("unavailable")
        || code.contains("overloaded")
        || code.starts_with('5')
    {
        ModelErrorKind::Unavailable
    } else {
        ModelErrorKind::Rejected
    }
}

/// Reads the body, decoding events, after the response head arrived.
struct Driver<D> {
    body: Incoming,
    sse: SseParser,
    decoder: D,
    pending: VecDeque<Result<ModelEvent, ModelError>>,
    /// The deadline of the first chunk (connect + first byte).
    first_deadline: Option<Instant>,
    idle_timeout: Duration,
    finished: bool,
    /// The body so far, when it is a JSON document rather than a stream.
    whole: Option<Vec<u8>>,
    host: String,
    redactor: Redactor,
}

impl<D: Decoder> Driver<D> {
    async fn next(&mut self) -> Option<Result<ModelEvent, ModelError>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                if item.is_err() {
                    self.pending.clear();
                    self.finished = true;
                }
                return Some(item.map_err(|e| self.redactor.error(e)));
            }
            if self.finished {
                return None;
            }
            let (deadline, waited) = match self.first_deadline.take() {
                Some(deadline) => (deadline, None),
                None => (Instant::now() + self.idle_timeout, Some(self.idle_timeout)),
            };
            let mut out = Vec::new();
            let result = match timeout_at(deadline, self.body.frame()).await {
                Err(_) => Err(ModelError::new(
                    ModelErrorKind::Timeout,
                    match waited {
                        Some(idle) => format!("{} sent nothing for {idle:?}", self.host),
                        None => format!("{} did not start its answer in time", self.host),
                    },
                )),
                Ok(Some(Err(e))) => Err(ModelError::new(
                    ModelErrorKind::Unavailable,
                    format!(
                        "the connection to {} failed mid-answer: {}",
                        self.host,
                        error_chain(&e)
                    ),
                )),
                Ok(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => self.chunk(&data, &mut out),
                    Err(_) => Ok(()),
                },
                Ok(None) => {
                    self.finished = true;
                    self.end(&mut out)
                }
            };
            self.pending.extend(out.into_iter().map(Ok));
            if let Err(error) = result {
                self.pending.push_back(Err(error));
            }
            if self.decoder.is_done() {
                self.finished = true;
            }
        }
    }

    fn chunk(&mut self, data: &[u8], out: &mut Vec<ModelEvent>) -> Result<(), ModelError> {
        if let Some(whole) = &mut self.whole {
            whole.extend_from_slice(data);
            return Ok(());
        }
        for event in self.sse.push(data)? {
            self.decoder.feed(&event, out)?;
            if self.decoder.is_done() {
                break;
            }
        }
        Ok(())
    }

    fn end(&mut self, out: &mut Vec<ModelEvent>) -> Result<(), ModelError> {
        if let Some(whole) = self.whole.take() {
            return self.decoder.whole(&whole, out);
        }
        for event in self.sse.finish() {
            if self.decoder.is_done() {
                return Ok(());
            }
            self.decoder.feed(&event, out)?;
        }
        if self.decoder.is_done() {
            Ok(())
        } else {
            self.decoder.finish(out)
        }
    }
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The `event:` field, if any.
    pub(crate) event: Option<String>,
    /// The `data:` lines, joined by newlines.
    pub(crate) data: String,
}

/// An incremental parser of `text/event-stream` bodies.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    buf: Vec<u8>,
    event: Option<String>,
    data: String,
    has_data: bool,
}

impl SseParser {
    /// Feeds bytes; returns the events they complete.
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, ModelError> {
        self.buf.extend_from_slice(chunk);
        let mut events = Vec::new();
        let mut start = 0;
        while let Some(pos) = self.buf[start..].iter().position(|b| *b == b'\n') {
            let end = start + pos;
            let line = self.buf[start..end].to_vec();
            start = end + 1;
            self.line(&line, &mut events);
        }
        self.buf.drain(..start);
        if self.buf.len() > MAX_LINE {
            return Err(ModelError::new(
                ModelErrorKind::Protocol,
                "an event-stream line is too long",
            ));
        }
        Ok(events)
    }

    /// The end of the body: the last event, even without a blank line.
    pub(crate) fn finish(&mut self) -> Vec<SseEvent> {
        let mut events = Vec::new();
        if !self.buf.is_empty() {
            let line = std::mem::take(&mut self.buf);
            self.line(&line, &mut events);
        }
        self.dispatch(&mut events);
        events
    }

    fn line(&mut self, line: &[u8], events: &mut Vec<SseEvent>) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            self.dispatch(events);
            return;
        }
        if line.starts_with(b":") {
            return;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (&*line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_owned()),
            _ => {}
        }
    }

    fn dispatch(&mut self, events: &mut Vec<SseEvent>) {
        if self.has_data {
            events.push(SseEvent {
                event: self.event.take(),
                data: std::mem::take(&mut self.data),
            });
        }
        self.event = None;
        self.has_data = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_lines_split_anywhere() {
        let text =
            "event: a\r\ndata: {\"x\":\"é\"}\r\n\r\n: comment\ndata: 1\ndata: 2\n\ndata: [DONE]";
        let bytes = text.as_bytes();
        for split in 0..bytes.len() {
            let mut parser = SseParser::default();
            let mut events = parser.push(&bytes[..split]).expect("push");
            events.extend(parser.push(&bytes[split..]).expect("push"));
            events.extend(parser.finish());
            assert_eq!(
                events,
                vec![
                    SseEvent {
                        event: Some("a".into()),
                        data: "{\"x\":\"é\"}".into()
                    },
                    SseEvent {
                        event: None,
                        data: "1\n2".into()
                    },
                    SseEvent {
                        event: None,
                        data: "[DONE]".into()
                    },
                ],
                "split at {split}"
            );
        }
    }

    #[test]
    fn retry_after_forms() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert("retry-after-ms", HeaderValue::from_static("150"));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(150)));
        let mut headers = HeaderMap::new();
        headers.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::new(10)
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(1000));
        for attempt in 1..10 {
            let full = (100u64 << (attempt - 1)).min(1000);
            let delay = policy.backoff(attempt).as_millis() as u64;
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay}");
        }
    }

    #[test]
    fn error_details() {
        let openai = br#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#;
        let d = error_detail(openai);
        assert_eq!(d.message.as_deref(), Some("Rate limit reached"));
        assert_eq!(d.code.as_deref(), Some("rate_limit_exceeded"));
        let gemini = br#"[{"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}}]"#;
        let d = error_detail(gemini);
        assert_eq!(d.message.as_deref(), Some("bad"));
        assert_eq!(d.code.as_deref(), Some("400"));
        let d = error_detail(b"  upstream down ");
        assert_eq!(d.message.as_deref(), Some("upstream down"));
    }

    #[test]
    fn redaction() {
        let r = Redactor(Arc::from(["sk-secret-1234".to_owned()]));
        let e = r.error(ModelError::new(
            ModelErrorKind::Rejected,
            "bad key sk-secret-1234!",
        ));
        assert_eq!(e.message(), "bad key [redacted]!");
        assert_eq!(
            format!("{:?}", ApiKey::new("sk-secret-1234")),
            "Some(\"[redacted]\")"
        );
    }

    #[test]
    fn urls() {
        let t = Transport::new("https://example.com/v1beta/openai/", None);
        assert_eq!(
            t.url("chat/completions").expect("url").to_string(),
            "https://example.com/v1beta/openai/chat/completions"
        );
        let t = Transport::new("http://localhost:8000/v1/chat/completions", None);
        assert_eq!(
            t.url("chat/completions").expect("url").to_string(),
            "http://localhost:8000/v1/chat/completions"
        );
        assert!(Transport::new("localhost:8000", None).url("x").is_err());
    }
}
