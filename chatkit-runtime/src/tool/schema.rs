//! Tool parameter schemas: generated once by schemars, then rewritten for the
//! dialect each provider accepts.
//!
//! - [`SchemaDialect::OpenAi`] with `strict`: OpenAI's strict mode. Every
//!   object has `additionalProperties: false` and lists every property in
//!   `required` (an `Option` is required and nullable), `oneOf` becomes
//!   `anyOf`, and keywords OpenAI rejects are removed, or refused when dropping
//!   them would change what is accepted.
//! - [`SchemaDialect::OpenAi`] without `strict`: the schema as generated.
//! - [`SchemaDialect::Gemini`]: Gemini's OpenAI-compatible endpoint. No type
//!   arrays (`nullable: true` instead), no `additionalProperties`, no `$ref`,
//!   no `const`, and `anyOf` never beside other keys.

use std::fmt;

use schemars::JsonSchema;
use serde_json::{Map, Value, json};

/// The schema flavour a model provider accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SchemaDialect {
    /// OpenAI (Responses and Chat Completions) and compatible endpoints.
    OpenAi,
    /// Gemini's OpenAI-compatible endpoint.
    Gemini,
}

/// A parameters schema that cannot be expressed in the requested dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    path: String,
    message: String,
}

impl SchemaError {
    pub(crate) fn new(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: if path.is_empty() {
                "$".to_owned()
            } else {
                path.to_owned()
            },
            message: message.into(),
        }
    }

    /// Where in the schema the problem is, as a JSON path (`$.properties.filter`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What the problem is.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for SchemaError {}

/// The schema of `T` as schemars generates it for deserialization, with
/// subschemas inlined (only recursive types keep `$defs`) and no `$schema`.
pub fn base_schema<T: JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.inline_subschemas = true;
            settings.meta_schema = None;
        })
        .for_deserialize()
        .into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    if let Some(root) = schema.as_object_mut() {
        // The args struct's own name and doc mean nothing to the model.
        root.remove("title");
        root.remove("description");
    }
    schema
}

/// `base` rewritten for `dialect`.
///
/// # Errors
/// When the schema cannot be expressed: an open object (a map or a
/// `serde_json::Value`) in OpenAI strict mode, a recursive type for Gemini,
/// or a root that is not an object.
pub fn to_dialect(
    base: &Value,
    dialect: SchemaDialect,
    strict: bool,
) -> Result<Value, SchemaError> {
    match (dialect, strict) {
        (SchemaDialect::OpenAi, true) => to_openai_strict(base),
        (SchemaDialect::OpenAi, false) => {
            require_object_root(base)?;
            Ok(base.clone())
        }
        (SchemaDialect::Gemini, _) => to_gemini(base),
    }
}

/// Formats OpenAI's strict mode accepts for strings.
const STRICT_FORMATS: &[&str] = &[
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
];

/// Keywords of schemas OpenAI's strict mode accepts.
const STRICT_KEYWORDS: &[&str] = &[
    "type",
    "description",
    "title",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "anyOf",
    "enum",
    "const",
    "$ref",
    "$defs",
    "pattern",
    "format",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
];

/// The most nesting levels and object properties OpenAI accepts.
const STRICT_MAX_DEPTH: usize = 10;
const STRICT_MAX_PROPERTIES: usize = 5000;

fn require_object_root(schema: &Value) -> Result<(), SchemaError> {
    let root = schema
        .as_object()
        .ok_or_else(|| SchemaError::new("", "the schema is not an object"))?;
    if root.contains_key("anyOf") || root.contains_key("oneOf") {
        return Err(SchemaError::new(
            "",
            "the parameters must be an object, not a choice of schemas",
        ));
    }
    if root.get("type") != Some(&json!("object")) {
        return Err(SchemaError::new("", "the parameters must be an object"));
    }
    Ok(())
}

fn to_openai_strict(base: &Value) -> Result<Value, SchemaError> {
    require_object_root(base)?;
    let mut schema = base.clone();
    let defs = base.get("$defs").cloned().unwrap_or(Value::Null);
    strictify(&mut schema, &defs, "")?;
    check_openai_strict(&schema).map_err(|mut errors| errors.swap_remove(0))?;
    Ok(schema)
}

