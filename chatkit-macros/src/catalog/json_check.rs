//! Checks widget JSON against the catalogue at compile time (the
//! `outputJsonPreview` of a `.widget` file), naming each problem's JSON path.
//!
//! `widget-dsl` checks rendered output at run time with its typed
//! deserializers (`strict.rs`); this is the same set of rules read from the
//! catalogue directly, since the macro cannot use the types it generates.

use serde_json::{Map, Value};

use super::{COMPONENTS, Children, Component, ICON_PREFIXES, ICONS, LiteralSet, PropKind};

/// `(JSON path, message)` for every problem in `value`, a widget root.
pub(crate) fn check_root(value: &Value) -> Vec<(String, String)> {
    let mut issues = Vec::new();
    node(value, "$", None, &mut issues);
    // By path, whatever order `serde_json` keeps object keys in.
    issues.sort();
    issues
}

type Issues = Vec<(String, String)>;

fn push(issues: &mut Issues, path: &str, message: impl Into<String>) {
    issues.push((path.to_owned(), message.into()));
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

fn node(value: &Value, path: &str, parent: Option<&Component>, issues: &mut Issues) {
    let Value::Object(object) = value else {
        return push(
            issues,
            path,
            format!("expected a widget object, found {}", describe(value)),
        );
    };
    let Some(Value::String(type_name)) = object.get("type") else {
        return push(issues, path, "a widget needs a string `type`");
    };
    let Some(component) = COMPONENTS.iter().find(|c| c.name == type_name) else {
        return push(
            issues,
            &format!("{path}.type"),
            format!("unknown component `{type_name}`"),
        );
    };
    match parent {
        None if component.placement != super::Placement::Root => push(
            issues,
            path,
            format!(
                "`{type_name}` is not a widget root: the root must be a `Card`, a `ListView` or a `Basic`"
            ),
        ),
        Some(parent) if !parent.accepts(component) => push(
            issues,
            path,
            format!("`{type_name}` cannot be a child of `{}`", parent.name),
        ),
        _ => {}
    }
    for (key, value) in object {
        let at = format!("{path}.{key}");
        match key.as_str() {
            "type" => {}
            "children" => children(component, value, &at, issues),
            _ => match component.all_props().find(|p| p.wire_name() == *key) {
                None => push(
                    issues,
                    &at,
                    format!("unknown prop `{key}` on `{type_name}`"),
                ),
                // Left out, as the reference's `exclude_none` dump does.
                Some(prop) if value.is_null() && !prop.required => {}
                Some(prop) => kind(prop.kind, value, &at, issues),
            },
        }
    }
    for prop in component.required_props() {
        if object.get(&prop.wire_name()).is_none_or(Value::is_null) {
            push(
                issues,
                path,
                format!(
                    "`{type_name}` is missing the required prop `{}`",
                    prop.wire_name()
                ),
            );
        }
    }
    let required = matches!(
        component.children,
        Children::Single | Children::List { required: true, .. }
    );
    if required && object.get("children").is_none_or(Value::is_null) {
        push(
            issues,
            path,
            format!("`{type_name}` is missing its `children`"),
        );
    }
}

fn children(component: &Component, value: &Value, path: &str, issues: &mut Issues) {
    match (component.children, value) {
        (Children::None, _) => push(
            issues,
            path,
            format!("`{}` takes no children", component.name),
        ),
        (_, Value::Null) => {}
        (Children::Single, child) => node(child, path, Some(component), issues),
        (Children::List { .. }, Value::Array(list)) => {
            for (i, child) in list.iter().enumerate() {
                node(child, &format!("{path}[{i}]"), Some(component), issues);
            }
        }
        (Children::List { .. }, other) => push(
            issues,
            path,
            format!("expected a list of children, found {}", describe(other)),
        ),
    }
}

/// The shape of each prop kind, as `widget-dsl`'s types parse it.
fn kind(kind: PropKind, value: &Value, path: &str, issues: &mut Issues) {
    let ok = match kind {
        PropKind::Str | PropKind::DateTime => value.is_string(),
        PropKind::Bool => value.is_boolean(),
        PropKind::Count => {
            value.is_u64() && value.as_u64().is_some_and(|n| n <= u64::from(u32::MAX))
        }
        PropKind::Dimension => value.is_number() || value.is_string(),
        PropKind::Color => color(value),
        PropKind::Padding => value.is_number() || value.is_string() || spacing(value),
        PropKind::Spacing => spacing(value),
        PropKind::Border => border_value(value),
        PropKind::Literal(set) => return literal(set, value, path, issues),
        PropKind::Icon => return icon(value, path, issues),
        PropKind::Action => return action(value, path, issues),
        PropKind::Status => status(value),
        PropKind::CardAction => {
            let Some(object) = object_with(value, &["label", "action"], &["label", "action"])
            else {
                return push(
                    issues,
                    path,
                    "expected a `CardAction`: `{\"label\": ..., \"action\": {...}}`",
                );
            };
            if !object["label"].is_string() {
                push(issues, &format!("{path}.label"), "expected a string");
            }
            return action(&object["action"], &format!("{path}.action"), issues);
        }
        PropKind::Editable => {
            value == &Value::Bool(false)
                || object_with(
                    value,
                    &[
                        "name",
                        "autoFocus",
                        "autoSelect",
                        "autoComplete",
                        "allowAutofillExtensions",
                        "pattern",
                        "placeholder",
                        "required",
                    ],
                    &["name"],
                )
                .is_some_and(|o| {
                    fields(
                        o,
                        &["name", "autoComplete", "pattern", "placeholder"],
                        &[
                            "autoFocus",
                            "autoSelect",
                            "allowAutofillExtensions",
                            "required",
                        ],
                    )
                })
        }
        PropKind::SelectOptions => list_of(value, |option| {
            object_with(
                option,
                &["value", "label", "disabled", "description"],
                &["value", "label"],
            )
            .is_some_and(|o| fields(o, &["value", "label", "description"], &["disabled"]))
        }),
        PropKind::RadioOptions => list_of(value, |option| {
            object_with(option, &["label", "value", "disabled"], &["label", "value"])
                .is_some_and(|o| fields(o, &["value", "label"], &["disabled"]))
        }),
        PropKind::Limit => value.is_u64() || value == "auto",
        PropKind::ChartData => list_of(value, |row| {
            row.as_object()
                .is_some_and(|o| o.values().all(|v| v.is_string() || v.is_number()))
        }),
        PropKind::Series => list_of(value, series),
        PropKind::XAxis => {
            value.is_string()
                || object_with(value, &["dataKey", "hide", "labels"], &["dataKey"]).is_some_and(
                    |o| {
                        fields(o, &["dataKey"], &["hide"])
                            && o.get("labels").is_none_or(|l| {
                                l.as_object()
                                    .is_some_and(|l| l.values().all(Value::is_string))
                            })
                    },
                )
        }
    };
    if !ok {
        push(
            issues,
            path,
            format!("{} is not a valid {}", describe(value), kind_name(kind)),
        );
    }
}

fn kind_name(kind: PropKind) -> &'static str {
    match kind {
        PropKind::Str | PropKind::DateTime => "string",
        PropKind::Bool => "boolean",
        PropKind::Count => "count (a whole number)",
        PropKind::Dimension => "size (a number or a string)",
        PropKind::Color => "color (a string or `{\"light\", \"dark\"}`)",
        PropKind::Padding => "padding (a number, a string or per-side spacing)",
        PropKind::Spacing => "per-side spacing",
        PropKind::Border => "border (a width, a `Border` or per-side `Borders`)",
        PropKind::Status => {
            "status (`{\"text\", \"icon\"?}` or `{\"text\", \"favicon\"?, \"frame\"?}`)"
        }
        PropKind::Editable => "`editable` (`false` or editor props)",
        PropKind::SelectOptions => "list of `{\"value\", \"label\"}` options",
        PropKind::RadioOptions => "list of `{\"label\", \"value\"}` options",
        PropKind::Limit => "limit (a count or `\"auto\"`)",
        PropKind::ChartData => "list of chart rows",
        PropKind::Series => "list of chart series",
        PropKind::XAxis => "x axis (a data key or `{\"dataKey\", ...}`)",
        PropKind::Literal(_) | PropKind::Icon | PropKind::Action | PropKind::CardAction => "value",
    }
}

