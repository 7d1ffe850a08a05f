//! Support for generated code. Not public API.

use std::borrow::Cow;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde_json::{Map, Value};

pub use chatkit_macros::{
    __catalog_json as catalog_json, __widget as widget, __widget_template as widget_template,
};
pub use serde;

/// `serde_json::Value`, for generated data structs. An alias, not a
/// re-export of `serde_json`, which would make rustc name
/// `serde_json::Map` as `widget_dsl::__private::serde_json::map::Map` in
/// diagnostics.
pub type JsonValue = serde_json::Value;

/// The template behind a `widget_template!`, loaded once.
pub fn checked_template(text: &str, path: &str) -> crate::WidgetTemplate {
    crate::WidgetTemplate::checked(text, path)
}

use crate::UnknownValue;

/// A map key or tag, borrowed from the input when the format allows it.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value.to_owned())))
            }
            fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Deserializes one of a closed set of strings, naming the accepted values on error.
pub fn deserialize_literal<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = UnknownValue>,
{
    let key = <Key<'de> as de::Deserialize>::deserialize(deserializer)?;
    key.as_str()
        .parse()
        .map_err(|err: UnknownValue| de::Error::unknown_variant(err.value(), err.expected()))
}

/// A JSON object with a string `type`: the shape every widget has.
pub fn deserialize_widget_object<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Map<String, Value>, D::Error> {
    match <Value as de::Deserialize>::deserialize(deserializer)? {
        Value::Object(object) if object.get("type").is_some_and(Value::is_string) => Ok(object),
        Value::Object(_) => Err(de::Error::custom("a widget needs a string `type`")),
        other => Err(de::Error::invalid_type(
            unexpected(&other),
            &"a widget object",
        )),
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}
