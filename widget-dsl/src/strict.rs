//! Strict parsing: JSON that must be a widget of the catalogue, every node
//! typed, or a list of what is wrong with it, each at its JSON path.
//!
//! The ordinary `Deserialize` of [`WidgetRoot`] is lossless instead: what
//! does not fit becomes a [`DynamicWidget`](crate::DynamicWidget). Output
//! rendered from a template must fit, so it is checked here first.

use std::fmt;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

use crate::WidgetRoot;
use crate::components::check_prop;

/// One problem, at a JSON path such as `$.children[0].size`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Where: `$` is the root.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

#[derive(Deserialize)]
struct Component {
    r#type: String,
    placement: String,
    children: String,
    props: Vec<Prop>,
}

#[derive(Deserialize)]
struct Prop {
    wire: String,
    required: bool,
}

/// The catalogue `chatkit-macros` exports, the same data the types come from.
static CATALOG: LazyLock<Vec<Component>> = LazyLock::new(|| {
    serde_json::from_str(crate::__private::catalog_json!())
        .unwrap_or_else(|err| unreachable!("the exported catalogue is valid JSON: {err}"))
});

fn component(type_name: &str) -> Option<&'static Component> {
    CATALOG.iter().find(|c| c.r#type == type_name)
}

impl Component {
    fn accepts(&self, child: &Component) -> bool {
        let spec: Vec<&str> = self.children.split(':').collect();
        match spec.as_slice() {
            ["single"] | ["list", "component", _] => child.placement == "component",
            ["list", "only", name, _] => child.r#type == *name,
            ["list", "node", _] => matches!(child.placement.as_str(), "component" | "root"),
            _ => false,
        }
    }

    fn root(&self) -> bool {
        self.placement == "root"
    }
}

/// Parses `value` as a widget root whose every node is typed.
///
/// # Errors
/// Every problem found, each at its JSON path.
pub(crate) fn parse_root(value: &Value) -> Result<WidgetRoot, Vec<Issue>> {
    let mut issues = Vec::new();
    node(value, "$", None, &mut issues);
    if !issues.is_empty() {
        // By path, so the order does not depend on whether `serde_json`
        // keeps objects in insertion order (its `preserve_order` feature).
        issues.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(issues);
    }
    WidgetRoot::deserialize(value).map_err(|err| {
        vec![Issue {
            path: "$".to_owned(),
            message: err.to_string(),
        }]
    })
}

fn issue(issues: &mut Vec<Issue>, path: &str, message: impl Into<String>) {
    issues.push(Issue {
        path: path.to_owned(),
        message: message.into(),
    });
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "`null`",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn node(value: &Value, path: &str, parent: Option<&Component>, issues: &mut Vec<Issue>) {
    let Value::Object(object) = value else {
        return issue(
            issues,
            path,
            format!("expected a widget object, found {}", describe(value)),
        );
    };
    let Some(Value::String(type_name)) = object.get("type") else {
        return issue(issues, path, "a widget needs a string `type`");
    };
    let Some(component) = component(type_name) else {
        return issue(
            issues,
            &format!("{path}.type"),
            format!("unknown component `{type_name}`"),
        );
    };
    match parent {
        None if !component.root() => issue(
            issues,
            path,
            format!(
                "`{type_name}` is not a widget root: the root must be a `Card`, a `ListView` or a `Basic`"
            ),
        ),
        Some(parent) if !parent.accepts(component) => issue(
            issues,
            path,
            format!("`{type_name}` cannot be a child of `{}`", parent.r#type),
        ),
        _ => {}
    }
    for (key, value) in object {
        let at = format!("{path}.{key}");
        match key.as_str() {
            "type" => {}
            "children" => children(component, value, &at, issues),
            // An optional prop set to `null` is left out, as the reference's
            // `exclude_none` dump does; a required one is reported below.
            _ if value.is_null() && component.props.iter().any(|p| p.wire == *key) => {}
            _ => match check_prop(type_name, key, value) {
                None => issue(
                    issues,
                    &at,
                    format!("unknown prop `{key}` on `{type_name}`"),
                ),
                Some(Err(err)) => issue(issues, &at, err.to_string()),
                Some(Ok(())) => {}
            },
        }
    }
    for prop in component.props.iter().filter(|p| p.required) {
        if object.get(&prop.wire).is_none_or(Value::is_null) {
            issue(
                issues,
                path,
                format!("`{type_name}` is missing the required prop `{}`", prop.wire),
            );
        }
    }
    let required_list = component.children.ends_with(":required") || component.children == "single";
    if required_list && object.get("children").is_none_or(Value::is_null) {
        issue(
            issues,
            path,
            format!("`{type_name}` is missing its `children`"),
        );
    }
}

fn children(component: &Component, value: &Value, path: &str, issues: &mut Vec<Issue>) {
    match (component.children.as_str(), value) {
        ("none", _) => issue(
            issues,
            path,
            format!("`{}` takes no children", component.r#type),
        ),
        (_, Value::Null) => {}
        ("single", child) => node(child, path, Some(component), issues),
        (_, Value::Array(list)) => {
            for (i, child) in list.iter().enumerate() {
                node(child, &format!("{path}[{i}]"), Some(component), issues);
            }
        }
        (_, other) => issue(
            issues,
            path,
            format!("expected a list of children, found {}", describe(other)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn issues(value: Value) -> Vec<String> {
        match parse_root(&value) {
            Ok(root) => panic!("parsed: {root:?}"),
            Err(issues) => issues.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn valid_widgets_parse_typed() {
        let value = json!({"type": "ListView", "children": [
            {"type": "ListViewItem", "children": [{"type": "Text", "value": "a", "size": null}]}
        ]});
        let root = parse_root(&value).unwrap();
        assert!(!format!("{root:?}").contains("Dynamic"));
    }

    #[test]
    fn every_problem_is_named_at_its_path() {
        let found = issues(json!({"type": "Card", "size": "huge", "children": [
            {"type": "Text"},
            {"type": "Row", "children": [{"type": "Sparkline"}, {"type": "Card", "children": []}]},
            {"type": "Badge", "label": "x", "colour": "info"},
        ]}));
        assert_eq!(
            found,
            [
                "$.children[0]: `Text` is missing the required prop `value`",
                "$.children[1].children[0].type: unknown component `Sparkline`",
                "$.children[1].children[1]: `Card` cannot be a child of `Row`",
                "$.children[2].colour: unknown prop `colour` on `Badge`",
                "$.size: unknown variant `huge`, expected one of `sm`, `md`, `lg`, `full`",
            ]
        );
    }

    #[test]
    fn the_root_must_be_a_root() {
        assert_eq!(
            issues(json!({"type": "Row"})),
            ["$: `Row` is not a widget root: the root must be a `Card`, a `ListView` or a `Basic`"]
        );
        assert_eq!(
            issues(json!({"type": "ListView", "children": [{"type": "Text", "value": "x"}]})),
            ["$.children[0]: `Text` cannot be a child of `ListView`"]
        );
    }
}
