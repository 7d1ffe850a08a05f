//! The production HTTP layer: a [`ChatKit`] behind authentication, CORS,
//! body limits, per-user stream limits, SSE keep-alive, metrics, health
//! checks, structured logs and graceful shutdown, configured from the
//! environment or in code.
//!
//! ```no_run
//! use chatkit_runtime::http::{App, init_logging_from_env};
//! use chatkit_runtime::server::ChatKit;
//! # use chatkit_runtime::{async_trait, protocol::UserMessageItem, server::*, http::User};
//! # struct Assistant;
//! # #[async_trait] impl ChatKitServer<User> for Assistant {
//! #     async fn respond(&self, _: &ThreadHandle, _: Option<&UserMessageItem>, _: &EventSender, _: &User)
//! #         -> Result<(), StreamError> { Ok(()) } }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     init_logging_from_env()?;                                   // LOG_FORMAT, RUST_LOG
//!     let store = chatkit_runtime::store::open_from_env().await?; // DATABASE_URL
//!     let app = App::from_env(ChatKit::with_store(Assistant, store))?; // JWT_*, CORS_ORIGINS, CHATKIT_*
//!     let listener = tokio::net::TcpListener::bind("0.0.0.0:8000").await?;
//!     app.serve(listener).await?;                                 // until SIGTERM or ctrl-c
//!     Ok(())
//! }
//! ```
//!
//! The router serves:
//!
//! - `POST /chatkit`: the ChatKit endpoint, for the authenticated user;
//! - `POST /api/chat`: the [simple chat endpoint](simple_chat), an SSE
//!   chat protocol for clients other than ChatKit JS, over the same server,
//!   store and limits ([`HttpConfig::simple_chat`]);
//! - `/chatkit/attachments/...`: uploads and downloads, when the
//!   [`ChatKit`] has an attachment store;
//! - `GET /health`: `200 {"status":"ok"}` while the process runs;
//! - `GET /ready`: `200` when the store answers, `503` when it does not
//!   or the server is shutting down;
//! - `GET /metrics`: [`Metrics`] in the Prometheus text format.
//!
//! Environment variables: see [`Auth::from_env`], [`HttpConfig::from_env`]
//! and [`LogConfig::from_env`]; [`ServerEnv`] reads them all at once, with
//! `CHATKIT_ADDR` and `DATABASE_URL`, for a server binary's `main`.

mod auth;
mod config;
#[cfg(feature = "jwt")]
mod jwt;
mod limits;
mod logging;
mod metrics;
mod server_env;
pub mod simple_chat;
mod stream;