/// An object whose keys are all in `allowed` and include every `required` one.
fn object_with<'a>(
    value: &'a Value,
    allowed: &[&str],
    required: &[&str],
) -> Option<&'a Map<String, Value>> {
    let object = value.as_object()?;
    let keys_ok = object.keys().all(|k| allowed.contains(&k.as_str()))
        && required.iter().all(|k| object.contains_key(*k));
    keys_ok.then_some(object)
}

/// The given keys, where present, are strings and booleans.
fn fields(object: &Map<String, Value>, strings: &[&str], bools: &[&str]) -> bool {
    strings
        .iter()
        .all(|k| object.get(*k).is_none_or(Value::is_string))
        && bools
            .iter()
            .all(|k| object.get(*k).is_none_or(Value::is_boolean))
}

fn list_of(value: &Value, item: impl Fn(&Value) -> bool) -> bool {
    value.as_array().is_some_and(|list| list.iter().all(item))
}

fn color(value: &Value) -> bool {
    value.is_string()
        || object_with(value, &["light", "dark"], &["light", "dark"])
            .is_some_and(|o| fields(o, &["light", "dark"], &[]))
}

fn spacing(value: &Value) -> bool {
    value.as_object().is_some_and(|o| {
        o.iter().all(|(k, v)| {
            ["top", "right", "bottom", "left", "x", "y"].contains(&k.as_str())
                && (v.is_number() || v.is_string())
        })
    })
}

