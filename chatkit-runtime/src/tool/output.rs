//! What a tool gives back to the model.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// The result of a tool call, as the model will see it.
///
/// A `#[function_tool]` converts its fn's return value: a [`ToolOutput`] is
/// used as is, a `String` becomes [`Text`](Self::Text), any other
/// `Serialize` value becomes [`Json`](Self::Json), and the `Err` of a
/// `Result` becomes [`Error`](Self::Error).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ToolOutput {
    /// Plain text.
    Text(String),
    /// A JSON value, sent to the model as compact JSON text.
    Json(Value),
    /// An image the model can look at.
    Image(ToolImage),
    /// The call failed; the model sees a message and can try again.
    Error(ToolError),
    /// Several outputs, in order (such as an MCP result of several content
    /// blocks): the model receives one part for each.
    Parts(Vec<ToolOutput>),
}

impl ToolOutput {
    /// Plain text.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    /// Any serializable value, as JSON.
    ///
    /// # Errors
    /// When `value` fails to serialize (a map with non-string keys, or a
    /// `Serialize` impl that reports an error).
    pub fn json(value: impl Serialize) -> Result<Self, serde_json::Error> {
        serde_json::to_value(value).map(Self::Json)
    }

    /// An image.
    pub fn image(image: ToolImage) -> Self {
        Self::Image(image)
    }

    /// A failure whose message is shown to the model when the tool's errors
    /// are visible (see [`ErrorVisibility`]).
    pub fn error(message: impl fmt::Display) -> Self {
        Self::Error(ToolError::new(ToolErrorKind::Failed, message.to_string()))
    }

    /// Whether the call failed.
    pub fn is_error(&self) -> bool {
        matches!(self, Self::Error(_))
    }

    /// The text the model receives for this output. Images are described in
    /// words here; model adapters that can send images send them instead.
    pub fn to_model_text(&self, visibility: ErrorVisibility) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Json(value) => value.to_string(),
            Self::Image(image) => format!("[image: {}]", image.describe()),
            Self::Error(error) => error.model_message(visibility),
            Self::Parts(parts) => parts
                .iter()
                .map(|part| part.to_model_text(visibility))
                .collect::<Vec<_>>()
                .join("\n\n"),
        }
    }
}

/// An image returned by a tool: an `https:` URL or a `data:` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolImage {
    url: String,
}

impl ToolImage {
    /// An image at a URL the model provider can fetch.
    pub fn url(url: impl Into<String>) -> Self {
        Self { url: url.into() }
    }

    /// Inline image bytes, already base64-encoded, such as `("image/png", "iVBOR...")`.
    pub fn base64(media_type: &str, data: &str) -> Self {
        Self {
            url: format!("data:{media_type};base64,{data}"),
        }
    }

    /// The URL (possibly a `data:` URL).
    pub fn as_url(&self) -> &str {
        &self.url
    }

    fn describe(&self) -> &str {
        if self.url.starts_with("data:") {
            "inline data"
        } else {
            &self.url
        }
    }
}

/// Why a tool call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ToolErrorKind {
    /// The model's arguments were not valid JSON or did not match the
    /// parameters. Always shown to the model, so it can correct itself.
    InvalidArguments,
    /// The tool returned an error.
    Failed,
    /// The tool panicked.
    Panicked,
    /// A tool elsewhere (on an MCP server) reported the failure in words
    /// it chose for the model: shown as is.
    Reported,
}

/// A failed tool call. [`message`](Self::message) holds the full detail, for
/// logs; what the model sees depends on the [`ErrorVisibility`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    kind: ToolErrorKind,
    message: String,
}

/// The model's view of a failure whose detail is hidden.
pub const REDACTED_TOOL_ERROR: &str = "An error occurred while running the tool. Please try again.";

impl ToolError {
    /// An error of `kind` with the full detail in `message`.
    pub fn new(kind: ToolErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// Why the call failed.
    pub fn kind(&self) -> ToolErrorKind {
        self.kind
    }

    /// The full detail.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What the model is told. Argument errors are always shown: they are
    /// the model's own mistake and say how to fix it.
    pub fn model_message(&self, visibility: ErrorVisibility) -> String {
        match (self.kind, visibility) {
            (ToolErrorKind::InvalidArguments | ToolErrorKind::Reported, _) => self.message.clone(),
            (_, ErrorVisibility::Redacted) => REDACTED_TOOL_ERROR.to_owned(),
            (ToolErrorKind::Panicked, ErrorVisibility::Shown) => {
                format!(
                    "The tool crashed. Please try again. Error: {}",
                    self.message
                )
            }
            (_, ErrorVisibility::Shown) => format!(
                "An error occurred while running the tool. Please try again. Error: {}",
                self.message
            ),
        }
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ToolError {}

/// Whether the model sees the detail of a tool's errors (`Err` values and
/// panics). Argument errors are always shown.
///
/// The default is [`Redacted`](Self::Redacted): error messages often hold
/// internals (SQL, paths, hosts) that have no business in a prompt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ErrorVisibility {
    /// The model sees [`REDACTED_TOOL_ERROR`].
    #[default]
    Redacted,
    /// The model sees the error's message.
    Shown,
}

/// A value a `#[function_tool]` can return (or hold in the `Ok` of its
/// `Result`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a `#[function_tool]`",
    label = "this type is not a tool output",
    note = "return a type that implements `serde::Serialize` (sent to the model as JSON), a `String`, a `ToolOutput`, or a `Result` of one of these whose error implements `Display`"
)]
pub trait IntoToolOutput {
    /// Converts into the model-visible output.
    fn into_tool_output(self) -> ToolOutput;
}

impl IntoToolOutput for ToolOutput {
    fn into_tool_output(self) -> ToolOutput {
        self
    }
}

impl<T: Serialize> IntoToolOutput for T {
    fn into_tool_output(self) -> ToolOutput {
        match serde_json::to_value(self) {
            // Text goes to the model as is, not as a quoted JSON string.
            Ok(Value::String(text)) => ToolOutput::Text(text),
            Ok(value) => ToolOutput::Json(value),
            Err(err) => ToolOutput::Error(ToolError::new(
                ToolErrorKind::Failed,
                format!("the tool's result could not be serialized: {err}"),
            )),
        }
    }
}
