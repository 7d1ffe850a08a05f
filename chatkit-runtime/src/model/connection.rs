//! What the OpenAI-style models share on top of async-openai: where requests
//! go, retries with backoff and a capped `Retry-After`, timeouts, error
//! mapping, and the turn of a stream of JSON events into model events.
//!
//! async-openai sends the requests and frames the server-sent events (its
//! `*_byot` methods hand us each event's JSON as a [`Value`], so the lenient
//! reading stays ours). Requests go through [`ProviderService`], which keeps
//! the status, `Retry-After` and body of an HTTP error for the mapping here
//! and turns a plain JSON answer into one event; the retries are this
//! module's, not async-openai's, because they also cover failures after the
//! response head and before the first event.
//!
//! Nothing here logs, and every error that leaves this module has the API key
//! and the extra header values scrubbed from its text.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_openai::config::Config;
use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use async_openai::traits::RequestOptionsBuilder as _;
use async_trait::async_trait;
use futures::StreamExt as _;
use futures::stream::BoxStream;
use http::StatusCode;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::Value;
use tokio::time::{Instant, sleep, timeout_at};

use super::{ModelError, ModelErrorKind, ModelEvent, ModelStream};
use crate::outbound::{self, error_chain};

/// The default time allowed for connecting and receiving the first event.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// The default time allowed between two events of a streamed response.
pub(crate) const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// The most bytes of an error body read.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// The largest plain JSON answer read (a server that does not stream).
const MAX_JSON_BODY: usize = 16 * 1024 * 1024;

/// When and how often a model call is retried.
///
/// Only failures before the first streamed event are retried, and only
/// retryable ones ([`ModelError::is_retryable`]): rate limits, 5xx answers,
/// connection failures and timeouts. Between attempts the model waits
/// `base_delay × 2ⁿ` (capped at `max_delay`), with jitter, or what the
/// provider's `Retry-After` (or `retry-after-ms`) asks for. A `Retry-After`
/// longer than `max_retry_after` ends the retries at once.
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
            .saturating_mul(1u32 << (attempt.saturating_sub(1)).min(20))
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
pub(crate) struct ApiKey(SecretString);

impl ApiKey {
    pub(crate) fn new(key: impl Into<String>) -> Option<Self> {
        let key = key.into();
        let key = key.trim();
        (!key.is_empty()).then(|| Self(SecretString::from(key)))
    }

    /// Whether the key can be sent in an HTTP header.
    pub(crate) fn is_valid_header(&self) -> bool {
        valid_key(self.0.expose_secret())
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

fn valid_key(key: &str) -> bool {
    HeaderValue::from_str(&format!("Bearer {key}")).is_ok()
}

/// Scrubs secrets (the API key, extra header values) from error text.
#[derive(Clone, Default)]
struct Redactor(Arc<[String]>);

impl Redactor {
    fn text(&self, text: &str) -> String {
        let mut text = text.to_owned();
        // Short values would scrub ordinary words; keys are never this short.
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

/// Which API a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// `POST /responses`.
    Responses,
    /// `POST /chat/completions`.
    ChatCompletions,
}

impl Api {
    fn path(self) -> &'static str {
        match self {
            Self::Responses => "/responses",
            Self::ChatCompletions => "/chat/completions",
        }
    }
}

/// The configuration of the models' own constructors (`new`, `gemini`,
/// `compatible`): a base URL and an optional key.
///
/// Not async-openai's `OpenAIConfig`, on purpose: that one reads
/// `OPENAI_API_KEY` and `OPENAI_BASE_URL` from the environment as defaults
/// (so a key for OpenAI would go to any compatible server), always sends an
/// `Authorization` header, and panics on a key that is not a valid header.
#[derive(Clone)]
pub(crate) struct ProviderConfig {
    base_url: String,
    api_key: Option<ApiKey>,
    /// What [`Config::api_key`] returns without a key.
    no_key: SecretString,
}

impl ProviderConfig {
    pub(crate) fn new(base_url: impl Into<String>, api_key: Option<ApiKey>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key,
            no_key: SecretString::default(),
        }
    }
}

impl Config for ProviderConfig {
    fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        // An invalid key is refused before any request (`Connection::endpoint`).
        if let Some(key) = &self.api_key
            && let Ok(mut value) =
                HeaderValue::from_str(&format!("Bearer {}", key.0.expose_secret()))
        {
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        headers
    }