use std::borrow::Cow;
use std::future::{Future, IntoFuture as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::ListenerExt as _;
use futures::StreamExt as _;
use serde::Deserialize;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tracing::{Instrument as _, field};

pub use auth::{
    Anonymous, Auth, AuthError, Authenticator, AuthenticatorExt, Credentials, DevHeaderAuth,
    MAX_USER_ID_LEN, MapAuth, User,
};
pub use config::{
    ConfigError, CorsConfig, CorsOrigins, DEFAULT_MAX_JSON_BYTES, DEFAULT_MAX_UPLOAD_BYTES,
    DEFAULT_SIMPLE_CHAT_PATH, HttpConfig, Lookup, RateLimit,
};
#[cfg(feature = "jwt")]
pub use jsonwebtoken::Algorithm;
#[cfg(feature = "jwt")]
pub use jwt::{JwtAuthenticator, JwtConfig, MIN_SECRET_LEN};
pub use logging::{LogConfig, LogFormat, init_logging_from_env};
pub use metrics::Metrics;
pub use server_env::{DEFAULT_ADDR, ServerEnv};
pub use stream::KEEP_ALIVE as KEEP_ALIVE_COMMENT;

use limits::{Refusal, StreamLimits};
use stream::{ChatKitFrames, Encoder, ManagedStream, StreamSettings};

use crate::protocol::REQUEST_TYPES;
use crate::server::{ChatKit, ChatKitServer, ProcessResult, ServerError};
use crate::store::ScopedContext;

/// How long the readiness check waits for the store.
const READY_TIMEOUT: Duration = Duration::from_secs(3);

/// How long a shutdown may take beyond its grace period before the server
/// stops waiting for connections (a client that never reads, say).
const SHUTDOWN_MARGIN: Duration = Duration::from_secs(5);

/// `{"error": {"code": ..., "message": ...}}` with `status`, like [`ServerError`].
pub(crate) fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// A [`ChatKit`] as a production HTTP service. Build it with
/// [`new`](Self::new) (or [`from_env`](Self::from_env)), then take its
/// [`router`](Self::router) or [`serve`](Self::serve) it.
pub struct App<S, C> {
    chatkit: ChatKit<S, C>,
    auth: Arc<dyn Authenticator<C>>,
    config: HttpConfig,
    metrics: Metrics,
    /// Routes of the app's own, served next to ChatKit's.
    extra: Router,
}

impl<S> App<S, User>
where
    S: ChatKitServer<User>,
{
    /// An app configured by the environment: the authenticator of
    /// [`Auth::from_env`] (which must configure one) and the settings of
    /// [`HttpConfig::from_env`].
    ///
    /// # Errors
    /// An invalid variable, or no authentication configured.
    pub fn from_env(chatkit: ChatKit<S, User>) -> Result<Self, ConfigError> {
        let auth =
            Auth::from_env()?.ok_or_else(|| ConfigError::new("JWT_SECRET", NO_AUTHENTICATION))?;
        Ok(Self::new(chatkit, auth).config(HttpConfig::from_env()?))
    }
}

/// Why [`App::from_env`] does not start, and what to do.
#[cfg(feature = "jwt")]
const NO_AUTHENTICATION: &str = "no authentication is configured: set JWT_SECRET, \
    JWT_PUBLIC_KEY_FILE, JWT_JWKS_FILE or JWT_JWKS_URL (or CHATKIT_DEV_USER_HEADER, for \
    development only)";
#[cfg(not(feature = "jwt"))]
const NO_AUTHENTICATION: &str = "no authentication is configured, and JWT authentication \
    needs the `jwt` feature of chatkit-runtime, which this build leaves out: add \"jwt\" to \
    chatkit-runtime's `features` in Cargo.toml (or set CHATKIT_DEV_USER_HEADER, for \
    development only)";

impl<S, C> App<S, C>
where
    S: ChatKitServer<C>,
    C: ScopedContext + 'static,
{
    /// `chatkit` behind `auth`, with the default [`HttpConfig`].
    pub fn new(chatkit: ChatKit<S, C>, auth: impl Authenticator<C>) -> Self {
        Self {
            chatkit,
            auth: Arc::new(auth),
            config: HttpConfig::default(),
            metrics: Metrics::new(),
            extra: Router::new(),
        }
    }

    /// Serves `router`'s routes too (an `McpService` at `/api/mcp`, say),
    /// behind the same CORS settings; they do their own authentication.
    ///
    /// # Panics
    /// [`router`](Self::router) panics, as axum's `Router::merge` does, when
    /// one of them is a route the app serves already (`/chatkit`, `/health`, ...).
    #[must_use]
    pub fn merge(mut self, router: Router) -> Self {
        self.extra = std::mem::take(&mut self.extra).merge(router);
        self
    }

    /// Replaces the settings.
    #[must_use]
    pub fn config(mut self, config: HttpConfig) -> Self {
        self.config = config;
        self
    }

    /// Counts into `metrics` (to share one handle with the agent runtime
    /// built before the app).
    #[must_use]
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// The counters served at `/metrics`; clone it for the agent runtime.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The ChatKit service.
    pub fn chatkit(&self) -> &ChatKit<S, C> {
        &self.chatkit
    }

    /// The settings.
    pub fn settings(&self) -> &HttpConfig {
        &self.config
    }

    /// The routes, with every layer. Logs the configuration (and a warning
    /// for development authentication) once per call.
    ///
    /// [`serve`](Self::serve) sets `TCP_NODELAY` on every connection; a
    /// server of your own should too, or each streamed response waits tens
    /// of milliseconds for delayed ACKs. It also finishes the routes once
    /// (`with_state(())`), where `axum::serve` would rebuild the route table
    /// for every connection and keep it while the connection is open:
    ///
    /// ```no_run
    /// # async fn run(app: chatkit_runtime::http::App<impl chatkit_runtime::server::ChatKitServer<chatkit_runtime::http::User>, chatkit_runtime::http::User>) -> std::io::Result<()> {
    /// use axum::serve::ListenerExt as _;
    /// let listener = tokio::net::TcpListener::bind("0.0.0.0:8000").await?
    ///     .tap_io(|tcp| { let _ = tcp.set_nodelay(true); });
    /// let routes = app.router().with_state(()).into_make_service();
    /// axum::serve(listener, routes).await
    /// # }
    /// ```
    pub fn router(&self) -> Router {
        self.log_startup();
        let shared = Arc::new(Shared {
            chatkit: self.chatkit.clone(),
            auth: Arc::clone(&self.auth),
            limits: StreamLimits::new(self.config.stream_rate, self.config.max_streams_per_user),
            metrics: self.metrics.clone(),
            config: self.config.clone(),
        });
        let mut router =
            Router::new().route(&self.config.chatkit_path, post(chatkit_endpoint::<S, C>));
        if let Some(path) = &self.config.simple_chat_path {
            router = router.route(path, post(simple_chat::endpoint::<S, C>));
        }
        let mut router = router
            .route("/health", get(health))
            .route("/ready", get(ready::<S, C>));
        if self.config.metrics {
            router = router.route("/metrics", get(metrics_endpoint::<S, C>));
        }
        let mut router = router.with_state(Arc::clone(&shared));
        if self.chatkit.attachments.is_some() {
            let auth = Arc::clone(&self.auth);
            let context = move |parts: &Parts| {
                let auth = Arc::clone(&auth);
                let parts = parts.clone();
                async move { auth.authenticate(&parts).await }
            };
            let uploads = self
                .chatkit
                .clone()
                .into_attachment_routes_with(context)
                .layer(axum::middleware::from_fn_with_state(
                    Arc::clone(&shared),
                    upload_guard::<S, C>,
                ));
            router = router.nest(&self.config.attachments_path, uploads);
        }
        #[cfg(feature = "playground")]
        if let Some(playground) = &self.config.playground {
            router = router.merge(playground.router(
                &self.config.chatkit_path,
                &self.auth.credentials(),
                self.chatkit.attachments.is_some(),
            ));
        }
        router = router.merge(self.extra.clone());
        if let Some(cors) = &self.config.cors {
            router = router.layer(cors_layer(cors, self.auth.request_headers()));
        }
        router
    }

    fn log_startup(&self) {
        let config = &self.config;
        tracing::info!(
            auth = %self.auth.describe(),
            cors = ?config.cors.as_ref().map(|cors| cors.allowed_origins()),
            simple_chat = ?config.simple_chat_path,
            max_json_bytes = config.max_json_bytes,
            max_upload_bytes = config.max_upload_bytes,
            streams_per_minute = ?config.stream_rate.map(|rate| rate.rate()),
            max_streams_per_user = ?config.max_streams_per_user,
            idle_timeout = ?config.idle_timeout,
            keep_alive = ?config.keep_alive,
            "chatkit http layer configured"
        );
        if let Some(warning) = self.auth.startup_warning() {
            tracing::warn!("{warning}");
        }
    }

    /// Serves on `listener` until SIGTERM or ctrl-c, then shuts down
    /// gracefully (see [`serve_with_shutdown`](Self::serve_with_shutdown)).
    ///
    /// # Errors
    /// When serving fails.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        self.serve_with_shutdown(listener, shutdown_signal()).await
    }

    /// Serves on `listener` until `signal` completes, then shuts down:
    /// no new connections; `/ready` answers 503 and new streamed requests
    /// 503; in-flight responses get the grace period
    /// ([`HttpConfig::shutdown_grace`]) to finish, then are cancelled with
    /// their partial answers stored (see [`ChatKit::shutdown`]). Returns
    /// once every response has been stored and connections are closed
    /// (or a few seconds after the grace period, whichever is first).
    ///
    /// # Errors
    /// When serving fails.
    pub async fn serve_with_shutdown<F>(
        self,
        listener: tokio::net::TcpListener,
        signal: F,
    ) -> std::io::Result<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let router = self.router();
        let grace = self.config.shutdown_grace;
        let (signaled_tx, mut signaled_rx) = tokio::sync::watch::channel(false);
        let (drained_tx, drained_rx) = tokio::sync::oneshot::channel::<()>();
        let chatkit = self.chatkit.clone();
        let stop = async move {
            signal.await;
            tracing::info!(
                grace_ms = grace.as_millis() as u64,
                running = chatkit.running_responses(),
                "shutting down: no new connections; in-flight responses may finish"
            );
            let _ = signaled_tx.send(true);
            tokio::spawn(async move {
                chatkit.shutdown(grace).await;
                let _ = drained_tx.send(());
            });
        };
        // Without TCP_NODELAY, each small SSE write waits for the peer's
        // delayed ACK (Nagle's algorithm): tens of milliseconds per response.
        let listener = listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "cannot set TCP_NODELAY on a connection");
            }
        });
        // Routes made once: served as they are, axum would rebuild its
        // route table for every connection (and keep it while it is open).
        let router = router.with_state(()).into_make_service();
        let server = axum::serve(listener, router).with_graceful_shutdown(stop);
        let deadline = async move {
            let _ = signaled_rx.wait_for(|signaled| *signaled).await;
            tokio::time::sleep(grace + SHUTDOWN_MARGIN).await;
        };
        tokio::select! {
            result = server.into_future() => result?,
            () = deadline => {
                tracing::warn!("connections still open after the grace period; closing them");
            }
        }
        // Every response's cancellation handling is over: its partial answer is stored.
        if tokio::time::timeout(SHUTDOWN_MARGIN, drained_rx)
            .await
            .is_err()
        {
            tracing::warn!("some responses were still storing their state at exit");
        }
        tracing::info!("shut down");
        Ok(())
    }
}

