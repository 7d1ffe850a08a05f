//! [`HttpConfig`]: limits, CORS, timeouts; from the environment or in code.

use std::fmt;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};

/// Reads a variable: `std::env::var` in production, a map in tests.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A configuration value that cannot be used. It names the variable and
/// what was expected; it never repeats a secret's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    var: String,
    message: String,
}

impl ConfigError {
    pub(crate) fn new(var: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            var: var.into(),
            message: message.into(),
        }
    }

    /// `var` holds `value`, which is not what was `expected`.
    pub(crate) fn invalid(var: &str, value: &str, expected: &str) -> Self {
        Self::new(var, format!("`{value}` is invalid: {expected}"))
    }

    /// The variable (or setting) at fault, such as `CORS_ORIGINS`.
    pub fn var(&self) -> &str {
        &self.var
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.var, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Which origins a browser may call the server from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// Any origin (`*`); never with credentials.
    Any,
    /// Exactly these origins, such as `https://app.example.com`.
    List(Vec<HeaderValue>),
}

/// Cross-origin access for browsers (`CORS_ORIGINS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsConfig {
    origins: CorsOrigins,
    credentials: bool,
    headers: Vec<HeaderName>,
    max_age: Duration,
}

impl CorsConfig {
    /// Browsers may call from these exact origins (`scheme://host[:port]`).
    ///
    /// # Errors
    /// An origin with a path, a query, no scheme, or `*` in a list.
    pub fn origins<I, T>(origins: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let mut list = Vec::new();
        for origin in origins {
            list.push(parse_origin(origin.as_ref())?);
        }
        if list.is_empty() {
            return Err(ConfigError::new("CORS_ORIGINS", "no origin given"));
        }
        Ok(Self::with(CorsOrigins::List(list)))
    }

    /// Browsers may call from any origin; credentials are never allowed then.
    pub fn any_origin() -> Self {
        Self::with(CorsOrigins::Any)
    }

    fn with(origins: CorsOrigins) -> Self {
        Self {
            origins,
            credentials: false,
            headers: Vec::new(),
            max_age: Duration::from_secs(600),
        }
    }

    /// Lets browsers send cookies (`Access-Control-Allow-Credentials`).
    /// Bearer tokens in `Authorization` do not need it.
    ///
    /// # Errors
    /// With [`any_origin`](Self::any_origin): a wildcard with credentials
    /// would let every site act as the signed-in user.
    pub fn allow_credentials(mut self, allow: bool) -> Result<Self, ConfigError> {
        if allow && self.origins == CorsOrigins::Any {
            return Err(ConfigError::new(
                "CORS_ALLOW_CREDENTIALS",
                "cannot be combined with CORS_ORIGINS=*; list the allowed origins",
            ));
        }
        self.credentials = allow;
        Ok(self)
    }

    /// More request headers browsers may send (`Authorization`,
    /// `Content-Type` and the authenticator's are always allowed).
    #[must_use]
    pub fn allow_headers(mut self, headers: impl IntoIterator<Item = HeaderName>) -> Self {
        self.headers.extend(headers);
        self
    }

    /// How long browsers may cache a preflight answer (10 minutes by default).
    #[must_use]
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// The allowed origins.
    pub fn allowed_origins(&self) -> &CorsOrigins {
        &self.origins
    }

    pub(crate) fn credentials(&self) -> bool {
        self.credentials
    }

    pub(crate) fn extra_headers(&self) -> &[HeaderName] {
        &self.headers
    }

    pub(crate) fn preflight_max_age(&self) -> Duration {
        self.max_age
    }
}

fn parse_origin(origin: &str) -> Result<HeaderValue, ConfigError> {
    let origin = origin.trim();
    let invalid = |why: &str| ConfigError::invalid("CORS_ORIGINS", origin, why);
    if origin == "*" {
        return Err(invalid("`*` must be the only value"));
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Err(invalid(
            "expected an origin such as https://app.example.com",
        ));
    };
    if !matches!(scheme, "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ', '@']) {
        return Err(invalid(
            "an origin is scheme://host[:port], with no path or trailing slash",
        ));
    }
    HeaderValue::from_str(origin).map_err(|_| invalid("not a valid header value"))
}

/// A per-user rate: a bucket of `burst` tokens refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    per_minute: f64,
    burst: u32,
}