fn strictify(schema: &mut Value, defs: &Value, path: &str) -> Result<(), SchemaError> {
    let Some(node) = schema.as_object_mut() else {
        return match schema {
            Value::Bool(true) => Err(SchemaError::new(
                path,
                "accepts any value, which OpenAI's strict mode cannot express; use a concrete type or `strict = false`",
            )),
            _ => Ok(()),
        };
    };
    // A `$ref` next to other keys (a description, say) is unravelled.
    if node.contains_key("$ref")
        && node.len() > 1
        && let Some(target) = resolve_ref(node.get("$ref"), defs)
    {
        let siblings: Map<String, Value> = node
            .iter()
            .filter(|(k, _)| *k != "$ref")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        *node = target.clone();
        node.extend(siblings);
    }
    if node.is_empty() {
        return Err(SchemaError::new(
            path,
            "accepts any value (such as `serde_json::Value`), which OpenAI's strict mode cannot express; use a concrete type or `strict = false`",
        ));
    }
    if let Some(one_of) = node.remove("oneOf") {
        node.insert("anyOf".to_owned(), one_of);
    }
    if let Some(Value::Array(all_of)) = node.remove("allOf") {
        if all_of.len() != 1 {
            return Err(SchemaError::new(
                path,
                "`allOf` is not supported by OpenAI's strict mode",
            ));
        }
        if let Some(Value::Object(only)) = all_of.into_iter().next() {
            for (key, value) in only {
                node.entry(key).or_insert(value);
            }
        }
    }
    node.remove("default");
    // A `HashSet` still deduplicates on the Rust side.
    node.remove("uniqueItems");
    if let Some(Value::String(format)) = node.get("format")
        && !STRICT_FORMATS.contains(&format.as_str())
    {
        node.remove("format");
    }
    let is_object = match node.get("type") {
        Some(Value::String(ty)) => ty == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
        _ => node.contains_key("properties"),
    };
    if is_object {
        match node.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {}
            Some(_) => {
                return Err(SchemaError::new(
                    path,
                    "is an open map (such as `HashMap`), which OpenAI's strict mode cannot express; use a struct, a `Vec` of pairs, or `strict = false`",
                ));
            }
        }
        if node.contains_key("patternProperties") {
            return Err(SchemaError::new(
                path,
                "is an open map, which OpenAI's strict mode cannot express; use a struct or `strict = false`",
            ));
        }
        node.insert("additionalProperties".to_owned(), Value::Bool(false));
        let properties = node
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        let names: Vec<Value> = properties
            .as_object()
            .map(|p| p.keys().map(|k| json!(k)).collect())
            .unwrap_or_default();
        node.insert("required".to_owned(), Value::Array(names));
    }
    if node.contains_key("prefixItems") {
        return Err(SchemaError::new(
            path,
            "is a tuple, which OpenAI's strict mode cannot express; use a struct",
        ));
    }
    for (key, child) in node.iter_mut() {
        match key.as_str() {
            "properties" | "$defs" => {
                if let Some(children) = child.as_object_mut() {
                    for (name, child) in children.iter_mut() {
                        strictify(child, defs, &format!("{path}.{key}.{name}"))?;
                    }
                }
            }
            "anyOf" => {
                if let Some(children) = child.as_array_mut() {
                    for (i, child) in children.iter_mut().enumerate() {
                        strictify(child, defs, &format!("{path}.anyOf[{i}]"))?;
                    }
                }
            }
            "items" => strictify(child, defs, &format!("{path}.items"))?,
            _ => {}
        }
    }
    Ok(())
}

fn resolve_ref<'a>(reference: Option<&Value>, defs: &'a Value) -> Option<&'a Map<String, Value>> {
    let name = reference?.as_str()?.strip_prefix("#/$defs/")?;
    defs.get(name)?.as_object()
}

