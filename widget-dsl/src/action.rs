//! `ActionConfig`: what a widget sends when the user acts on it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Handler, LoadingBehavior};

/// An action a widget sends (`onClickAction`, `onSubmitAction`,
/// `onChangeAction`, and the buttons of a `Card`).
///
/// The frontend's types know only `type` and an object `payload`. The Python
/// reference also has `handler`, `loadingBehavior` and `streaming`; setting
/// them is an opt-in (they are deprecated, see the catalogue's decisions), and
/// they are left out of the JSON while they hold their defaults (`server`,
/// `auto`, `true`).
///
/// ```
/// use widget_dsl::ActionConfig;
///
/// let action = ActionConfig::new("task.complete").payload(serde_json::json!({ "id": 7 }));
/// assert_eq!(
///     serde_json::to_string(&action).unwrap(),
///     r#"{"type":"task.complete","payload":{"id":7}}"#,
/// );
/// ```
///
/// A payload is a JSON object, as the frontend's types require: anything
/// else is a compile error, or for a `serde_json::Value` a panic (or an
/// error from [`try_payload`](Self::try_payload)).
///
/// ```compile_fail
/// let _ = widget_dsl::ActionConfig::new("task.complete").payload(7);
/// // error[E0277]: an action payload must be a JSON object, not `{integer}`
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionConfig {
    /// The action's name, such as `"task.complete"`.
    pub r#type: String,
    /// Data sent with the action, a JSON object. Form values are merged into
    /// it by field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Map<String, Value>>,
    /// Who handles the action. Only in the Python reference.
    #[deprecated(
        note = "`ActionConfig.handler` is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's types (@openai/chatkit 1.9.0), whose `ActionConfig` is `{type, payload?}`, so its types reject the widget. To send it anyway, opt in with `#[allow(deprecated)]` on the statement or function that sets it."
    )]
    #[serde(default, skip_serializing_if = "is_default")]
    pub handler: Handler,
    /// What shows a loading state while the action runs. Only in the Python
    /// reference.
    #[deprecated(
        note = "`ActionConfig.loading_behavior` is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's types (@openai/chatkit 1.9.0), whose `ActionConfig` is `{type, payload?}`, so its types reject the widget. To send it anyway, opt in with `#[allow(deprecated)]` on the statement or function that sets it."
    )]
    #[serde(default, skip_serializing_if = "is_default")]
    pub loading_behavior: LoadingBehavior,
    /// `false` sends the action as `threads.sync_custom_action`, answered with
    /// JSON instead of a stream. Only in the Python reference.
    #[deprecated(
        note = "`ActionConfig.streaming` is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's types (@openai/chatkit 1.9.0), whose `ActionConfig` is `{type, payload?}`, so its types reject the widget. To send it anyway, opt in with `#[allow(deprecated)]` on the statement or function that sets it."
    )]
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

// The deprecated fields are Python-only for users; building them is not a use.
#[allow(deprecated)]
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

    /// Sets the payload: a JSON object (`json!({...})`, a
    /// `serde_json::Map`, or a map with string keys).
    ///
    /// # Panics
    /// If `payload` is a `serde_json::Value` that is not an object: the
    /// frontend's types reject any other payload. Use
    /// [`try_payload`](Self::try_payload) for values from elsewhere.
    #[must_use]
    #[track_caller]
    pub fn payload(self, payload: impl IntoPayload) -> Self {
        match payload.into_payload() {
            Ok(payload) => self.with_payload(payload),
            Err(err) => panic!("{err}"),
        }
    }

    /// Sets the payload, or says why it is not a JSON object.
    ///
    /// ```
    /// use widget_dsl::ActionConfig;
    ///
    /// let err = ActionConfig::new("go").try_payload(serde_json::json!([1, 2])).unwrap_err();
    /// assert!(err.to_string().starts_with("an action payload must be a JSON object, found an array"));
    /// ```
    ///
    /// # Errors
    /// [`PayloadError`] when `payload` is not an object.
    pub fn try_payload(self, payload: impl IntoPayload) -> Result<Self, PayloadError> {
        Ok(self.with_payload(payload.into_payload()?))
    }

    fn with_payload(mut self, payload: Map<String, Value>) -> Self {
        self.payload = Some(payload);
        self
    }

    /// Sets who handles the action. Only in the Python reference.
    #[deprecated(
        note = "`ActionConfig.handler` is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's types (@openai/chatkit 1.9.0), whose `ActionConfig` is `{type, payload?}`, so its types reject the widget. To send it anyway, opt in with `#[allow(deprecated)]` on the statement or function that sets it."
    )]
    #[must_use]
    pub fn handler(mut self, handler: Handler) -> Self {
        self.handler = handler;
        self
    }

    /// Sets what shows a loading state. Only in the Python reference.
    #[deprecated(
        note = "`ActionConfig.loading_behavior` is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's types (@openai/chatkit 1.9.0), whose `ActionConfig` is `{type, payload?}`, so its types reject the widget. To send it anyway, opt in with `#[allow(deprecated)]` on the statement or function that sets it."
    )]
    #[must_use]
    pub fn loading_behavior(mut self, loading_behavior: LoadingBehavior) -> Self {
        self.loading_behavior = loading_behavior;
        self
    }

    /// `false` makes the client send the action as a synchronous request.
    /// Only in the Python reference.
    #[deprecated(
        note = "`ActionConfig.streaming` is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's types (@openai/chatkit 1.9.0), whose `ActionConfig` is `{type, payload?}`, so its types reject the widget. To send it anyway, opt in with `#[allow(deprecated)]` on the statement or function that sets it."
    )]
    #[must_use]
    pub fn streaming(mut self, streaming: bool) -> Self {
        self.streaming = streaming;
        self
    }
}