/// Completes on SIGTERM (Unix) or ctrl-c.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("ctrl-c received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}

fn cors_layer(cors: &CorsConfig, auth_headers: Vec<axum::http::HeaderName>) -> CorsLayer {
    let mut headers = vec![AUTHORIZATION, CONTENT_TYPE];
    headers.extend(auth_headers);
    headers.extend(cors.extra_headers().iter().cloned());
    headers.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    headers.dedup();
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::OPTIONS])
        .allow_headers(headers)
        .expose_headers([RETRY_AFTER])
        .max_age(cors.preflight_max_age());
    match cors.allowed_origins() {
        // `CorsConfig` never allows credentials with a wildcard.
        CorsOrigins::Any => layer.allow_origin(AllowOrigin::any()),
        CorsOrigins::List(origins) => layer
            .allow_origin(AllowOrigin::list(origins.iter().cloned()))
            .allow_credentials(cors.credentials()),
    }
}

struct Shared<S, C> {
    chatkit: ChatKit<S, C>,
    auth: Arc<dyn Authenticator<C>>,
    limits: StreamLimits,
    metrics: Metrics,
    config: HttpConfig,
}

/// The request type and thread id of a body, read without parsing the rest.
struct Peek {
    /// The request type, for logs and metrics.
    kind: &'static str,
    thread_id: Option<String>,
    streaming: bool,
    /// Whether it creates a thread, whose id the stream's first event has.
    creates_thread: bool,
}

