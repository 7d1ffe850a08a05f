//! `.widget` templates: the files ChatKit's widget builder exports, rendered
//! with the data of one widget.
//!
//! A `.widget` file is a JSON object with `version` (only `"1.0"`), `name`,
//! `template` (a Jinja template that renders widget JSON), `jsonSchema` (the
//! JSON Schema of the data), `outputJsonPreview` (the widget rendered from
//! sample data) and `encodedWidget` (the builder's own source, kept as is).

use std::fmt;
use std::path::{Path, PathBuf};

use minijinja::value::{Kwargs, Serde};
use minijinja::{AutoEscape, Environment, ErrorKind, State, UndefinedBehavior};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::WidgetRoot;
use crate::strict::{self, Issue};

/// The name the template is registered under in its environment.
const TEMPLATE: &str = "template";

/// A `.widget` template, parsed and checked, ready to [`build`](Self::build)
/// widgets from data.
///
/// ```
/// use widget_dsl::{WidgetRoot, WidgetTemplate};
///
/// let template = WidgetTemplate::from_str(r#"{
///     "version": "1.0",
///     "name": "greeting",
///     "template": "{\"type\": \"Card\", \"children\": [{\"type\": \"Text\", \"value\": {{ (\"Hello, \" ~ name) | tojson }}}]}",
///     "jsonSchema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
///     "outputJsonPreview": {"type": "Card", "children": [{"type": "Text", "value": "Hello, Ada"}]}
/// }"#).unwrap();
///
/// let card: WidgetRoot = template.build(serde_json::json!({ "name": "Grace" })).unwrap();
/// assert_eq!(serde_json::to_value(&card).unwrap()["children"][0]["value"], "Hello, Grace");
///
/// // The data is checked against `jsonSchema` first.
/// let err = template.build(serde_json::json!({ "name": 7 })).unwrap_err();
/// assert_eq!(err.to_string(), "template `greeting`: the data does not match its `jsonSchema`: $.name: 7 is not of type \"string\"");
/// ```
#[derive(Debug)]
pub struct WidgetTemplate {
    name: String,
    origin: Option<PathBuf>,
    env: Environment<'static>,
    schema: Value,
    validator: jsonschema::Validator,
    preview: Value,
    encoded_widget: Option<String>,
}