fn border(value: &Value) -> bool {
    object_with(value, &["size", "color", "style"], &["size"]).is_some_and(|o| {
        o["size"].is_u64()
            && o.get("color").is_none_or(color)
            && o.get("style").is_none_or(|s| {
                s.as_str()
                    .is_some_and(|s| super::literals::BORDER_STYLE.contains(s))
            })
    })
}

fn border_value(value: &Value) -> bool {
    value.is_u64()
        || border(value)
        || value.as_object().is_some_and(|o| {
            o.iter().all(|(k, v)| {
                ["top", "right", "bottom", "left", "x", "y"].contains(&k.as_str())
                    && (v.is_u64() || border(v))
            })
        })
}

fn status(value: &Value) -> bool {
    let with_icon = object_with(value, &["text", "icon"], &["text"]).is_some_and(|o| {
        o["text"].is_string()
            && o.get("icon")
                .is_none_or(|i| i.as_str().is_some_and(icon_name))
    });
    with_icon
        || object_with(value, &["text", "favicon", "frame"], &["text"])
            .is_some_and(|o| fields(o, &["text", "favicon"], &["frame"]))
}

fn series(value: &Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    let extra: &[&str] = match object.get("type").and_then(Value::as_str) {
        Some("bar") => &["stack"],
        Some("area") => &["stack", "curveType"],
        Some("line") => &["curveType"],
        _ => return false,
    };
    let allowed: Vec<&str> = ["type", "label", "dataKey", "color"]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    object.keys().all(|k| allowed.contains(&k.as_str()))
        && object
            .get("label")
            .is_some_and(|l| l.is_string() || l.is_null())
        && object.get("dataKey").is_some_and(Value::is_string)
        && object
            .get("stack")
            .is_none_or(|s| s.is_string() || s.is_null())
        && object.get("color").is_none_or(|c| c.is_null() || color(c))
        && object.get("curveType").is_none_or(|c| {
            c.is_null()
                || c.as_str()
                    .is_some_and(|c| super::literals::CURVE_TYPE.contains(c))
        })
}

fn icon_name(name: &str) -> bool {
    ICONS.contains(name)
        || ICON_PREFIXES
            .iter()
            .any(|prefix| name.len() > prefix.len() && name.starts_with(prefix))
}