    fn url(&self, path: &str) -> String {
        join_url(&self.base_url, path)
    }

    fn query(&self) -> Vec<(&str, &str)> {
        Vec::new()
    }

    fn api_base(&self) -> &str {
        &self.base_url
    }

    fn api_key(&self) -> &SecretString {
        self.api_key.as_ref().map_or(&self.no_key, |key| &key.0)
    }
}

/// `base` + `path` without a double slash; a base that already ends with
/// the path (`http://host/v1/chat/completions`) is taken as the endpoint.
fn join_url(base: &str, path: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    let base = base.strip_suffix(path).unwrap_or(base);
    format!("{base}{path}")
}

/// An async-openai client for `config` whose requests go through `http`
/// with this crate's handling: an HTTP error keeps its status, `Retry-After`
/// and body (so errors say what the provider said, and rate limits wait as
/// long as it asks), a server that answers with one JSON document instead of
/// a stream is understood, and nothing is retried below the model, whose
/// [`RetryPolicy`] decides alone.
///
/// For [`OpenAiResponsesModel::from_client`](super::OpenAiResponsesModel::from_client)
/// and [`ChatCompletionsModel::from_client`](super::ChatCompletionsModel::from_client),
/// when the client needs settings of its own (a proxy, say):
///
/// ```no_run
/// use async_openai::config::AzureConfig;
/// use chatkit_runtime::model::{ChatCompletionsModel, openai_client};
/// use chatkit_runtime::outbound;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let http = outbound::builder()
///     .proxy(reqwest::Proxy::https("http://proxy.internal:3128")?)
///     .build()?;
/// let config = AzureConfig::new()
///     .with_api_base("https://my-resource.openai.azure.com")
///     .with_api_key(std::env::var("AZURE_OPENAI_API_KEY")?)
///     .with_deployment_id("gpt-4o-mini")
///     .with_api_version("2024-10-21");
/// let model = ChatCompletionsModel::from_client(openai_client(http, config), "gpt-4o-mini");
/// # Ok(())
/// # }
/// ```
pub fn openai_client<C: Config>(http: reqwest::Client, config: C) -> async_openai::Client<C> {
    async_openai::Client::build(http.clone(), config).with_http_service(ProviderService { http })
}

/// The HTTP service under [`openai_client`]: one request, no retry; an
/// HTTP error becomes an [`HttpFailure`], a JSON answer one SSE event.
#[derive(Clone)]
struct ProviderService {
    http: reqwest::Client,
}

/// An HTTP error answer, as [`ProviderService`] keeps it.
#[derive(Debug)]
struct HttpFailure {
    status: StatusCode,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

impl fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)
    }
}

impl std::error::Error for HttpFailure {}

/// An answer that cannot be read at all.
#[derive(Debug)]
struct Unreadable(String);

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unreadable {}