impl WidgetTemplate {
    /// Reads and checks a `.widget` file.
    ///
    /// # Errors
    /// The file cannot be read, or [`from_str`](Self::from_str) rejects it.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, TemplateError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|err| TemplateError {
            template: path.display().to_string(),
            kind: TemplateErrorKind::Io(err.to_string()),
        })?;
        let mut template = Self::parse(&text, Some(path))?;
        template.origin = Some(path.to_owned());
        Ok(template)
    }

    /// Parses and checks the text of a `.widget` file: its JSON, its version,
    /// the template's syntax and the data schema.
    ///
    /// # Errors
    /// The first of those that is wrong.
    #[allow(clippy::should_implement_trait)] // `FromStr` could not say which file.
    pub fn from_str(text: &str) -> Result<Self, TemplateError> {
        Self::parse(text, None)
    }

    fn parse(text: &str, path: Option<&Path>) -> Result<Self, TemplateError> {
        let label = || path.map_or_else(|| "<string>".to_owned(), |p| p.display().to_string());
        let definition = Definition::parse(text).map_err(|message| TemplateError {
            template: label(),
            kind: TemplateErrorKind::Definition(message),
        })?;
        let named = |kind| TemplateError {
            template: definition.name.clone(),
            kind,
        };
        let env = environment(definition.template).map_err(|err| {
            named(TemplateErrorKind::Syntax {
                line: err.line(),
                message: jinja_message(&err),
            })
        })?;
        let validator = jsonschema::validator_for(&definition.schema)
            .map_err(|err| named(TemplateErrorKind::Schema(err.to_string())))?;
        Ok(Self {
            name: definition.name,
            origin: path.map(Path::to_owned),
            env,
            schema: definition.schema,
            validator,
            preview: definition.preview,
            encoded_widget: definition.encoded_widget,
        })
    }

    /// Renders the widget for `data`: checks `data` against `jsonSchema`,
    /// renders the template, and parses the output into the typed
    /// catalogue. `()` or `None` stand for no data.
    ///
    /// # Errors
    /// The data does not match the schema, the template fails (an undefined
    /// variable, a bad filter argument, ...), or the output is not JSON of a
    /// widget root whose every component, prop and value is in the
    /// catalogue.
    pub fn build(&self, data: impl Serialize) -> Result<WidgetRoot, TemplateError> {
        let error = |kind| TemplateError {
            template: self.name.clone(),
            kind,
        };
        let data = match serde_json::to_value(data) {
            Ok(Value::Null) => Value::Object(Map::new()),
            Ok(data @ Value::Object(_)) => data,
            Ok(other) => {
                return Err(error(TemplateErrorKind::Data(vec![Issue {
                    path: "$".to_owned(),
                    message: format!("the data must be a JSON object, found `{other}`"),
                }])));
            }
            Err(err) => {
                return Err(error(TemplateErrorKind::Data(vec![Issue {
                    path: "$".to_owned(),
                    message: format!("the data does not serialize: {err}"),
                }])));
            }
        };
        let mut issues: Vec<Issue> = self
            .validator
            .iter_errors(&data)
            .map(|err| Issue {
                path: pointer_to_path(&err.instance_path().to_string()),
                message: err.to_string(),
            })
            .collect();
        issues.sort_by(|a, b| a.path.cmp(&b.path));
        if !issues.is_empty() {
            return Err(error(TemplateErrorKind::Data(issues)));
        }
        let rendered = self
            .env
            .get_template(TEMPLATE)
            .and_then(|template| template.render(minijinja::Value::from(Serde(&data))))
            .map_err(|err| {
                error(TemplateErrorKind::Render {
                    line: err.line(),
                    message: jinja_message(&err),
                })
            })?;
        let output: Value = serde_json::from_str(&rendered).map_err(|err| {
            error(TemplateErrorKind::NotJson {
                message: err.to_string(),
                output: rendered.clone(),
            })
        })?;
        strict::parse_root(&output).map_err(|issues| error(TemplateErrorKind::Output(issues)))
    }

    /// A template `widget_template!` checked at compile time.
    pub(crate) fn checked(text: &str, path: &str) -> Self {
        Self::parse(text, Some(Path::new(path)))
            .unwrap_or_else(|err| unreachable!("`widget_template!` checked {path}: {err}"))
    }

    /// The template's `name`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file it was read from, if any.
    pub fn path(&self) -> Option<&Path> {
        self.origin.as_deref()
    }

    /// The JSON Schema its data is checked against.
    pub fn json_schema(&self) -> &Value {
        &self.schema
    }

    /// `outputJsonPreview`: the widget the builder rendered from its sample data.
    pub fn output_json_preview(&self) -> &Value {
        &self.preview
    }

    /// `encodedWidget`: the builder's own source, kept verbatim.
    pub fn encoded_widget(&self) -> Option<&str> {
        self.encoded_widget.as_deref()
    }
}

/// The fields of a `.widget` file.
struct Definition {
    name: String,
    template: String,
    schema: Value,
    preview: Value,
    encoded_widget: Option<String>,
}

impl Definition {
    fn parse(text: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text).map_err(|err| format!("not JSON: {err}"))?;
        let Value::Object(mut object) = value else {
            return Err("a `.widget` file is a JSON object".to_owned());
        };
        let mut string = |key: &str| match object.remove(key) {
            Some(Value::String(text)) => Ok(text),
            Some(_) => Err(format!("`{key}` must be a string")),
            None => Err(format!("`{key}` is missing")),
        };
        let version = string("version")?;
        if version != "1.0" {
            return Err(format!(
                "unsupported version `{version}`: only `\"1.0\"` is supported"
            ));
        }
        let name = string("name")?;
        let template = string("template")?;
        let encoded_widget = match object.remove("encodedWidget") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text),
            Some(_) => return Err("`encodedWidget` must be a string".to_owned()),
        };
        // The reference treats a missing schema as `{}`, which accepts anything.
        let schema = object
            .remove("jsonSchema")
            .unwrap_or_else(|| Value::Object(Map::new()));
        let preview = object.remove("outputJsonPreview").unwrap_or(Value::Null);
        Ok(Self {
            name,
            template,
            schema,
            preview,
            encoded_widget,
        })
    }
}

