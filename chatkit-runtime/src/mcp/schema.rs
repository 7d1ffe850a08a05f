//! An MCP tool's input schema, as each provider wants it.
//!
//! MCP servers send JSON Schemas of every flavour: without `properties`,
//! with optional arguments OpenAI's strict mode cannot leave out, or with
//! keywords strict mode refuses. Each is made to work where it can and
//! falls back to non-strict where it cannot.

use serde_json::{Map, Value, json};

use crate::tool::{SchemaDialect, SchemaError, schema::to_dialect};

/// The parameters of one MCP tool in both dialects.
#[derive(Debug, Clone)]
pub(crate) struct ToolSchema {
    /// Strict when OpenAI's strict mode can express it, else as sent.
    pub(crate) openai: Value,
    pub(crate) strict: bool,
    /// Why strict mode was not possible.
    pub(crate) not_strict_because: Option<String>,
    pub(crate) gemini: Result<Value, SchemaError>,
    /// Top-level arguments the server does not require: strict mode makes
    /// the model send them, as `null` when it has no value, and a `null`
    /// is left out of the call so the server applies its own default.
    pub(crate) optional: Vec<String>,
}

impl ToolSchema {
    pub(crate) fn for_dialect(&self, dialect: SchemaDialect) -> Result<Value, SchemaError> {
        match dialect {
            SchemaDialect::OpenAi => Ok(self.openai.clone()),
            SchemaDialect::Gemini => self.gemini.clone(),
        }
    }
}

/// The input schema an MCP server sent, made usable.
pub(crate) fn convert(input: &Map<String, Value>) -> ToolSchema {
    let mut base = Value::Object(input.clone());
    normalize(&mut base);
    let optional = optional_properties(&base);
    let mut nullable = base.clone();
    make_nullable(&mut nullable, &optional);
    let (openai, strict, not_strict_because) =
        match to_dialect(&nullable, SchemaDialect::OpenAi, true) {
            Ok(schema) => (schema, true, None),
            Err(error) => (base.clone(), false, Some(error.to_string())),
        };
    ToolSchema {
        openai,
        strict,
        not_strict_because,
        gemini: to_dialect(&base, SchemaDialect::Gemini, false),
        optional: if strict { optional } else { Vec::new() },
    }
}

/// An object root with `properties`, and no `$schema` (providers refuse it).
fn normalize(schema: &mut Value) {
    let Some(root) = schema.as_object_mut() else {
        *schema = json!({"type": "object", "properties": {}});
        return;
    };
    root.remove("$schema");
    root.remove("$id");
    if !root.contains_key("type") {
        root.insert("type".to_owned(), json!("object"));
    }
    if root.get("type") == Some(&json!("object")) && !root.contains_key("properties") {
        root.insert("properties".to_owned(), json!({}));
    }
}

fn optional_properties(schema: &Value) -> Vec<String> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .keys()
                .filter(|name| !required.contains(&name.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Lets each of `names` be `null`, unless it already can.
fn make_nullable(schema: &mut Value, names: &[String]) {
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for name in names {
        let Some(property) = properties.get_mut(name) else {
            continue;
        };
        if accepts_null(property) {
            continue;
        }
        let mut inner = std::mem::take(property);
        let description = inner
            .as_object_mut()
            .and_then(|node| node.remove("description"));
        let mut wrapper = Map::new();
        if let Some(description) = description {
            wrapper.insert("description".to_owned(), description);
        }
        wrapper.insert("anyOf".to_owned(), json!([inner, {"type": "null"}]));
        *property = Value::Object(wrapper);
    }
}

fn accepts_null(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(ty)) if ty == "null" => return true,
        Some(Value::Array(types)) if types.iter().any(|t| t == "null") => return true,
        _ => {}
    }
    ["anyOf", "oneOf"].iter().any(|key| {
        schema
            .get(*key)
            .and_then(Value::as_array)
            .is_some_and(|choices| choices.iter().any(accepts_null))
    })
}

/// The model's arguments for the server: `null`s of optional arguments
/// (which strict mode made the model send) are left out.
pub(crate) fn drop_null_optionals(arguments: &mut Map<String, Value>, optional: &[String]) {
    arguments.retain(|name, value| !(value.is_null() && optional.iter().any(|o| o == name)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tool::check_openai_strict;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_schema_without_properties_gets_them() {
        let schema = convert(&object(json!({"type": "object"})));
        assert!(schema.strict);
        assert_eq!(
            schema.openai,
            json!({"type": "object", "properties": {}, "additionalProperties": false, "required": []})
        );
        let schema = convert(&Map::new());
        assert_eq!(schema.openai["properties"], json!({}));
    }

    #[test]
    fn optional_arguments_become_nullable_and_nulls_are_dropped() {
        let schema = convert(&object(json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {
                "title": {"type": "string", "description": "The title"},
                "priority": {"type": "integer", "default": 3, "description": "1 to 5"},
                "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null}
            },
            "required": ["title"]
        })));
        assert!(schema.strict, "{:?}", schema.not_strict_because);
        check_openai_strict(&schema.openai).expect("strict");
        assert_eq!(
            schema.openai["required"],
            json!(["title", "priority", "note"])
        );
        assert_eq!(
            schema.openai["properties"]["priority"],
            json!({"description": "1 to 5", "anyOf": [{"type": "integer"}, {"type": "null"}]})
        );
        assert_eq!(schema.optional, ["priority", "note"]);
        let mut args = object(json!({"title": "x", "priority": null, "note": "n"}));
        drop_null_optionals(&mut args, &schema.optional);
        assert_eq!(Value::Object(args), json!({"title": "x", "note": "n"}));
        // Gemini takes the schema without strict mode's rewriting.
        let gemini = schema.gemini.expect("gemini");
        assert!(gemini.get("$schema").is_none());
    }

    #[test]
    fn what_strict_mode_cannot_express_falls_back() {
        let schema = convert(&object(json!({
            "type": "object",
            "properties": {"tags": {"type": "object", "additionalProperties": {"type": "string"}}}
        })));
        assert!(!schema.strict);
        assert!(
            schema
                .not_strict_because
                .as_deref()
                .is_some_and(|why| why.contains("open map")),
            "{:?}",
            schema.not_strict_because
        );
        assert!(schema.optional.is_empty());
        assert_eq!(schema.openai["properties"]["tags"]["type"], "object");
    }
}
