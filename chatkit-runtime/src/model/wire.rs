//! Helpers shared by the request and stream formats of both OpenAI APIs.

use std::collections::HashSet;

use serde_json::Value;

use super::{ContentPart, InputItem};

/// The history without tool calls that have no output, nor outputs whose
/// call is missing (as a truncated history can have): both APIs reject them.
pub(crate) fn paired_history(input: &[InputItem]) -> Vec<&InputItem> {
    let calls: HashSet<&str> = input
        .iter()
        .filter_map(|item| match item {
            InputItem::FunctionCall { call_id, .. } => Some(call_id.as_str()),
            _ => None,
        })
        .collect();
    let outputs: HashSet<&str> = input
        .iter()
        .filter_map(|item| match item {
            InputItem::FunctionCallOutput { call_id, .. } => Some(call_id.as_str()),
            _ => None,
        })
        .collect();
    input
        .iter()
        .filter(|item| match item {
            InputItem::FunctionCall { call_id, .. } => outputs.contains(call_id.as_str()),
            InputItem::FunctionCallOutput { call_id, .. } => calls.contains(call_id.as_str()),
            InputItem::Message { .. } => true,
        })
        .collect()
}

/// The text parts, joined by newlines.
pub(crate) fn joined_text(parts: &[ContentPart]) -> String {
    let texts: Vec<&str> = parts
        .iter()
        .filter_map(|part| match part {
            ContentPart::Text { text } => Some(text.as_str()),
            ContentPart::Image { .. } => None,
        })
        .collect();
    texts.join("\n")
}

/// Whether any part is an image.
pub(crate) fn has_image(parts: &[ContentPart]) -> bool {
    parts
        .iter()
        .any(|part| matches!(part, ContentPart::Image { .. }))
}

/// Tool-call arguments as sent back: `{}` for none.
pub(crate) fn arguments(arguments: &str) -> String {
    if arguments.trim().is_empty() {
        "{}".to_owned()
    } else {
        arguments.to_owned()
    }
}

/// An `f32` setting as the JSON number it was written as (`0.7`, not
/// `0.699999988079071`).
pub(crate) fn number(value: f32) -> Value {
    value
        .to_string()
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// A made-up call id for a provider that sent none: `call_` and 24 random
/// hex digits, unique across turns, threads and restarts.
pub(crate) fn made_up_call_id() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("call_{}", &id[..24])
}

/// A string field, or `None` when absent, null or empty.
pub(crate) fn str_field<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// An unsigned number field (lenient: a string holding a number is fine).
pub(crate) fn u64_field(value: &Value, key: &str) -> Option<u64> {
    match value.get(key)? {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A nested unsigned number field.
pub(crate) fn u64_at(value: &Value, outer: &str, inner: &str) -> Option<u64> {
    value.get(outer).and_then(|v| u64_field(v, inner))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    #[test]
    fn numbers_keep_their_decimal_form() {
        assert_eq!(number(0.7).to_string(), "0.7");
        assert_eq!(number(1.0).to_string(), "1.0");
        assert_eq!(number(f32::NAN), Value::Null);
    }

    #[test]
    fn orphans_are_dropped() {
        let input = vec![
            InputItem::FunctionCallOutput {
                call_id: "old".into(),
                output: vec![],
            },
            InputItem::text(Role::User, "hi"),
            InputItem::FunctionCall {
                call_id: "a".into(),
                name: "f".into(),
                arguments: "{}".into(),
            },
            InputItem::FunctionCall {
                call_id: "pending".into(),
                name: "f".into(),
                arguments: "{}".into(),
            },
            InputItem::FunctionCallOutput {
                call_id: "a".into(),
                output: vec![],
            },
        ];
        let kept = paired_history(&input);
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[0], &input[1]);
        assert_eq!(kept[1], &input[2]);
        assert_eq!(kept[2], &input[4]);
    }

    #[test]
    fn made_up_ids_are_unique() {
        let a = made_up_call_id();
        assert!(a.starts_with("call_") && a.len() == 29);
        assert_ne!(a, made_up_call_id());
    }
}
