//! Errors of a request: before streaming (an HTTP status and JSON body) and
//! during streaming (an `error` event).

use std::fmt;

use crate::protocol::{ErrorCode, RequestError, ThreadStreamEvent};
use crate::store::StoreError;

/// Why `respond` or `action` failed; sent to the client as an `error` event,
/// after which the stream ends cleanly.
///
/// Any error type converts with `?`: it becomes a `stream.error` the client
/// may retry, and its message goes to the log, not to the client. Use
/// [`StreamError::custom`] for a message the user should read.
pub struct StreamError {
    code: ErrorCode,
    message: Option<String>,
    allow_retry: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StreamError {
    /// A `stream.error`: the client shows its own localized message.
    pub fn failed(allow_retry: bool) -> Self {
        Self {
            code: ErrorCode::StreamError,
            message: None,
            allow_retry,
            source: None,
        }
    }

    /// A `custom` error whose `message` the user sees.
    pub fn custom(message: impl Into<String>, allow_retry: bool) -> Self {
        Self {
            code: ErrorCode::Custom,
            message: Some(message.into()),
            allow_retry,
            source: None,
        }
    }

    /// The underlying error, for logs.
    pub fn source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.source.as_deref()
    }

    /// The `error` event the client receives.
    pub fn to_event(&self) -> ThreadStreamEvent {
        ThreadStreamEvent::Error {
            code: self.code.clone(),
            message: self.message.clone(),
            allow_retry: self.allow_retry,
        }
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for StreamError {
    fn from(error: E) -> Self {
        Self {
            code: ErrorCode::StreamError,
            message: None,
            allow_retry: true,
            source: Some(Box::new(error)),
        }
    }
}

impl fmt::Debug for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamError")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("allow_retry", &self.allow_retry)
            .field("source", &self.source.as_ref().map(ToString::to_string))
            .finish()
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.message, &self.source) {
            (Some(message), _) => write!(f, "{}: {message}", self.code),
            (None, Some(source)) => write!(f, "{}: {source}", self.code),
            (None, None) => write!(f, "{}", self.code),
        }
    }
}

/// A request that failed before any event was sent: an HTTP status and a
/// JSON body `{"error": {"code": ..., "message": ...}}`.
#[derive(Debug)]
pub struct ServerError {
    status: u16,
    code: &'static str,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ServerError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            source: None,
        }
    }

    /// 400: the request cannot be served as sent.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "invalid_request", message)
    }

    /// 404: no such thread, item or attachment (for this user).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "not_found", message)
    }

    /// 409: the thread is answering another request.
    pub fn thread_busy(thread_id: &str) -> Self {
        Self::new(
            409,
            "thread_busy",
            format!(
                "thread `{thread_id}` is answering another request; try again when it finishes"
            ),
        )
    }

    /// 413: the body is too large.
    pub fn payload_too_large(message: impl Into<String>) -> Self {
        Self::new(413, "payload_too_large", message)
    }

    /// 501: the server does not offer this (no attachment store, no transcription).
    pub fn not_implemented(message: impl Into<String>) -> Self {
        Self::new(501, "not_implemented", message)
    }

    /// 503: the store is unreachable; the client may retry later.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(503, "unavailable", message)
    }

    /// 500 for an unexpected error; its detail goes to the log, not the client.
    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self {
            status: 500,
            code: "internal",
            message: "The server failed to process the request.".to_owned(),
            source: Some(Box::new(error)),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// A short machine-readable code (`not_found`, `invalid_request`, ...).
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The message for the client.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The underlying error, for logs.
    pub fn source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.source.as_deref()
    }

    /// The JSON body.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "error": { "code": self.code, "message": self.message } })
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)?;
        if let Some(source) = &self.source {
            write!(f, " ({source})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServerError {}

impl From<RequestError> for ServerError {
    fn from(error: RequestError) -> Self {
        Self::bad_request(error.message())
    }
}

impl From<StoreError> for ServerError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => Self::not_found(error.to_string()),
            StoreError::Unavailable(_) => Self {
                source: Some(Box::new(error)),
                ..Self::unavailable("The store is unavailable; try again shortly.")
            },
            other => Self::internal(other),
        }
    }
}