impl RateLimit {
    /// `per_minute` requests a minute, with bursts of as many.
    ///
    /// # Panics
    /// When `per_minute` is 0.
    pub fn per_minute(per_minute: u32) -> Self {
        assert!(per_minute > 0, "a rate limit needs a positive rate");
        Self {
            per_minute: f64::from(per_minute),
            burst: per_minute,
        }
    }

    /// At most `burst` requests at once after a quiet period (at least 1).
    #[must_use]
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// Requests a minute.
    pub fn rate(&self) -> f64 {
        self.per_minute
    }

    /// The bucket size.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }
}

/// The HTTP layer's settings. [`Default`] is production-minded; every
/// setting has an environment variable ([`from_env`](Self::from_env)).
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub(crate) chatkit_path: String,
    pub(crate) simple_chat_path: Option<String>,
    pub(crate) attachments_path: String,
    pub(crate) cors: Option<CorsConfig>,
    pub(crate) max_json_bytes: usize,
    pub(crate) max_upload_bytes: usize,
    pub(crate) stream_rate: Option<RateLimit>,
    pub(crate) max_streams_per_user: Option<usize>,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) keep_alive: Option<Duration>,
    pub(crate) shutdown_grace: Duration,
    pub(crate) metrics: bool,
    #[cfg(feature = "playground")]
    pub(crate) playground: Option<crate::playground::Playground>,
    /// `CHATKIT_PLAYGROUND` as set (`None` when unset), for
    /// [`HttpConfig::playground_by_default`].
    #[cfg(feature = "playground")]
    playground_env: Option<bool>,
    #[cfg(feature = "playground")]
    playground_path: Option<String>,
}

/// Where the [simple chat endpoint](super::simple_chat) is by default.
pub const DEFAULT_SIMPLE_CHAT_PATH: &str = "/api/chat";

/// The default largest JSON body: 2 MiB.
pub const DEFAULT_MAX_JSON_BYTES: usize = crate::server::http::DEFAULT_BODY_LIMIT;
/// The default largest upload body (multipart framing included): 25 MiB.
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 25 * 1024 * 1024;

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            chatkit_path: "/chatkit".to_owned(),
            simple_chat_path: Some(DEFAULT_SIMPLE_CHAT_PATH.to_owned()),
            attachments_path: "/chatkit/attachments".to_owned(),
            cors: None,
            max_json_bytes: DEFAULT_MAX_JSON_BYTES,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            stream_rate: Some(RateLimit::per_minute(30).burst(10)),
            max_streams_per_user: Some(4),
            idle_timeout: Some(Duration::from_secs(300)),
            keep_alive: Some(Duration::from_secs(15)),
            shutdown_grace: Duration::from_secs(10),
            metrics: true,
            #[cfg(feature = "playground")]
            playground: None,
            #[cfg(feature = "playground")]
            playground_env: None,
            #[cfg(feature = "playground")]
            playground_path: None,
        }
    }
}