/// A Jinja environment like the reference's `Environment(undefined=StrictUndefined)`.
fn environment(source: String) -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Jinja2's `Environment()` does not escape; the output is JSON, not HTML.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.add_filter("tojson", tojson);
    env.add_template_owned(TEMPLATE, source)?;
    Ok(env)
}

/// Jinja2's `tojson`. MiniJinja's own serializes an undefined value as `null`,
/// where the reference's `StrictUndefined` fails; this one fails too.
fn tojson(
    _state: &State<'_, '_>,
    value: &minijinja::Value,
    kwargs: Kwargs,
) -> Result<minijinja::Value, minijinja::Error> {
    let indent: Option<usize> = kwargs.get("indent")?;
    kwargs.assert_all_used()?;
    if value.is_undefined() {
        return Err(minijinja::Error::new(
            ErrorKind::UndefinedError,
            "an undefined value cannot be serialized with `tojson`",
        ));
    }
    let json = match indent {
        Some(width) => {
            let indent = " ".repeat(width);
            let mut out = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
            let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
            value.serialize(&mut serializer).map_err(|err| {
                minijinja::Error::new(ErrorKind::BadSerialization, err.to_string())
            })?;
            String::from_utf8(out).map_err(|err| {
                minijinja::Error::new(ErrorKind::BadSerialization, err.to_string())
            })?
        }
        None => serde_json::to_string(value)
            .map_err(|err| minijinja::Error::new(ErrorKind::BadSerialization, err.to_string()))?,
    };
    Ok(minijinja::Value::from_safe_string(json))
}

/// The error without MiniJinja's `(in template:LINE)` suffix, which names
/// the internal template name; the line is reported on its own.
fn jinja_message(err: &minijinja::Error) -> String {
    let mut message = err.kind().to_string();
    if let Some(detail) = err.detail() {
        message.push_str(": ");
        message.push_str(detail);
    }
    message
}

/// `/children/0/name` → `$.children[0].name`.
fn pointer_to_path(pointer: &str) -> String {
    let mut path = String::from("$");
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() {
            path.push_str(&format!("[{segment}]"));
        } else {
            path.push('.');
            path.push_str(&segment);
        }
    }
    path
}

/// Why a template could not be loaded or built; its `Display` names the
/// template, and the line or the JSON path of the problem.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError {
    template: String,
    kind: TemplateErrorKind,
}

impl TemplateError {
    /// The template's `name`, or its file when it has none yet.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// What went wrong.
    pub fn kind(&self) -> &TemplateErrorKind {
        &self.kind
    }
}