fn peek(body: &[u8]) -> Peek {
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(rename = "type", borrow)]
        kind: Option<Cow<'a, str>>,
        #[serde(default)]
        params: Option<Params<'a>>,
    }
    #[derive(Deserialize)]
    struct Params<'a> {
        #[serde(borrow, default)]
        thread_id: Option<Cow<'a, str>>,
    }
    let envelope = serde_json::from_slice::<Envelope<'_>>(body).ok();
    let kind = envelope
        .as_ref()
        .and_then(|e| e.kind.as_deref())
        .and_then(|kind| REQUEST_TYPES.iter().find(|known| **known == kind))
        .copied()
        .unwrap_or("invalid");
    let thread_id = envelope
        .and_then(|e| e.params)
        .and_then(|p| p.thread_id)
        // Ids are short; anything else is not worth logging.
        .filter(|id| id.len() <= 128)
        .map(Cow::into_owned);
    let streaming = matches!(
        kind,
        "threads.create"
            | "threads.add_user_message"
            | "threads.add_client_tool_output"
            | "threads.add_structured_input"
            | "threads.retry_after_item"
            | "threads.custom_action"
    );
    Peek {
        kind,
        thread_id,
        streaming,
        creates_thread: kind == "threads.create",
    }
}

async fn chatkit_endpoint<S, C>(
    State(shared): State<Arc<Shared<S, C>>>,
    request: Request,
) -> Response
where
    S: ChatKitServer<C>,
    C: ScopedContext + 'static,
{
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let ctx = match shared.auth.authenticate(&parts).await {
        Ok(ctx) => ctx,
        Err(error) => return unauthorized(&shared.metrics, error),
    };
    let body = match read_json_body(&shared, &parts, body).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let peek = peek(&body);
    answer(&shared, ctx, peek, started, ChatKitFrames, |ctx| {
        shared.chatkit.process(&body, ctx)
    })
    .await
}