impl HttpConfig {
    /// The settings from the environment, defaults for what is unset:
    ///
    /// | variable | default | meaning |
    /// | --- | --- | --- |
    /// | `CORS_ORIGINS` | none (no CORS) | comma-separated origins, or `*` |
    /// | `CORS_ALLOW_CREDENTIALS` | `false` | allow cookies; never with `*` |
    /// | `CHATKIT_MAX_BODY_BYTES` | `2MiB` | largest JSON request |
    /// | `CHATKIT_MAX_UPLOAD_BYTES` | `25MiB` | largest upload request |
    /// | `CHATKIT_STREAMS_PER_MINUTE` | `30` | streamed requests per user per minute; `0` is off |
    /// | `CHATKIT_STREAM_BURST` | `10` | of which at once |
    /// | `CHATKIT_MAX_STREAMS_PER_USER` | `4` | concurrent streams per user; `0` is off |
    /// | `CHATKIT_STREAM_IDLE_TIMEOUT` | `5m` | cancel a response silent this long; `0` is off |
    /// | `CHATKIT_KEEP_ALIVE` | `15s` | SSE comment after this much silence; `0` is off |
    /// | `CHATKIT_SHUTDOWN_GRACE` | `10s` | time in-flight responses get on SIGTERM |
    /// | `CHATKIT_METRICS` | `true` | serve `GET /metrics` |
    /// | `CHATKIT_SIMPLE_CHAT_PATH` | `/api/chat` | the [simple chat endpoint](super::simple_chat); empty or `off` is off |
    /// | `CHATKIT_PLAYGROUND` | `false` | serve the [playground](crate::playground) (feature `playground`) |
    /// | `CHATKIT_PLAYGROUND_PATH` | `/` | where the playground's page is |
    ///
    /// Sizes take `B`, `KiB`, `MiB` (or `K`, `M`) suffixes; durations `ms`,
    /// `s`, `m`, `h` (a bare number is seconds).
    ///
    /// # Errors
    /// A variable whose value cannot be used, named with what was expected.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with variables from `lookup`.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let mut config = Self::default();
        if let Some(origins) = non_empty(lookup, "CORS_ORIGINS") {
            let cors = if origins.trim() == "*" {
                CorsConfig::any_origin()
            } else {
                CorsConfig::origins(origins.split(',').filter(|o| !o.trim().is_empty()))?
            };
            let credentials = parse_var(lookup, "CORS_ALLOW_CREDENTIALS", parse_bool)?;
            config.cors = Some(cors.allow_credentials(credentials.unwrap_or(false))?);
        } else if parse_var(lookup, "CORS_ALLOW_CREDENTIALS", parse_bool)? == Some(true) {
            return Err(ConfigError::new(
                "CORS_ALLOW_CREDENTIALS",
                "needs CORS_ORIGINS",
            ));
        }
        if let Some(bytes) = parse_var(lookup, "CHATKIT_MAX_BODY_BYTES", parse_size)? {
            config.max_json_bytes = positive(bytes, "CHATKIT_MAX_BODY_BYTES")?;
        }
        if let Some(bytes) = parse_var(lookup, "CHATKIT_MAX_UPLOAD_BYTES", parse_size)? {
            config.max_upload_bytes = positive(bytes, "CHATKIT_MAX_UPLOAD_BYTES")?;
        }
        let rate = parse_var(lookup, "CHATKIT_STREAMS_PER_MINUTE", parse_u32)?;
        let burst = parse_var(lookup, "CHATKIT_STREAM_BURST", parse_u32)?;
        match (rate, burst) {
            (Some(0), _) => config.stream_rate = None,
            (Some(rate), burst) => {
                config.stream_rate = Some(RateLimit::per_minute(rate).burst(burst.unwrap_or(rate)));
            }
            (None, Some(burst)) => {
                config.stream_rate = config.stream_rate.map(|rate| rate.burst(burst));
            }
            (None, None) => {}
        }
        if let Some(max) = parse_var(lookup, "CHATKIT_MAX_STREAMS_PER_USER", parse_u32)? {
            config.max_streams_per_user = (max > 0).then_some(max as usize);
        }
        if let Some(timeout) = parse_var(lookup, "CHATKIT_STREAM_IDLE_TIMEOUT", parse_duration)? {
            config.idle_timeout = (!timeout.is_zero()).then_some(timeout);
        }
        if let Some(interval) = parse_var(lookup, "CHATKIT_KEEP_ALIVE", parse_duration)? {
            config.keep_alive = (!interval.is_zero()).then_some(interval);
        }
        if let Some(grace) = parse_var(lookup, "CHATKIT_SHUTDOWN_GRACE", parse_duration)? {
            config.shutdown_grace = grace;
        }
        if let Some(metrics) = parse_var(lookup, "CHATKIT_METRICS", parse_bool)? {
            config.metrics = metrics;
        }
        if let Some(path) = lookup("CHATKIT_SIMPLE_CHAT_PATH") {
            config.simple_chat_path = parse_simple_chat_path(&path, &config.chatkit_path)?;
        }
        config.read_playground(lookup)?;
        Ok(config)
    }

    #[cfg(feature = "playground")]
    fn read_playground(&mut self, lookup: Lookup<'_>) -> Result<(), ConfigError> {
        self.playground_env = parse_var(lookup, "CHATKIT_PLAYGROUND", parse_bool)?;
        self.playground_path = non_empty(lookup, "CHATKIT_PLAYGROUND_PATH");
        if let Some(path) = &self.playground_path
            && !path.trim().starts_with('/')
        {
            return Err(ConfigError::invalid(
                "CHATKIT_PLAYGROUND_PATH",
                path,
                "expected a path such as / or /playground",
            ));
        }
        if self.playground_env == Some(true) {
            *self = std::mem::take(self).playground(crate::playground::Playground::new());
        }
        Ok(())
    }

    #[cfg(not(feature = "playground"))]
    fn read_playground(&mut self, lookup: Lookup<'_>) -> Result<(), ConfigError> {
        if parse_var(lookup, "CHATKIT_PLAYGROUND", parse_bool)? == Some(true) {
            return Err(ConfigError::new(
                "CHATKIT_PLAYGROUND",
                "this server was built without the `playground` feature",
            ));
        }
        Ok(())
    }

    /// Where the ChatKit endpoint is (`/chatkit`).
    #[must_use]
    pub fn chatkit_path(mut self, path: impl Into<String>) -> Self {
        self.chatkit_path = path.into();
        self
    }

    /// Where the [simple chat endpoint](super::simple_chat) is (`/api/chat`
    /// by default), or `None` not to serve it. It must differ from
    /// [`chatkit_path`](Self::chatkit_path).
    ///
    /// ```
    /// use chatkit_runtime::http::HttpConfig;
    /// let moved = HttpConfig::default().simple_chat(Some("/v1/chat"));
    /// let off = HttpConfig::default().simple_chat(None);
    /// ```
    #[must_use]
    pub fn simple_chat(mut self, path: Option<&str>) -> Self {
        self.simple_chat_path = path.map(str::to_owned);
        self
    }

    /// Where the attachment routes are (`/chatkit/attachments`): the base
    /// URL of a [`LocalAttachmentStore`](crate::attachments::LocalAttachmentStore).
    #[must_use]
    pub fn attachments_path(mut self, path: impl Into<String>) -> Self {
        self.attachments_path = path.into();
        self
    }

    /// Cross-origin access; none by default (same-origin frontends need none).
    #[must_use]
    pub fn cors(mut self, cors: CorsConfig) -> Self {
        self.cors = Some(cors);
        self
    }

    /// The largest JSON request body (2 MiB by default); larger is `413`.
    #[must_use]
    pub fn max_json_bytes(mut self, bytes: usize) -> Self {
        self.max_json_bytes = bytes;
        self
    }

    /// The largest upload request body, multipart framing included (25 MiB
    /// by default); larger is `413`. The attachment store's own limit on
    /// the file applies too.
    #[must_use]
    pub fn max_upload_bytes(mut self, bytes: usize) -> Self {
        self.max_upload_bytes = bytes;
        self
    }

    /// How fast one user may start streamed responses (30 a minute, bursts
    /// of 10, by default); faster is `429` with `Retry-After`.
    #[must_use]
    pub fn stream_rate(mut self, rate: Option<RateLimit>) -> Self {
        self.stream_rate = rate;
        self
    }

    /// How many streams one user may have open at once (4 by default);
    /// more is `429`.
    #[must_use]
    pub fn max_streams_per_user(mut self, max: Option<usize>) -> Self {
        self.max_streams_per_user = max;
        self
    }

    /// How long a response may send nothing before it is cancelled (its
    /// partial answer stored) and the client gets a retryable `error`
    /// event (5 minutes by default). Keep-alive comments do not count.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// After how much silence a stream gets an SSE comment line
    /// (`: keep-alive`), so proxies keep it open (15 s by default).
    #[must_use]
    pub fn keep_alive(mut self, interval: Option<Duration>) -> Self {
        self.keep_alive = interval;
        self
    }

    /// How long in-flight responses may run on after a shutdown signal
    /// before they are cancelled (10 s by default).
    #[must_use]
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Whether `GET /metrics` is served (yes by default). It needs no
    /// credentials: keep it off the public internet, or turn it off.
    #[must_use]
    pub fn metrics(mut self, serve: bool) -> Self {
        self.metrics = serve;
        self
    }

    /// Serves the [playground](crate::playground) (off by default). A
    /// `CHATKIT_PLAYGROUND_PATH` read by [`from_env`](Self::from_env) wins
    /// over `playground`'s own path.
    #[cfg(feature = "playground")]
    #[must_use]
    pub fn playground(mut self, playground: crate::playground::Playground) -> Self {
        self.playground = Some(match &self.playground_path {
            Some(path) => playground.path(path),
            None => playground,
        });
        self
    }

    /// [`playground`](Self::playground), unless `CHATKIT_PLAYGROUND=false`
    /// was read by [`from_env`](Self::from_env): for development servers,
    /// which show it unless told not to.
    #[cfg(feature = "playground")]
    #[must_use]
    pub fn playground_by_default(self, playground: crate::playground::Playground) -> Self {
        if self.playground_env == Some(false) {
            self
        } else {
            self.playground(playground)
        }
    }

    /// The playground's settings, when it is served.
    #[cfg(feature = "playground")]
    pub fn playground_settings(&self) -> Option<&crate::playground::Playground> {
        self.playground.as_ref()
    }
}