type ServiceFuture = Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for ProviderService {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = ServiceFuture;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let http = self.http.clone();
        Box::pin(async move {
            let request = factory.build().await?;
            let response = http.execute(request).await?;
            let status = response.status();
            if !status.is_success() {
                let retry_after = retry_after(response.headers());
                let body = read_limited(response, MAX_ERROR_BODY).await;
                return Err(OpenAIError::Boxed(Box::new(HttpFailure {
                    status,
                    retry_after,
                    body,
                })));
            }
            let is_json = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("json") && !v.contains("event-stream"));
            if !is_json {
                return Ok(response);
            }
            // A server that ignored `stream: true`: its document becomes the
            // one event of a stream, which the decoders read like a chunk.
            let body = read_limited(response, MAX_JSON_BODY + 1).await;
            if body.len() > MAX_JSON_BODY {
                return Err(unreadable("the provider's JSON answer is too large"));
            }
            let value: Value = serde_json::from_slice(&body).map_err(|err| {
                unreadable(format!("the provider's JSON answer is unreadable ({err})"))
            })?;
            // Compact JSON has no line break, so it fits one `data:` line.
            let event = format!("data: {value}\n\n");
            http::Response::builder()
                .status(status)
                .header(CONTENT_TYPE, "text/event-stream")
                .body(reqwest::Body::from(event))
                .map(reqwest::Response::from)
                .map_err(|err| unreadable(err.to_string()))
        })
    }
}

fn unreadable(message: impl Into<String>) -> OpenAIError {
    OpenAIError::Boxed(Box::new(Unreadable(message.into())))
}

/// Up to `limit` bytes of the body; what arrives before an error.
async fn read_limited(mut response: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    while out.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => out.extend_from_slice(&chunk),
            _ => break,
        }
    }
    out.truncate(limit);
    out
}

/// Where a model's requests go, with the generic config type erased.
#[async_trait]
trait Endpoint: Send + Sync {
    async fn open(
        &self,
        api: Api,
        body: &Value,
        headers: &HeaderMap,
    ) -> Result<BoxStream<'static, Result<Value, OpenAIError>>, OpenAIError>;
}

#[async_trait]
impl<C: Config + 'static> Endpoint for async_openai::Client<C> {
    async fn open(
        &self,
        api: Api,
        body: &Value,
        headers: &HeaderMap,
    ) -> Result<BoxStream<'static, Result<Value, OpenAIError>>, OpenAIError> {
        // `byot`: the body is ours (with `stream: true`) and each event's
        // JSON comes back as it is, for the lenient decoders.
        match api {
            Api::Responses => {
                self.responses()
                    .headers(headers.clone())
                    .create_stream_byot(body)
                    .await
            }
            Api::ChatCompletions => {
                self.chat()
                    .headers(headers.clone())
                    .create_stream_byot(body)
                    .await
            }
        }
    }
}

/// What a model was made from.
#[derive(Clone)]
enum Backend {
    /// The model's own constructors; the client is made per call, with the
    /// model's HTTP client.
    Own(ProviderConfig),
    /// `from_config`: a caller's async-openai config, likewise.
    Config {
        make: Arc<dyn Fn(reqwest::Client) -> Arc<dyn Endpoint> + Send + Sync>,
        info: Foreign,
    },
    /// `from_client`: a caller's client, used as it is.
    Client {
        endpoint: Arc<dyn Endpoint>,
        info: Foreign,
    },
}

/// What is known of a caller's config.
#[derive(Clone)]
struct Foreign {
    api_base: String,
    /// Its key and header values, to scrub from errors.
    secrets: Vec<String>,
    /// Why it cannot be used, found before any request.
    problem: Option<ModelError>,
}

impl Foreign {
    fn of(config: &dyn Config) -> Self {
        let key = config.api_key().expose_secret().to_owned();
        let mut secrets = vec![key.clone()];
        let mut problem = None;
        // async-openai's configs panic building their headers from a key
        // that is not a valid header value: look before they do.
        if valid_key(&key) {
            secrets.extend(
                config
                    .headers()
                    .values()
                    .filter_map(|v| v.to_str().ok())
                    .map(str::to_owned),
            );
        } else {
            problem = Some(ModelError::new(
                ModelErrorKind::Rejected,
                "the API key has characters not allowed in an HTTP header",
            ));
        }
        Self {
            api_base: config.api_base().to_owned(),
            secrets,
            problem,
        }
    }
}