/// The `401` for a request that is not authenticated, counted.
fn unauthorized(metrics: &Metrics, error: AuthError) -> Response {
    tracing::debug!(reason = error.reason(), "request not authenticated");
    metrics.record_rejected("unauthorized");
    metrics.record_request("unknown", 401);
    error.into_response()
}

/// A JSON request's body, read up to [`HttpConfig::max_json_bytes`]; past
/// it (declared or not), the `413` to answer, counted.
async fn read_json_body<S, C>(
    shared: &Shared<S, C>,
    parts: &Parts,
    body: Body,
) -> Result<bytes::Bytes, Response> {
    let metrics = &shared.metrics;
    let limit = shared.config.max_json_bytes;
    let too_large = || {
        metrics.record_rejected("payload_too_large");
        metrics.record_request("unknown", 413);
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            &format!("The request body is larger than {limit} bytes."),
        )
    };
    if content_length(parts).is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())
}

/// Answers an authenticated request described by `peek`: in its span,
/// past the per-user stream limits (for a streamed one), `process` runs
/// it; its JSON, its stream (written by `encoder`, with keep-alive and the
/// idle timeout) or its error is the answer, counted and logged.
async fn answer<S, C, E, F>(
    shared: &Shared<S, C>,
    ctx: C,
    peek: Peek,
    started: Instant,
    encoder: E,
    process: impl FnOnce(C) -> F,
) -> Response
where
    S: ChatKitServer<C>,
    C: ScopedContext + 'static,
    E: Encoder,
    F: Future<Output = Result<ProcessResult, ServerError>>,
{
    let metrics = &shared.metrics;
    let span = tracing::info_span!(
        "chatkit_request",
        request_type = peek.kind,
        thread_id = field::Empty,
        user_id = ctx.scope(),
    );
    if let Some(thread_id) = &peek.thread_id {
        span.record("thread_id", thread_id.as_str());
    }
    let permit = if peek.streaming {
        match shared.limits.admit(ctx.scope()) {
            Ok(permit) => Some(permit),
            Err(refusal) => {
                let _entered = span.enter();
                return refused(metrics, peek.kind, refusal);
            }
        }
    } else {
        None
    };
    let result = process(ctx).instrument(span.clone()).await;
    let _entered = span.enter();
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(ProcessResult::Json(body)) => {
            metrics.record_request(peek.kind, 200);
            tracing::info!(status = 200, elapsed_ms, "request answered");
            let mut response = Response::new(Body::from(body));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Ok(ProcessResult::Stream(events)) => {
            metrics.record_request(peek.kind, 200);
            tracing::info!(status = 200, elapsed_ms, "stream started");
            drop(_entered);
            let stream = ManagedStream::new(
                events,
                StreamSettings {
                    keep_alive: shared.config.keep_alive,
                    idle_timeout: shared.config.idle_timeout,
                    metrics: metrics.clone(),
                    span,
                    permit,
                    want_thread_id: peek.creates_thread,
                },
                encoder,
            );
            let mut response = Response::new(Body::from_stream(stream));
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
            response
        }
        Err(error) => refuse(metrics, peek.kind, error, elapsed_ms),
    }
}

/// The answer to a request that failed before streaming, counted and logged.
fn refuse(metrics: &Metrics, kind: &'static str, error: ServerError, elapsed_ms: u64) -> Response {
    metrics.record_request(kind, error.status());
    log_error(&error, elapsed_ms);
    error.into_response()
}

fn log_error(error: &ServerError, elapsed_ms: u64) {
    let status = error.status();
    if status >= 500 {
        match error.source() {
            Some(source) => tracing::error!(
                status,
                elapsed_ms,
                code = error.code(),
                source = %source,
                "request failed"
            ),
            None => tracing::error!(status, elapsed_ms, code = error.code(), "request failed"),
        }
    } else {
        tracing::info!(status, elapsed_ms, code = error.code(), "request refused");
    }
}

