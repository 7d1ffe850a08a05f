//! `ActionConfig`: what a widget sends when the user acts on it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Handler, LoadingBehavior};

/// An action a widget sends (`onClickAction`, `onSubmitAction`,
/// `onChangeAction`, and the buttons of a `Card`).
///
/// `handler`, `loadingBehavior` and `streaming` are left out of the JSON while
/// they hold their defaults (`server`, `auto`, `true`), which is also what the
/// web frontend's types accept.
///
/// ```
/// use widget_dsl::{ActionConfig, LoadingBehavior};
///
/// let action = ActionConfig::new("task.complete")
///     .payload(serde_json::json!({ "id": 7 }))
///     .loading_behavior(LoadingBehavior::OwnComponent);
/// assert_eq!(
///     serde_json::to_string(&action).unwrap(),
///     r#"{"type":"task.complete","payload":{"id":7},"loadingBehavior":"self"}"#,
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionConfig {
    /// The action's name, such as `"task.complete"`.
    pub r#type: String,
    /// Data sent with the action. Form values are merged into it by field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Value>,
    /// Who handles the action.
    #[serde(default, skip_serializing_if = "is_default")]
    pub handler: Handler,
    /// What shows a loading state while the action runs.
    #[serde(default, skip_serializing_if = "is_default")]
    pub loading_behavior: LoadingBehavior,
    /// `false` sends the action as `threads.sync_custom_action`, answered with
    /// JSON instead of a stream.
    #[serde(
        default = "streaming_default",
        skip_serializing_if = "is_streaming_default"
    )]
    pub streaming: bool,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

fn streaming_default() -> bool {
    true
}

// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_streaming_default(value: &bool) -> bool {
    *value
}

impl ActionConfig {
    /// An action named `type` with no payload and default behavior.
    pub fn new(r#type: impl Into<String>) -> Self {
        Self {
            r#type: r#type.into(),
            payload: None,
            handler: Handler::Server,
            loading_behavior: LoadingBehavior::Auto,
            streaming: true,
        }
    }

    /// Sets the payload.
    #[must_use]
    pub fn payload(mut self, payload: impl Into<Value>) -> Self {
        self.payload = Some(payload.into());
        self
    }

    /// Sets who handles the action.
    #[must_use]
    pub fn handler(mut self, handler: Handler) -> Self {
        self.handler = handler;
        self
    }

    /// Sets what shows a loading state.
    #[must_use]
    pub fn loading_behavior(mut self, loading_behavior: LoadingBehavior) -> Self {
        self.loading_behavior = loading_behavior;
        self
    }

    /// `false` makes the client send the action as a synchronous request.
    #[must_use]
    pub fn streaming(mut self, streaming: bool) -> Self {
        self.streaming = streaming;
        self
    }
}

impl Default for Handler {
    fn default() -> Self {
        Self::Server
    }
}

impl Default for LoadingBehavior {
    fn default() -> Self {
        Self::Auto
    }
}