/// `CHATKIT_SIMPLE_CHAT_PATH`: a path, or empty (or `off`) for none.
fn parse_simple_chat_path(value: &str, chatkit_path: &str) -> Result<Option<String>, ConfigError> {
    const VAR: &str = "CHATKIT_SIMPLE_CHAT_PATH";
    let path = value.trim();
    if path.is_empty() || path.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
        return Err(ConfigError::invalid(
            VAR,
            value,
            "expected a path such as /api/chat, or an empty value to turn it off",
        ));
    }
    if path == chatkit_path {
        return Err(ConfigError::invalid(
            VAR,
            value,
            "must differ from the ChatKit endpoint's path",
        ));
    }
    Ok(Some(path.to_owned()))
}

pub(crate) fn non_empty(lookup: Lookup<'_>, var: &str) -> Option<String> {
    lookup(var).filter(|value| !value.trim().is_empty())
}

pub(crate) fn parse_var<T>(
    lookup: Lookup<'_>,
    var: &str,
    parse: fn(&str) -> Result<T, &'static str>,
) -> Result<Option<T>, ConfigError> {
    match non_empty(lookup, var) {
        None => Ok(None),
        Some(value) => parse(value.trim())
            .map(Some)
            .map_err(|expected| ConfigError::invalid(var, &value, expected)),
    }
}