/// Checks a schema against OpenAI's strict-mode rules (structured outputs'
/// "supported schemas", which function tools share). Returns every violation.
///
/// # Errors
/// The violations, each with its JSON path.
pub fn check_openai_strict(schema: &Value) -> Result<(), Vec<SchemaError>> {
    let mut errors = Vec::new();
    if let Err(error) = require_object_root(schema) {
        errors.push(error);
    }
    let mut properties = 0;
    check_strict_node(schema, "", 0, &mut properties, &mut errors);
    if properties > STRICT_MAX_PROPERTIES {
        errors.push(SchemaError::new(
            "",
            format!("{properties} object properties, more than {STRICT_MAX_PROPERTIES}"),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn check_strict_node(
    schema: &Value,
    path: &str,
    depth: usize,
    properties: &mut usize,
    errors: &mut Vec<SchemaError>,
) {
    let Some(node) = schema.as_object() else {
        errors.push(SchemaError::new(path, "a schema must be an object"));
        return;
    };
    if depth > STRICT_MAX_DEPTH {
        errors.push(SchemaError::new(
            path,
            format!("nested deeper than {STRICT_MAX_DEPTH} levels"),
        ));
        return;
    }
    if node.is_empty() {
        errors.push(SchemaError::new(path, "an empty schema accepts any value"));
    }
    for key in node.keys() {
        if !STRICT_KEYWORDS.contains(&key.as_str()) {
            errors.push(SchemaError::new(
                path,
                format!("`{key}` is not supported in strict mode"),
            ));
        }
    }
    if node.contains_key("$ref") && node.len() > 1 {
        errors.push(SchemaError::new(path, "`$ref` must not have sibling keys"));
    }
    if let Some(Value::String(format)) = node.get("format")
        && !STRICT_FORMATS.contains(&format.as_str())
    {
        errors.push(SchemaError::new(
            path,
            format!("format `{format}` is not supported"),
        ));
    }
    let is_object = match node.get("type") {
        Some(Value::String(ty)) => ty == "object",
        Some(Value::Array(types)) => types.iter().any(|t| t == "object"),
        _ => false,
    };
    if is_object {
        if node.get("additionalProperties") != Some(&Value::Bool(false)) {
            errors.push(SchemaError::new(
                path,
                "an object needs `additionalProperties: false`",
            ));
        }
        let names: Vec<&String> = node
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().collect())
            .unwrap_or_default();
        *properties += names.len();
        let required: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for name in &names {
            if !required.contains(&name.as_str()) {
                errors.push(SchemaError::new(
                    path,
                    format!("property `{name}` must be listed in `required`"),
                ));
            }
        }
        for name in &required {
            if !names.iter().any(|n| n == name) {
                errors.push(SchemaError::new(
                    path,
                    format!("`required` names `{name}`, which is not a property"),
                ));
            }
        }
    }
    for (key, child) in node {
        match key.as_str() {
            "properties" => {
                if let Some(children) = child.as_object() {
                    for (name, child) in children {
                        check_strict_node(
                            child,
                            &format!("{path}.properties.{name}"),
                            depth + 1,
                            properties,
                            errors,
                        );
                    }
                }
            }
            "$defs" => {
                if let Some(children) = child.as_object() {
                    for (name, child) in children {
                        check_strict_node(
                            child,
                            &format!("{path}.$defs.{name}"),
                            depth,
                            properties,
                            errors,
                        );
                    }
                }
            }
            "anyOf" => {
                if let Some(children) = child.as_array() {
                    for (i, child) in children.iter().enumerate() {
                        check_strict_node(
                            child,
                            &format!("{path}.anyOf[{i}]"),
                            depth,
                            properties,
                            errors,
                        );
                    }
                }
            }
            "items" => check_strict_node(
                child,
                &format!("{path}.items"),
                depth + 1,
                properties,
                errors,
            ),
            _ => {}
        }
    }
}

/// Formats Gemini accepts.
const GEMINI_FORMATS: &[&str] = &["enum", "date-time"];

fn to_gemini(base: &Value) -> Result<Value, SchemaError> {
    require_object_root(base)?;
    let defs = base.get("$defs").cloned().unwrap_or(Value::Null);
    let mut schema = base.clone();
    gemini_node(&mut schema, &defs, "", &mut Vec::new())?;
    Ok(schema)
}

/// Rewrites one node for Gemini; `inlining` holds the `$ref`s being inlined
/// around it, so a type that contains itself is caught.
fn gemini_node(
    schema: &mut Value,
    defs: &Value,
    path: &str,
    inlining: &mut Vec<String>,
) -> Result<(), SchemaError> {
    let Some(node) = schema.as_object_mut() else {
        // `true` (any value) becomes the empty schema.
        *schema = Value::Object(Map::new());
        return Ok(());
    };
    if let Some(reference) = node.get("$ref").and_then(Value::as_str).map(str::to_owned) {
        let name = reference.rsplit('/').next().unwrap_or_default().to_owned();
        if inlining.contains(&name) {
            return Err(SchemaError::new(
                path,
                format!(
                    "`{name}` contains itself, and Gemini's schemas cannot express recursive types"
                ),
            ));
        }
        let target = resolve_ref(node.get("$ref"), defs)
            .ok_or_else(|| {
                SchemaError::new(
                    path,
                    format!("refers to `{reference}`, which is not defined"),
                )
            })?
            .clone();
        node.remove("$ref");
        for (key, value) in target {
            node.entry(key).or_insert(value);
        }
        inlining.push(name);
        let result = gemini_node(schema, defs, path, inlining);
        inlining.pop();
        return result;
    }
    for key in [
        "$schema",
        "$defs",
        "title",
        "additionalProperties",
        "default",
        "uniqueItems",
        "examples",
    ] {
        node.remove(key);
    }
    if let Some(Value::String(format)) = node.get("format")
        && !GEMINI_FORMATS.contains(&format.as_str())
    {
        node.remove("format");
    }
    if let Some(value) = node.remove("const") {
        node.insert("enum".to_owned(), Value::Array(vec![value]));
    }
    if let Some(one_of) = node.remove("oneOf") {
        node.insert("anyOf".to_owned(), one_of);
    }
    // `type: ["string", "null"]` → `type: "string", nullable: true`.
    if let Some(Value::Array(types)) = node.get("type") {
        let nullable = types.iter().any(|t| t == "null");
        let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        match rest.as_slice() {
            [single] => {
                node.insert("type".to_owned(), single.clone());
            }
            [] => {
                node.insert("type".to_owned(), json!("null"));
            }
            _ => {
                let branches = rest.iter().map(|t| json!({ "type": t })).collect();
                node.remove("type");
                node.insert("anyOf".to_owned(), Value::Array(branches));
            }
        }
        if nullable {
            node.insert("nullable".to_owned(), Value::Bool(true));
        }
    }
    if node.get("nullable") == Some(&Value::Bool(true))
        && let Some(Value::Array(values)) = node.get_mut("enum")
    {
        values.retain(|v| !v.is_null());
    }
    // `anyOf: [X, {type: null}]` → X with `nullable: true`.
    if let Some(Value::Array(branches)) = node.get("anyOf") {
        let non_null: Vec<Value> = branches
            .iter()
            .filter(|b| b.get("type") != Some(&json!("null")))
            .cloned()
            .collect();
        if non_null.len() < branches.len() && non_null.len() == 1 {
            let mut merged = non_null.into_iter().next().unwrap_or(Value::Null);
            if let Some(merged_node) = merged.as_object_mut() {
                node.remove("anyOf");
                for (key, value) in std::mem::take(node) {
                    merged_node.entry(key).or_insert(value);
                }
                merged_node.insert("nullable".to_owned(), Value::Bool(true));
                *schema = merged;
                return gemini_node(schema, defs, path, inlining);
            }
        }
    }
    // Gemini: "when using any_of, it must be the only field set".
    if node.contains_key("anyOf") {
        node.retain(|key, _| key == "anyOf");
    }
    // `required` must name properties only.
    if let Some(Value::Object(properties)) = node.get("properties") {
        let names: Vec<String> = properties.keys().cloned().collect();
        if let Some(Value::Array(required)) = node.get_mut("required") {
            required.retain(|name| name.as_str().is_some_and(|n| names.iter().any(|p| p == n)));
        }
    }
    for (key, child) in node.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let Some(children) = child.as_object_mut() {
                    for (name, child) in children.iter_mut() {
                        gemini_node(child, defs, &format!("{path}.properties.{name}"), inlining)?;
                    }
                }
            }
            "anyOf" => {
                if let Some(children) = child.as_array_mut() {
                    for (i, child) in children.iter_mut().enumerate() {
                        gemini_node(child, defs, &format!("{path}.anyOf[{i}]"), inlining)?;
                    }
                }
            }
            "items" => gemini_node(child, defs, &format!("{path}.items"), inlining)?,
            _ => {}
        }
    }
    Ok(())
}