/// A value that can be an action's payload: a JSON object.
///
/// Scalars, strings and lists do not implement it, so they are compile
/// errors; a `serde_json::Value` is checked when the action is built.
#[diagnostic::on_unimplemented(
    message = "an action payload must be a JSON object, not `{Self}`",
    label = "not a JSON object",
    note = "the frontend's `ActionConfig` types `payload` as `Record<string, unknown>`; wrap the value in an object: `json!({{ \"value\": ... }})`"
)]
pub trait IntoPayload {
    /// The object, or why this value is not one.
    ///
    /// # Errors
    /// [`PayloadError`] when the value is not a JSON object.
    fn into_payload(self) -> Result<Map<String, Value>, PayloadError>;
}

impl IntoPayload for Map<String, Value> {
    fn into_payload(self) -> Result<Map<String, Value>, PayloadError> {
        Ok(self)
    }
}

impl IntoPayload for Value {
    fn into_payload(self) -> Result<Map<String, Value>, PayloadError> {
        match self {
            Value::Object(object) => Ok(object),
            other => Err(PayloadError { found: other }),
        }
    }
}

impl<K: Into<String>, V: Into<Value>> IntoPayload for BTreeMap<K, V> {
    fn into_payload(self) -> Result<Map<String, Value>, PayloadError> {
        Ok(self
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect())
    }
}

impl<K: Into<String>, V: Into<Value>, S> IntoPayload for HashMap<K, V, S> {
    fn into_payload(self) -> Result<Map<String, Value>, PayloadError> {
        Ok(self
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect())
    }
}

/// A payload that is not a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct PayloadError {
    found: Value,
}

impl PayloadError {
    /// The rejected value.
    pub fn value(&self) -> &Value {
        &self.found
    }
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let found = match &self.found {
            Value::Null => "`null`",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        write!(
            f,
            "an action payload must be a JSON object, found {found} (`{}`): the frontend's \
             `ActionConfig` types `payload` as `Record<string, unknown>`; wrap the value in an \
             object, such as `{{\"value\": ...}}`",
            self.found
        )
    }
}

impl std::error::Error for PayloadError {}

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payload_takes_objects_and_maps() {
        let from_json = ActionConfig::new("a").payload(json!({"id": 1}));
        let from_map = ActionConfig::new("a").payload(BTreeMap::from([("id", 1)]));
        assert_eq!(from_json, from_map);
        assert_eq!(
            serde_json::to_value(&from_json).unwrap(),
            json!({"type": "a", "payload": {"id": 1}})
        );
    }

    #[test]
    #[should_panic(expected = "an action payload must be a JSON object, found a number (`3`)")]
    fn a_scalar_json_payload_panics_at_construction() {
        let _ = ActionConfig::new("a").payload(json!(3));
    }

    #[test]
    fn a_non_object_payload_does_not_parse_typed() {
        let parsed = serde_json::from_value::<ActionConfig>(json!({"type": "a", "payload": [1]}));
        assert!(parsed.is_err());
    }
}