fn positive(value: usize, var: &str) -> Result<usize, ConfigError> {
    if value == 0 {
        Err(ConfigError::invalid(var, "0", "must be more than 0"))
    } else {
        Ok(value)
    }
}

pub(crate) fn parse_bool(value: &str) -> Result<bool, &'static str> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err("expected true or false"),
    }
}

pub(crate) fn parse_u32(value: &str) -> Result<u32, &'static str> {
    value
        .parse()
        .map_err(|_| "expected a whole number such as 30")
}

/// `1048576`, `512K`, `512KiB`, `2M`, `2MiB`, `1G`, `1GiB`, `100B`.
pub(crate) fn parse_size(value: &str) -> Result<usize, &'static str> {
    const EXPECTED: &str = "expected a size in bytes such as 1048576, 512KiB or 2MiB";
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let number: usize = digits.parse().map_err(|_| EXPECTED)?;
    let multiplier: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        _ => return Err(EXPECTED),
    };
    number.checked_mul(multiplier).ok_or(EXPECTED)
}

/// `30` (seconds), `500ms`, `30s`, `5m`, `1h`.
pub(crate) fn parse_duration(value: &str) -> Result<Duration, &'static str> {
    const EXPECTED: &str = "expected a duration such as 30 (seconds), 500ms, 30s, 5m or 1h";
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let number: u64 = digits.parse().map_err(|_| EXPECTED)?;
    let millis = match unit.trim() {
        "ms" => Some(number),
        "" | "s" => number.checked_mul(1000),
        "m" | "min" => number.checked_mul(60_000),
        "h" => number.checked_mul(3_600_000),
        _ => return Err(EXPECTED),
    };
    millis.map(Duration::from_millis).ok_or(EXPECTED)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<HttpConfig, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        HttpConfig::from_lookup(&move |name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_when_nothing_is_set() {
        let config = config(&[]).unwrap();
        assert!(config.cors.is_none());
        assert_eq!(config.max_json_bytes, 2 * 1024 * 1024);
        assert_eq!(config.max_streams_per_user, Some(4));
        assert_eq!(config.keep_alive, Some(Duration::from_secs(15)));
        assert!(config.metrics);
        assert_eq!(config.simple_chat_path.as_deref(), Some("/api/chat"));
    }

    #[test]
    fn the_simple_chat_path_moves_or_turns_off() {
        let path = |value: &str| config(&[("CHATKIT_SIMPLE_CHAT_PATH", value)]);
        assert_eq!(
            path("/v1/chat").unwrap().simple_chat_path.as_deref(),
            Some("/v1/chat")
        );
        assert_eq!(path("").unwrap().simple_chat_path, None);
        assert_eq!(path("  ").unwrap().simple_chat_path, None);
        assert_eq!(path("OFF").unwrap().simple_chat_path, None);
        for bad in ["api/chat", "/chatkit", "/a?b"] {
            let error = path(bad).unwrap_err();
            assert_eq!(error.var(), "CHATKIT_SIMPLE_CHAT_PATH", "{bad}");
        }
        let off = HttpConfig::default().simple_chat(None);
        assert_eq!(off.simple_chat_path, None);
        let moved = HttpConfig::default().simple_chat(Some("/chat"));
        assert_eq!(moved.simple_chat_path.as_deref(), Some("/chat"));
    }

    #[test]
    fn every_variable_is_read() {
        let config = config(&[
            (
                "CORS_ORIGINS",
                "https://app.example.com, http://localhost:3000",
            ),
            ("CORS_ALLOW_CREDENTIALS", "true"),
            ("CHATKIT_MAX_BODY_BYTES", "64KiB"),
            ("CHATKIT_MAX_UPLOAD_BYTES", "10M"),
            ("CHATKIT_STREAMS_PER_MINUTE", "12"),
            ("CHATKIT_STREAM_BURST", "3"),
            ("CHATKIT_MAX_STREAMS_PER_USER", "0"),
            ("CHATKIT_STREAM_IDLE_TIMEOUT", "2m"),
            ("CHATKIT_KEEP_ALIVE", "500ms"),
            ("CHATKIT_SHUTDOWN_GRACE", "30"),
            ("CHATKIT_METRICS", "off"),
        ])
        .unwrap();
        let cors = config.cors.unwrap();
        assert!(cors.credentials());
        assert_eq!(
            cors.allowed_origins(),
            &CorsOrigins::List(vec![
                HeaderValue::from_static("https://app.example.com"),
                HeaderValue::from_static("http://localhost:3000"),
            ])
        );
        assert_eq!(config.max_json_bytes, 64 * 1024);
        assert_eq!(config.max_upload_bytes, 10 * 1024 * 1024);
        assert_eq!(config.stream_rate, Some(RateLimit::per_minute(12).burst(3)));
        assert_eq!(config.max_streams_per_user, None);
        assert_eq!(config.idle_timeout, Some(Duration::from_secs(120)));
        assert_eq!(config.keep_alive, Some(Duration::from_millis(500)));
        assert_eq!(config.shutdown_grace, Duration::from_secs(30));
        assert!(!config.metrics);
    }

    #[test]
    fn invalid_values_name_the_variable_and_what_was_expected() {
        let cases = [
            (("CHATKIT_KEEP_ALIVE", "soon"), "expected a duration"),
            (("CHATKIT_MAX_BODY_BYTES", "2 parsecs"), "expected a size"),
            (("CHATKIT_MAX_BODY_BYTES", "0"), "more than 0"),
            (("CHATKIT_STREAMS_PER_MINUTE", "-1"), "whole number"),
            (("CHATKIT_METRICS", "maybe"), "true or false"),
            (
                ("CORS_ORIGINS", "app.example.com"),
                "https://app.example.com",
            ),
            (
                ("CORS_ORIGINS", "https://app.example.com/"),
                "trailing slash",
            ),
            (("CORS_ORIGINS", "https://a.example.com,*"), "only value"),
            (("CORS_ALLOW_CREDENTIALS", "true"), "needs CORS_ORIGINS"),
        ];
        for ((var, value), expected) in cases {
            let error = config(&[(var, value)]).unwrap_err();
            assert_eq!(error.var(), var);
            assert!(error.to_string().contains(expected), "{error}");
        }
    }

    #[test]
    fn a_wildcard_origin_never_allows_credentials() {
        let error = config(&[("CORS_ORIGINS", "*"), ("CORS_ALLOW_CREDENTIALS", "1")]).unwrap_err();
        assert_eq!(error.var(), "CORS_ALLOW_CREDENTIALS");
        assert!(CorsConfig::any_origin().allow_credentials(true).is_err());
        let any = config(&[("CORS_ORIGINS", "*")]).unwrap().cors.unwrap();
        assert_eq!(any.allowed_origins(), &CorsOrigins::Any);
        assert!(!any.credentials());
    }
}