/// What went wrong with a template.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TemplateErrorKind {
    /// The file could not be read.
    Io(String),
    /// The file is not a `.widget` definition: not JSON, a missing field, an
    /// unsupported `version`.
    Definition(String),
    /// The template does not parse.
    Syntax {
        /// The line in the template.
        line: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// `jsonSchema` is not a valid JSON Schema.
    Schema(String),
    /// The data does not match `jsonSchema`; one issue per mismatch.
    Data(Vec<Issue>),
    /// Rendering failed, such as on an undefined variable.
    Render {
        /// The line in the template.
        line: Option<usize>,
        /// The engine's message.
        message: String,
    },
    /// The rendered text is not JSON.
    NotJson {
        /// The JSON parser's message (with the line and column in the output).
        message: String,
        /// The rendered text.
        output: String,
    },
    /// The rendered JSON is not a valid widget; one issue per problem.
    Output(Vec<Issue>),
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |issues: &[Issue]| {
            issues
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        };
        let at = |line: &Option<usize>| line.map(|l| format!(", line {l}")).unwrap_or_default();
        let name = &self.template;
        match &self.kind {
            TemplateErrorKind::Io(err) => write!(f, "template {name}: cannot read it: {err}"),
            TemplateErrorKind::Definition(err) => write!(f, "template {name}: {err}"),
            TemplateErrorKind::Syntax { line, message } => {
                write!(
                    f,
                    "template `{name}`{}: the template does not parse: {message}",
                    at(line)
                )
            }
            TemplateErrorKind::Schema(err) => {
                write!(
                    f,
                    "template `{name}`: its `jsonSchema` is not a valid JSON Schema: {err}"
                )
            }
            TemplateErrorKind::Data(issues) => write!(
                f,
                "template `{name}`: the data does not match its `jsonSchema`: {}",
                list(issues)
            ),
            TemplateErrorKind::Render { line, message } => {
                write!(
                    f,
                    "template `{name}`{}: rendering failed: {message}",
                    at(line)
                )
            }
            TemplateErrorKind::NotJson { message, .. } => {
                write!(f, "template `{name}`: the output is not JSON: {message}")
            }
            TemplateErrorKind::Output(issues) => write!(
                f,
                "template `{name}`: the output is not a valid widget: {}",
                list(issues)
            ),
        }
    }
}

impl std::error::Error for TemplateError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn definition(template: &str) -> String {
        json!({
            "version": "1.0",
            "name": "t",
            "template": template,
            "jsonSchema": {"type": "object", "properties": {"title": {"type": "string"}}},
            "outputJsonPreview": {"type": "Card", "children": []},
        })
        .to_string()
    }

    #[test]
    fn only_version_one_is_supported() {
        let text = definition("{}").replace("\"1.0\"", "\"2.0\"");
        let err = WidgetTemplate::from_str(&text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "template <string>: unsupported version `2.0`: only `\"1.0\"` is supported"
        );
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let err = WidgetTemplate::from_str(&definition("{\n{% if title %}\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "template `t`, line 2: the template does not parse: syntax error: unexpected end of input, expected end of block"
        );
    }

    #[test]
    fn undefined_variables_are_errors_even_in_tojson() {
        let template = WidgetTemplate::from_str(&definition(
            "{\"type\": \"Card\",\n \"x\": {{ title | tojson }}}",
        ))
        .unwrap();
        let err = template.build(()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "template `t`, line 2: rendering failed: undefined value: an undefined value cannot be serialized with `tojson`"
        );
    }

    #[test]
    fn output_errors_name_the_json_path() {
        let template = WidgetTemplate::from_str(&definition(
            r#"{"type": "Card", "children": [{"type": "Text", "value": {{ title | tojson }}, "size": "huge"}]}"#,
        ))
        .unwrap();
        let err = template.build(json!({"title": "x"})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "template `t`: the output is not a valid widget: $.children[0].size: unknown variant `huge`, expected one of `xs`, `sm`, `md`, `lg`, `xl`"
        );
        let not_json = WidgetTemplate::from_str(&definition("{\"type\": ")).unwrap();
        assert!(matches!(
            not_json.build(()).unwrap_err().kind(),
            TemplateErrorKind::NotJson { .. }
        ));
    }

    #[test]
    fn data_must_be_an_object() {
        let template = WidgetTemplate::from_str(&definition("{}")).unwrap();
        assert_eq!(
            template.build([1, 2]).unwrap_err().to_string(),
            "template `t`: the data does not match its `jsonSchema`: $: the data must be a JSON object, found `[1,2]`"
        );
    }

    #[test]
    fn pointers_become_paths() {
        assert_eq!(pointer_to_path(""), "$");
        assert_eq!(pointer_to_path("/items/3/a~1b"), "$.items[3].a/b");
    }
}