fn refused(metrics: &Metrics, kind: &'static str, refusal: Refusal) -> Response {
    metrics.record_request(kind, 429);
    let (reason, retry_after, message) = match refusal {
        Refusal::Rate { retry_after } => (
            "rate_limited",
            retry_after,
            format!("Too many responses requested; try again in {retry_after} s."),
        ),
        Refusal::Concurrency => (
            "too_many_streams",
            1,
            "Too many responses are streaming for this user; try again when one finishes."
                .to_owned(),
        ),
    };
    metrics.record_rejected(reason);
    tracing::info!(status = 429, reason, retry_after, "request refused");
    let mut response = error_response(StatusCode::TOO_MANY_REQUESTS, reason, &message);
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

fn content_length(parts: &Parts) -> Option<u64> {
    parts
        .headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Around the attachment routes: the upload size limit (a declared length
/// over it is refused unread; a body that grows past it is cut, and
/// answered `413`), metrics and a span.
async fn upload_guard<S, C>(
    State(shared): State<Arc<Shared<S, C>>>,
    request: Request,
    next: Next,
) -> Response
where
    S: ChatKitServer<C>,
    C: ScopedContext + 'static,
{
    let started = Instant::now();
    let kind = if request.method() == Method::GET {
        "attachments.download"
    } else {
        "attachments.upload"
    };
    let limit = shared.config.max_upload_bytes;
    let metrics = &shared.metrics;
    let too_large = || {
        metrics.record_rejected("payload_too_large");
        metrics.record_request(kind, 413);
        tracing::info!(status = 413, limit, "upload refused: too large");
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            &format!("The upload is larger than {limit} bytes."),
        )
    };
    let (parts, body) = request.into_parts();
    if content_length(&parts).is_some_and(|length| length > limit as u64) {
        return too_large();
    }
    let exceeded = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&exceeded);
    let mut seen = 0usize;
    let capped = body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        seen += chunk.len();
        if seen > limit {
            flag.store(true, Ordering::Relaxed);
            return Err(std::io::Error::other("the upload is too large"));
        }
        Ok(chunk)
    });
    let request = Request::from_parts(parts, Body::from_stream(capped));
    let span = tracing::info_span!("chatkit_request", request_type = kind);
    let response = next.run(request).instrument(span.clone()).await;
    let _entered = span.enter();
    if exceeded.load(Ordering::Relaxed) {
        return too_large();
    }
    let status = response.status().as_u16();
    metrics.record_request(kind, status);
    tracing::info!(
        status,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "request answered"
    );
    response
}

async fn health() -> Response {
    json_status(StatusCode::OK, serde_json::json!({ "status": "ok" }))
}

async fn ready<S, C>(State(shared): State<Arc<Shared<S, C>>>) -> Response
where
    S: ChatKitServer<C>,
    C: ScopedContext + 'static,
{
    if shared.chatkit.is_shutting_down() {
        return json_status(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({ "status": "shutting_down" }),
        );
    }
    let store =
        match tokio::time::timeout(READY_TIMEOUT, shared.chatkit.store().health_check()).await {
            Ok(Ok(())) => "ok",
            Ok(Err(error)) => {
                tracing::warn!(error = %error, "readiness: the store is unavailable");
                "unavailable"
            }
            Err(_) => {
                tracing::warn!("readiness: the store did not answer in time");
                "timeout"
            }
        };
    let (status, overall) = if store == "ok" {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    json_status(
        status,
        serde_json::json!({ "status": overall, "checks": { "store": store } }),
    )
}

async fn metrics_endpoint<S, C>(State(shared): State<Arc<Shared<S, C>>>) -> Response
where
    S: ChatKitServer<C>,
    C: ScopedContext + 'static,
{
    let mut response = Response::new(Body::from(shared.metrics.render()));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

fn json_status(status: StatusCode, body: serde_json::Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peek_reads_the_type_and_thread_id_only() {
        let p = peek(br#"{"type":"threads.add_user_message","params":{"thread_id":"thr_1","input":{"content":[]}}}"#);
        assert_eq!(p.kind, "threads.add_user_message");
        assert_eq!(p.thread_id.as_deref(), Some("thr_1"));
        assert!(p.streaming);
        let p = peek(br#"{"type":"threads.list","params":{}}"#);
        assert_eq!(
            (p.kind, p.thread_id, p.streaming),
            ("threads.list", None, false)
        );
        // Unknown types never become metric labels.
        assert_eq!(peek(br#"{"type":"x\ny","params":{}}"#).kind, "invalid");
        assert_eq!(peek(b"not json").kind, "invalid");
        let long = format!(
            r#"{{"type":"threads.delete","params":{{"thread_id":"{}"}}}}"#,
            "x".repeat(500)
        );
        assert_eq!(peek(long.as_bytes()).thread_id, None);
    }
}
