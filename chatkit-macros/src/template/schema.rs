//! The data model `widget_template!` generates from a template's
//! `jsonSchema`: structs for objects, enums for string enums, and
//! `serde_json::Value` where the schema says more than Rust types can (the
//! data is still checked against the whole schema at run time).

use serde_json::{Map, Value};

use crate::catalog::{snake_case, variant_name};

/// A Rust type of the model.
#[derive(Clone)]
pub(crate) enum Ty {
    String,
    Integer,
    Number,
    Bool,
    /// Anything the model does not type (`anyOf`, free-form objects, ...).
    Json,
    Vec(Box<Ty>),
    /// A generated struct or enum, by name.
    Named(String),
    /// A type that also allows `null`.
    Nullable(Box<Ty>),
}

pub(crate) struct Field {
    /// The property name in the data.
    pub(crate) wire: String,
    /// The Rust field name (a raw identifier for keywords).
    pub(crate) ident: syn::Ident,
    pub(crate) ty: Ty,
    /// Listed in `required`: not an `Option` unless nullable.
    pub(crate) required: bool,
    pub(crate) doc: Option<String>,
}

pub(crate) enum TypeDef {
    Struct {
        name: String,
        doc: Option<String>,
        fields: Vec<Field>,
    },
    Enum {
        name: String,
        doc: Option<String>,
        /// `(wire value, variant name)`.
        variants: Vec<(String, String)>,
    },
}

/// Every generated type; the first is the root struct.
pub(crate) struct Model {
    pub(crate) types: Vec<TypeDef>,
}

/// Deep enough for any hand-written schema; deeper means a `$ref` cycle,
/// which becomes `Value`.
const MAX_DEPTH: usize = 16;

/// The model of `schema`, whose root struct is `name`.
///
/// # Errors
/// The root is not an object schema with `properties`.
pub(crate) fn model(schema: &Value, name: &str) -> Result<Model, String> {
    let root =
        resolve(schema, schema, 0).ok_or("the `jsonSchema` has a `$ref` that does not resolve")?;
    if schema_type(root).as_deref() != Some("object")
        || !root.get("properties").is_some_and(Value::is_object)
    {
        return Err(format!(
            "to generate `{name}`, the `jsonSchema` must be an object schema with `properties`"
        ));
    }
    let mut model = Model { types: Vec::new() };
    let mut builder = Builder {
        root: schema,
        model: &mut model,
    };
    builder.object(root, name, 0);
    Ok(model)
}

struct Builder<'a> {
    root: &'a Value,
    model: &'a mut Model,
}

impl Builder<'_> {
    fn unique(&self, name: &str) -> String {
        let taken = |candidate: &str| {
            self.model.types.iter().any(|t| match t {
                TypeDef::Struct { name, .. } | TypeDef::Enum { name, .. } => name == candidate,
            })
        };
        if !taken(name) {
            return name.to_owned();
        }
        (2..)
            .map(|i| format!("{name}{i}"))
            .find(|candidate| !taken(candidate))
            .unwrap_or_else(|| name.to_owned())
    }

    fn object(&mut self, schema: &Value, name: &str, depth: usize) -> Ty {
        let name = self.unique(name);
        // Reserve the name before the fields, whose types are named after it.
        let index = self.model.types.len();
        self.model.types.push(TypeDef::Struct {
            name: name.clone(),
            doc: description(schema),
            fields: Vec::new(),
        });
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        let mut idents: Vec<String> = Vec::new();
        for (wire, property) in properties {
            let hint = format!("{name}{}", pascal(wire));
            let ty = self.ty(property, &hint, depth + 1);
            let mut ident = field_ident(wire);
            while idents.contains(&ident.to_string()) {
                ident = quote::format_ident!("{}_", ident.to_string().trim_start_matches("r#"));
            }
            idents.push(ident.to_string());
            fields.push(Field {
                wire: wire.clone(),
                ident,
                ty,
                required: required.contains(&wire.as_str()),
                doc: resolve(self.root, property, 0).and_then(description),
            });
        }
        if let Some(TypeDef::Struct { fields: slot, .. }) = self.model.types.get_mut(index) {
            *slot = fields;
        }
        Ty::Named(name)
    }

    fn ty(&mut self, schema: &Value, hint: &str, depth: usize) -> Ty {
        if depth > MAX_DEPTH {
            return Ty::Json;
        }
        let Some(schema) = resolve(self.root, schema, 0) else {
            return Ty::Json;
        };
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return self.string_enum(schema, values, hint);
        }
        if schema.get("const").is_some_and(Value::is_string) {
            return Ty::String;
        }
        let (kind, nullable) = match schema.get("type") {
            Some(Value::String(kind)) => (Some(kind.as_str()), false),
            Some(Value::Array(kinds)) => {
                let kinds: Vec<&str> = kinds.iter().filter_map(Value::as_str).collect();
                let non_null: Vec<&str> = kinds.iter().copied().filter(|k| *k != "null").collect();
                match non_null.as_slice() {
                    [one] => (Some(*one), kinds.contains(&"null")),
                    _ => (None, false),
                }
            }
            None if schema.get("properties").is_some() => (Some("object"), false),
            _ => (None, false),
        };
        let ty = match kind {
            Some("string") => Ty::String,
            Some("integer") => Ty::Integer,
            Some("number") => Ty::Number,
            Some("boolean") => Ty::Bool,
            Some("array") => Ty::Vec(Box::new(match schema.get("items") {
                Some(items) if items.is_object() => {
                    self.ty(items, &format!("{hint}Item"), depth + 1)
                }
                _ => Ty::Json,
            })),
            Some("object") if schema.get("properties").is_some_and(Value::is_object) => {
                self.object(schema, hint, depth)
            }
            _ => Ty::Json,
        };
        if nullable {
            Ty::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// `{"enum": ["sm", "md"]}` → an enum; with a `null` or a non-string
    /// value, or names that do not map to distinct variants, a `String` or `Value`.
    fn string_enum(&mut self, schema: &Value, values: &[Value], hint: &str) -> Ty {
        let nullable = values.iter().any(Value::is_null);
        let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        if strings.len() + usize::from(nullable) != values.len() || strings.is_empty() {
            return Ty::Json;
        }
        let variants: Vec<(String, String)> = strings
            .iter()
            .map(|value| ((*value).to_owned(), variant_name(value)))
            .collect();
        let distinct = variants
            .iter()
            .map(|(_, v)| v)
            .collect::<std::collections::HashSet<_>>()
            .len()
            == variants.len();
        let valid = variants
            .iter()
            .all(|(_, v)| syn::parse_str::<syn::Ident>(v).is_ok() && v != "Self");
        if !distinct || !valid {
            return if nullable {
                Ty::Nullable(Box::new(Ty::String))
            } else {
                Ty::String
            };
        }
        let name = self.unique(hint);
        self.model.types.push(TypeDef::Enum {
            name: name.clone(),
            doc: description(schema),
            variants,
        });
        let ty = Ty::Named(name);
        if nullable {
            Ty::Nullable(Box::new(ty))
        } else {
            ty
        }
    }
}