fn literal(set: &LiteralSet, value: &Value, path: &str, issues: &mut Issues) {
    if value.as_str().is_some_and(|v| set.contains(v)) {
        return;
    }
    let expected: Vec<String> = set.values.iter().map(|v| format!("`\"{v}\"`")).collect();
    push(
        issues,
        path,
        format!("`{value}` is not one of {}", expected.join(", ")),
    );
}

fn icon(value: &Value, path: &str, issues: &mut Issues) {
    if !value.as_str().is_some_and(icon_name) {
        push(
            issues,
            path,
            format!("`{value}` is not a built-in icon, nor a `vendor:` or `lucide:` name"),
        );
    }
}

fn action(value: &Value, path: &str, issues: &mut Issues) {
    let allowed = ["type", "payload", "handler", "loadingBehavior", "streaming"];
    let Some(object) = object_with(value, &allowed, &["type"]) else {
        return push(
            issues,
            path,
            "expected an action: `{\"type\": ..., \"payload\"?: {...}}`",
        );
    };
    if !object["type"].is_string() {
        push(issues, &format!("{path}.type"), "expected a string");
    }
    if object
        .get("payload")
        .is_some_and(|p| !p.is_object() && !p.is_null())
    {
        push(
            issues,
            &format!("{path}.payload"),
            "an action payload must be a JSON object",
        );
    }
    if let Some(handler) = object.get("handler") {
        literal(
            &super::literals::HANDLER,
            handler,
            &format!("{path}.handler"),
            issues,
        );
    }
    if let Some(loading) = object.get("loadingBehavior") {
        literal(
            &super::literals::LOADING_BEHAVIOR,
            loading,
            &format!("{path}.loadingBehavior"),
            issues,
        );
    }
    if object.get("streaming").is_some_and(|s| !s.is_boolean()) {
        push(issues, &format!("{path}.streaming"), "expected a boolean");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_valid_widget_has_no_issues() {
        let card = json!({"type": "Card", "size": "md", "padding": {"x": 2}, "children": [
            {"type": "Row", "gap": 2, "children": [
                {"type": "Icon", "name": "check"},
                {"type": "Button", "label": "Go", "onClickAction": {"type": "go", "payload": {"id": 1}}},
                {"type": "Select", "name": "s", "options": [{"value": "a", "label": "A"}]},
                {"type": "Text", "value": "x", "editable": false, "size": null},
            ]},
            {"type": "Transition", "children": {"type": "Text", "value": "t"}},
        ], "confirm": {"label": "OK", "action": {"type": "ok"}}, "status": {"text": "s", "icon": "star"}});
        assert_eq!(check_root(&card), Vec::<(String, String)>::new());
    }

    #[test]
    fn every_issue_has_its_path() {
        let card = json!({"type": "ListView", "limit": -1, "children": [
            {"type": "ListViewItem", "children": [
                {"type": "Badge", "label": "x", "color": "red"},
                {"type": "Button", "onClickAction": {"type": "go", "payload": [1]}},
                {"type": "Sparkline"},
            ]},
            {"type": "Text", "value": "loose"},
        ]});
        let paths: Vec<String> = check_root(&card)
            .into_iter()
            .map(|(p, m)| format!("{p}: {m}"))
            .collect();
        assert_eq!(
            paths,
            [
                "$.children[0].children[0].color: `\"red\"` is not one of `\"secondary\"`, `\"success\"`, `\"danger\"`, `\"warning\"`, `\"info\"`, `\"discovery\"`",
                "$.children[0].children[1].onClickAction.payload: an action payload must be a JSON object",
                "$.children[0].children[2].type: unknown component `Sparkline`",
                "$.children[1]: `Text` cannot be a child of `ListView`",
                "$.limit: a number is not a valid limit (a count or `\"auto\"`)",
            ]
        );
        assert_eq!(
            check_root(&json!({"type": "Row"})),
            [(
                "$".to_owned(),
                "`Row` is not a widget root: the root must be a `Card`, a `ListView` or a `Basic`"
                    .to_owned()
            )]
        );
    }
}
