//! Everything that can be wrong with a `.widget` file, found while
//! compiling: each check reports at the path literal and the others still run.

use std::path::PathBuf;

use serde_json::Value;

use super::ast::TemplateInput;
use super::schema::{self, Model};
use crate::catalog::json_check;
use crate::common::ctxt::Ctxt;

/// What expansion needs from a file that passed (or partly passed) the checks.
pub(crate) struct Checked {
    /// The absolute path, for `include_str!`.
    pub(crate) path: String,
    /// The data model, in the struct form, when the schema allows one.
    pub(crate) model: Option<Model>,
}

/// Reads and checks the file; `None` when it cannot be read at all.
pub(crate) fn check(input: &TemplateInput, cx: &mut Ctxt) -> Option<Checked> {
    let lit = &input.path;
    let relative = lit.value();
    let base = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
    let path = base.join(&relative);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => {
            cx.error(
                lit.span(),
                format!(
                    "cannot read `{relative}`: {err}\n\nhelp: the path is relative to the directory of the crate's `Cargo.toml`"
                ),
            );
            return None;
        }
    };
    let checked = |model| Checked {
        path: path.display().to_string(),
        model,
    };
    let mut object = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(object)) => object,
        Ok(_) => {
            cx.error(
                lit.span(),
                format!("`{relative}` is not a `.widget` file: it is not a JSON object"),
            );
            return Some(checked(None));
        }
        Err(err) => {
            cx.error(lit.span(), format!("`{relative}` is not JSON: {err}"));
            return Some(checked(None));
        }
    };
    let string = |key: &str, cx: &mut Ctxt| match object.get(key) {
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => {
            cx.error(
                lit.span(),
                format!("`{key}` of `{relative}` must be a string"),
            );
            None
        }
        None => {
            cx.error(lit.span(), format!("`{relative}` has no `{key}`"));
            None
        }
    };
    if let Some(version) = string("version", cx)
        && version != "1.0"
    {
        cx.error(
            lit.span(),
            format!("`{relative}` has version `{version}`: only `\"1.0\"` is supported"),
        );
    }
    // The name is only read at run time, but a file without one would not load.
    let _ = string("name", cx);
    if let Some(template) = string("template", cx) {
        check_template(&template, &relative, lit, cx);
    }
    if object
        .get("encodedWidget")
        .is_some_and(|e| !e.is_string() && !e.is_null())
    {
        cx.error(
            lit.span(),
            format!("`encodedWidget` of `{relative}` must be a string"),
        );
    }
    let schema = object
        .remove("jsonSchema")
        .unwrap_or_else(|| Value::Object(Default::default()));
    if let Err(err) = jsonschema::validator_for(&schema) {
        cx.error(
            lit.span(),
            format!("the `jsonSchema` of `{relative}` is not a valid JSON Schema: {err}"),
        );
    }
    match object.get("outputJsonPreview") {
        None => cx.error(
            lit.span(),
            format!("`{relative}` has no `outputJsonPreview`"),
        ),
        Some(preview) => {
            for (at, message) in json_check::check_root(preview) {
                cx.error(
                    lit.span(),
                    format!("the `outputJsonPreview` of `{relative}` is not a valid widget: {at}: {message}"),
                );
            }
        }
    }
    let model = input.data.as_ref().and_then(|data| {
        let name = data.name.to_string();
        schema::model(&schema, &name)
            .map_err(|err| cx.error(lit.span(), format!("{err} (in `{relative}`)")))
            .ok()
    });
    Some(checked(model))
}

/// Parses the template with the engine and settings of `WidgetTemplate`.
fn check_template(template: &str, relative: &str, lit: &syn::LitStr, cx: &mut Ctxt) {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    if let Err(err) = env.template_from_str(template) {
        let line = err
            .line()
            .map(|l| format!(", line {l}"))
            .unwrap_or_default();
        let detail = err.detail().map(|d| format!(": {d}")).unwrap_or_default();
        cx.error(
            lit.span(),
            format!(
                "the template of `{relative}` does not parse{line}: {}{detail}",
                err.kind()
            ),
        );
    }
}