/// Follows a local `$ref` (`#/$defs/Name`); `None` when it does not resolve.
fn resolve<'a>(root: &'a Value, schema: &'a Value, depth: usize) -> Option<&'a Value> {
    match schema.get("$ref").and_then(Value::as_str) {
        None => Some(schema),
        Some(_) if depth > MAX_DEPTH => None,
        Some(reference) => {
            let pointer = reference.strip_prefix('#')?;
            resolve(root, root.pointer(pointer)?, depth + 1)
        }
    }
}

fn schema_type(schema: &Value) -> Option<String> {
    match schema.get("type") {
        Some(Value::String(kind)) => Some(kind.clone()),
        None if schema.get("properties").is_some() => Some("object".to_owned()),
        _ => None,
    }
}

fn description(schema: &Value) -> Option<String> {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// `default_topic` or `defaultTopic` → `DefaultTopic`.
fn pascal(wire: &str) -> String {
    let cleaned: String = wire
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let name = variant_name(&cleaned);
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("Field{name}")
    }
}

/// The Rust field for a property: snake_case, `_` for other characters, a
/// raw identifier for keywords.
fn field_ident(wire: &str) -> syn::Ident {
    let mut name: String = snake_case(wire)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if let Ok(ident) = syn::parse_str::<syn::Ident>(&name) {
        return ident;
    }
    // `self`, `super`, `crate` and `Self` cannot be raw identifiers.
    if matches!(name.as_str(), "self" | "super" | "crate") {
        return quote::format_ident!("{name}_");
    }
    syn::Ident::new_raw(&name, proc_macro2::Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(model: &Model) -> Vec<String> {
        model
            .types
            .iter()
            .map(|t| match t {
                TypeDef::Struct { name, fields, .. } => format!(
                    "struct {name} {{ {} }}",
                    fields
                        .iter()
                        .map(|f| format!("{}{}", f.ident, if f.required { "" } else { "?" }))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                TypeDef::Enum { name, variants, .. } => format!(
                    "enum {name} {{ {} }}",
                    variants
                        .iter()
                        .map(|(_, v)| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
            .collect()
    }

    #[test]
    fn objects_become_structs_and_string_enums_enums() {
        let schema = json!({
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "userName": {"type": "string"},
                "size": {"enum": ["sm", "2xl"]},
                "order": {"$ref": "#/$defs/Order"},
                "tags": {"type": "array", "items": {"type": "string"}}
            },
            "required": ["type", "order"],
            "$defs": {"Order": {"type": "object", "properties": {"id": {"type": "integer"}}}}
        });
        let model = model(&schema, "Data").unwrap();
        assert_eq!(
            names(&model),
            [
                "struct Data { order, size?, tags?, r#type, user_name? }",
                "struct DataOrder { id? }",
                "enum DataSize { Sm, TwoXl }",
            ]
        );
    }

    #[test]
    fn the_root_must_be_an_object() {
        let err = model(&json!({"type": "array"}), "Data").err().unwrap();
        assert_eq!(
            err,
            "to generate `Data`, the `jsonSchema` must be an object schema with `properties`"
        );
    }
}