/// Where and how a model's requests go: the HTTP settings every model has.
#[derive(Clone)]
pub(crate) struct Connection {
    backend: Backend,
    pub(crate) http: Option<reqwest::Client>,
    headers: HeaderMap,
    pub(crate) timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) retry: RetryPolicy,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let backend = match &self.backend {
            Backend::Own(_) => "own",
            Backend::Config { .. } => "async-openai config",
            Backend::Client { .. } => "async-openai client",
        };
        f.debug_struct("Connection")
            .field("base_url", &self.redactor().text(self.api_base()))
            .field("backend", &backend)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// The connection settings every HTTP model has, as builder methods on a
/// type with a `connection: Connection` field: one definition, one set of docs.
macro_rules! connection_options {
    () => {
        /// The time allowed to connect and receive the first event of the
        /// answer (default 120 s). A timeout before the first event is retried.
        #[must_use]
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.connection.timeout = timeout;
            self
        }

        /// The longest silence allowed while the answer streams (default 300 s).
        #[must_use]
        pub fn idle_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.connection.idle_timeout = timeout;
            self
        }

        /// When to retry (default: [`RetryPolicy::default`](crate::model::RetryPolicy::default)).
        #[must_use]
        pub fn retry_policy(mut self, policy: crate::model::RetryPolicy) -> Self {
            self.connection.retry = policy;
            self
        }

        /// A header sent with every request (`OpenAI-Organization`, say); it
        /// replaces one of the same name, `Authorization` included. Its value
        /// is never printed; an invalid name or value is ignored.
        #[must_use]
        pub fn header(mut self, name: &str, value: &str) -> Self {
            self.connection.set_header(name, value);
            self
        }

        /// The HTTP client to send requests with, instead of the shared
        /// [`outbound::client`](crate::outbound::client): one with a proxy,
        /// say, made from [`outbound::builder`](crate::outbound::builder).
        /// A model made by `from_client` keeps its client's own.
        #[must_use]
        pub fn http_client(mut self, http: ::reqwest::Client) -> Self {
            self.connection.http = Some(http);
            self
        }
    };
}
pub(crate) use connection_options;

/// How a provider's stream of JSON events is turned into model events.
pub(crate) trait Decoder: Send + 'static {
    /// What one event is called in error messages.
    const EVENT: &'static str;

    /// Handles one event, pushing model events to `out`.
    fn feed(&mut self, event: &Value, out: &mut Vec<ModelEvent>) -> Result<(), ModelError>;

    /// The stream ended cleanly before [`is_done`](Self::is_done).
    fn finish(&mut self, out: &mut Vec<ModelEvent>) -> Result<(), ModelError>;

    /// Whether the response is complete (the rest of the stream is ignored).
    fn is_done(&self) -> bool;
}

impl Connection {
    /// Requests to `base_url` with `api_key` (none: no `Authorization`).
    pub(crate) fn new(base_url: impl Into<String>, api_key: Option<ApiKey>) -> Self {
        Self::with(Backend::Own(ProviderConfig::new(base_url, api_key)))
    }

