//! Widgets outside the catalogue, kept as open JSON.

use serde::ser::SerializeMap as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A widget this version does not type: an unknown component, or a known
/// one whose props did not fit (an invalid value, a child in the wrong
/// place). Its JSON is kept exactly, so reading and re-writing a stored
/// widget never loses anything.
///
/// ```
/// use widget_dsl::WidgetRoot;
///
/// let json = serde_json::json!({"type": "Card", "children": [{"type": "Sparkline", "points": [1, 2]}]});
/// let card: WidgetRoot = serde_json::from_value(json.clone()).unwrap();
/// assert_eq!(serde_json::to_value(&card).unwrap(), json);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicWidget {
    type_name: String,
    props: Map<String, Value>,
}

impl DynamicWidget {
    /// A widget of the given `type` with no props.
    pub fn new(type_name: impl Into<String>) -> Self {
        Self {
            type_name: type_name.into(),
            props: Map::new(),
        }
    }

    /// Adds or replaces a prop.
    #[must_use]
    pub fn prop(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.props.insert(name.into(), value.into());
        self
    }

    /// The wire `type`.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// Every prop but `type`, children included.
    pub fn props(&self) -> &Map<String, Value> {
        &self.props
    }

    /// Mutable access to the props.
    pub fn props_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.props
    }

    /// The `id` prop, if it is a string.
    pub fn id(&self) -> Option<&str> {
        self.props.get("id").and_then(Value::as_str)
    }

    /// The `key` prop, if it is a string.
    pub fn key(&self) -> Option<&str> {
        self.props.get("key").and_then(Value::as_str)
    }

    /// Builds from an object that has a string `type`.
    pub(crate) fn from_object(mut object: Map<String, Value>) -> Self {
        let type_name = match object.remove("type") {
            Some(Value::String(name)) => name,
            _ => String::new(),
        };
        Self {
            type_name,
            props: object,
        }
    }
}

impl Serialize for DynamicWidget {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.props.len() + 1))?;
        map.serialize_entry("type", &self.type_name)?;
        for (key, value) in &self.props {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for DynamicWidget {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::__private::deserialize_widget_object(deserializer).map(Self::from_object)
    }
}