    /// Requests made with a caller's async-openai config.
    pub(crate) fn from_config<C: Config + Clone + 'static>(config: C) -> Self {
        let info = Foreign::of(&config);
        Self::with(Backend::Config {
            make: Arc::new(move |http| Arc::new(openai_client(http, config.clone()))),
            info,
        })
    }

    /// Requests made by a caller's async-openai client, as it is.
    pub(crate) fn from_client<C: Config + 'static>(client: async_openai::Client<C>) -> Self {
        let info = Foreign::of(client.config());
        Self::with(Backend::Client {
            endpoint: Arc::new(client),
            info,
        })
    }

    fn with(backend: Backend) -> Self {
        Self {
            backend,
            http: None,
            headers: HeaderMap::new(),
            timeout: DEFAULT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            retry: RetryPolicy::default(),
        }
    }

    /// Another base URL for the model's own configuration; a caller's config
    /// or client keeps its own.
    pub(crate) fn set_base_url(&mut self, base_url: String) {
        if let Backend::Own(config) = &mut self.backend {
            config.base_url = base_url;
        }
    }

    /// Sets a header sent with every request; an invalid one is ignored.
    pub(crate) fn set_header(&mut self, name: &str, value: &str) {
        if let (Ok(name), Ok(mut value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            value.set_sensitive(true);
            self.headers.insert(name, value);
        }
    }

    fn api_base(&self) -> &str {
        match &self.backend {
            Backend::Own(config) => &config.base_url,
            Backend::Config { info, .. } | Backend::Client { info, .. } => &info.api_base,
        }
    }

    fn redactor(&self) -> Redactor {
        let mut secrets: Vec<String> = self
            .headers
            .values()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        match &self.backend {
            Backend::Own(config) => {
                if let Some(key) = &config.api_key {
                    secrets.push(key.0.expose_secret().to_owned());
                }
            }
            Backend::Config { info, .. } | Backend::Client { info, .. } => {
                secrets.extend(info.secrets.iter().cloned());
            }
        }
        Redactor(secrets.into())
    }

    /// The host requests go to, for messages.
    fn host(&self) -> String {
        reqwest::Url::parse(self.api_base().trim())
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_else(|| "the provider".to_owned())
    }

    /// The client for one call, or why there is none.
    fn endpoint(&self, api: Api) -> Result<Arc<dyn Endpoint>, ModelError> {
        match &self.backend {
            Backend::Own(config) => {
                check_url(&config.url(api.path()))?;
                if config
                    .api_key
                    .as_ref()
                    .is_some_and(|k| !k.is_valid_header())
                {
                    return Err(ModelError::new(
                        ModelErrorKind::Rejected,
                        "the API key has characters not allowed in an HTTP header",
                    ));
                }
                Ok(Arc::new(openai_client(self.http()?, config.clone())))
            }
            Backend::Config { make, info } => match &info.problem {
                Some(problem) => Err(problem.clone()),
                None => Ok(make(self.http()?)),
            },
            Backend::Client { endpoint, info } => match &info.problem {
                Some(problem) => Err(problem.clone()),
                None => Ok(Arc::clone(endpoint)),
            },
        }
    }

    fn http(&self) -> Result<reqwest::Client, ModelError> {
        match &self.http {
            Some(http) => Ok(http.clone()),
            None => outbound::client()
                .map_err(|err| ModelError::new(ModelErrorKind::Unavailable, err.to_string())),
        }
    }

    /// Posts `body` to `api` and returns the stream of model events, once
    /// the first one has arrived. Failures before that are retried per the
    /// retry policy.
    pub(crate) async fn open<D: Decoder>(
        &self,
        api: Api,
        body: &Value,
        mut new_decoder: impl FnMut() -> D,
    ) -> Result<ModelStream, ModelError> {
        let redactor = self.redactor();
        let result = async {
            let endpoint = self.endpoint(api)?;
            let host = self.host();
            let mut attempt = 0;
            loop {
                attempt += 1;
                let (error, retry_after) = match self
                    .attempt(endpoint.as_ref(), api, body, &host, &redactor, new_decoder())
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
        endpoint: &dyn Endpoint,
        api: Api,
        body: &Value,
        host: &str,
        redactor: &Redactor,
        decoder: D,
    ) -> Result<ModelStream, (ModelError, Option<Duration>)> {
        let deadline = Instant::now() + self.timeout;
        let stream = match timeout_at(deadline, endpoint.open(api, body, &self.headers)).await {
            Err(_) => {
                return Err((
                    ModelError::new(
                        ModelErrorKind::Timeout,
                        format!("{host} did not answer within {:?}", self.timeout),
                    ),
                    None,
                ));
            }
            Ok(Err(error)) => return Err(map_error(error, host)),
            Ok(Ok(stream)) => stream,
        };
        let mut driver = Driver {
            stream,
            decoder,
            pending: VecDeque::new(),
            first_deadline: Some(deadline),
            idle_timeout: self.idle_timeout,
            finished: false,
            host: host.to_owned(),
            redactor: redactor.clone(),
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

/// A base URL the HTTP client can use: `http://` or `https://` with a host.
fn check_url(url: &str) -> Result<(), ModelError> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => Ok(()),
        _ => Err(ModelError::new(
            ModelErrorKind::Rejected,
            format!("invalid base URL `{url}`: expected an http:// or https:// URL"),
        )),
    }
}

/// The model error for a failed request, and how long the provider asked
/// to wait.
fn map_error(error: OpenAIError, host: &str) -> (ModelError, Option<Duration>) {
    match error {
        OpenAIError::Boxed(boxed) => match boxed.downcast::<HttpFailure>() {
            Ok(failure) => http_error(host, failure.status, failure.retry_after, &failure.body),
            Err(other) => {
                let kind = if other.is::<Unreadable>() {
                    ModelErrorKind::Protocol
                } else {
                    ModelErrorKind::Unavailable
                };
                (ModelError::new(kind, error_chain(&*other)), None)
            }
        },
        OpenAIError::Reqwest(error) => {
            let kind = if error.is_builder() {
                ModelErrorKind::Rejected
            } else if error.is_timeout() {
                ModelErrorKind::Timeout
            } else {
                ModelErrorKind::Unavailable
            };
            let message = format!("request to {host} failed: {}", error_chain(&error));
            (ModelError::new(kind, message), None)
        }
        // From a caller's client with async-openai's own HTTP handling: the
        // status survives, the headers do not.
        OpenAIError::ApiError(response) => {
            let mut detail = error_detail(response.api_error.message.as_bytes());
            if detail.code.is_none() {
                detail.code = response
                    .api_error
                    .code
                    .clone()
                    .or_else(|| response.api_error.r#type.clone());
            }
            (status_error(host, response.status_code, detail), None)
        }
        // async-openai could not read an error body as OpenAI's: a 4xx.
        OpenAIError::JSONDeserialize(_, content) => {
            let detail = error_detail(content.as_bytes());
            let mut message = format!("{host} refused the request");
            if let Some(text) = detail.message {
                message.push_str(": ");
                message.push_str(&text);
            }
            (ModelError::new(ModelErrorKind::Rejected, message), None)
        }
        OpenAIError::StreamError(error) => (
            ModelError::new(
                ModelErrorKind::Unavailable,
                format!("the stream from {host} failed: {}", error_chain(&*error)),
            ),
            None,
        ),
        other => (
            ModelError::new(ModelErrorKind::Rejected, error_chain(&other)),
            None,
        ),
    }
}

/// The model error for an HTTP error answer, and its `Retry-After`.
fn http_error(
    host: &str,
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> (ModelError, Option<Duration>) {
    (status_error(host, status, error_detail(body)), retry_after)
}

fn status_error(host: &str, status: StatusCode, detail: ErrorDetail) -> ModelError {
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
    ModelError::new(kind, message)
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
    // Bounded, as `Duration::from_secs_f64` panics on huge values.
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && (0.0..1e12).contains(&ms)
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = get("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (0.0..1e9)
            .contains(&secs)
            .then(|| Duration::from_secs_f64(secs));
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
        Ok(value) if value.is_object() || value.is_array() => error_detail_json(&value),
        _ => {
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

/// A stream error reported by the provider: its code (mapped to a kind)
/// and message after `fallback`.
pub(crate) fn reported_error(error: Option<&Value>, fallback: &str) -> ModelError {
    let detail = error.map(error_detail_json).unwrap_or_default();
    let kind = stream_error_kind(detail.code.as_deref());
    let mut message = fallback.to_owned();
    if let Some(code) = &detail.code {
        message.push_str(&format!(" ({code})"));
    }
    if let Some(text) = detail.message {
        message.push_str(": ");
        message.push_str(&text);
    }
    ModelError::new(kind, message)
}

/// Reads the events, decoding them, after the response head arrived.
struct Driver<D> {
    stream: BoxStream<'static, Result<Value, OpenAIError>>,
    decoder: D,
    pending: VecDeque<Result<ModelEvent, ModelError>>,
    /// The deadline of the first event (connect + first event).
    first_deadline: Option<Instant>,
    idle_timeout: Duration,
    finished: bool,
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
            let result = match timeout_at(deadline, self.stream.next()).await {
                Err(_) => Err(ModelError::new(
                    ModelErrorKind::Timeout,
                    match waited {
                        Some(idle) => format!("{} sent nothing for {idle:?}", self.host),
                        None => format!("{} did not start its answer in time", self.host),
                    },
                )),
                Ok(Some(Ok(event))) => self.decoder.feed(&event, &mut out),
                // An event with an empty `data:` (a keep-alive of sorts).
                Ok(Some(Err(OpenAIError::JSONDeserialize(_, data)))) if data.trim().is_empty() => {
                    Ok(())
                }
                Ok(Some(Err(OpenAIError::JSONDeserialize(error, _)))) => Err(ModelError::new(
                    ModelErrorKind::Protocol,
                    format!("unreadable {} ({error})", D::EVENT),
                )),
                Ok(Some(Err(OpenAIError::StreamError(error)))) => Err(ModelError::new(
                    ModelErrorKind::Unavailable,
                    format!(
                        "the connection to {} failed mid-answer: {}",
                        self.host,
                        error_chain(&*error)
                    ),
                )),
                Ok(Some(Err(other))) => Err(map_error(other, &self.host).0),
                Ok(None) => {
                    self.finished = true;
                    if self.decoder.is_done() {
                        Ok(())
                    } else {
                        self.decoder.finish(&mut out)
                    }
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Absurd values are ignored rather than overflowing a Duration.
        headers.insert("retry-after", HeaderValue::from_static("1e300"));
        assert_eq!(retry_after(&headers), None);
        headers.insert("retry-after-ms", HeaderValue::from_static("1e300"));
        assert_eq!(retry_after(&headers), None);
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
        let at = |base: &str| ProviderConfig::new(base, None).url("/chat/completions");
        assert_eq!(
            at("https://example.com/v1beta/openai/"),
            "https://example.com/v1beta/openai/chat/completions"
        );
        assert_eq!(
            at("http://localhost:8000/v1/chat/completions"),
            "http://localhost:8000/v1/chat/completions"
        );
        assert!(check_url(&at("localhost:8000")).is_err());
        assert!(check_url(&at("http://localhost:8000/v1")).is_ok());
    }

    #[test]
    fn own_config_sends_a_key_only_when_there_is_one() {
        let none = ProviderConfig::new("http://x/v1", None);
        assert!(none.headers().get(AUTHORIZATION).is_none());
        assert_eq!(none.api_key().expose_secret(), "");
        let some = ProviderConfig::new("http://x/v1", ApiKey::new("sk-1"));
        assert_eq!(some.headers()[AUTHORIZATION], "Bearer sk-1");
        assert!(some.headers()[AUTHORIZATION].is_sensitive());
    }

    #[test]
    fn a_foreign_key_that_is_no_header_is_caught_before_async_openai_panics() {
        let config = async_openai::config::OpenAIConfig::new()
            .with_api_key("sk-bad\nkey")
            .with_api_base("http://x/v1");
        let info = Foreign::of(&config);
        assert_eq!(
            info.problem.map(|p| p.kind()),
            Some(ModelErrorKind::Rejected)
        );
    }
}
