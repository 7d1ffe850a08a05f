//! A stored widget brought up to date with the updates its client got, so
//! that a reload shows what the user saw.

use serde_json::{Map, Value};
use widget_dsl::WidgetRoot;

use crate::protocol::ThreadItemUpdate;

/// `widget` after `update`; `None` when `update` is not a widget update,
/// names no component of it, or makes it invalid.
pub(crate) fn apply_widget_update(
    widget: &WidgetRoot,
    update: &ThreadItemUpdate,
) -> Option<WidgetRoot> {
    match update {
        ThreadItemUpdate::WidgetRootUpdated { widget } => Some(widget.clone()),
        ThreadItemUpdate::WidgetComponentUpdated {
            component_id,
            component,
        } => {
            let replacement = serde_json::to_value(component).ok()?;
            edit(widget, component_id, |node| *node = replacement)
        }
        ThreadItemUpdate::WidgetStreamingTextValueDelta {
            component_id,
            delta,
            done,
        } => edit(widget, component_id, |node| {
            let Value::Object(props) = node else { return };
            let mut value = match props.remove("value") {
                Some(Value::String(value)) => value,
                _ => String::new(),
            };
            value.push_str(delta);
            props.insert("value".to_owned(), Value::String(value));
            if *done {
                props.remove("streaming");
            }
        }),
        _ => None,
    }
}

/// `widget` with `change` made to its component whose `id` is `id`.
fn edit(widget: &WidgetRoot, id: &str, change: impl FnOnce(&mut Value)) -> Option<WidgetRoot> {
    let mut tree = serde_json::to_value(widget).ok()?;
    let Value::Object(root) = &mut tree else {
        return None;
    };
    let node = find_child(root, id)?;
    change(node);
    serde_json::from_value(tree).ok()
}

/// The component below `parent` whose `id` is `id`. Only children are
/// searched: an action's payload may hold an `"id"` too.
fn find_child<'a>(parent: &'a mut Map<String, Value>, id: &str) -> Option<&'a mut Value> {
    let children: Vec<&'a mut Value> = match parent.get_mut("children")? {
        Value::Array(children) => children.iter_mut().collect(),
        // A `Transition`'s single child.
        child @ Value::Object(_) => vec![child],
        _ => return None,
    };
    for child in children {
        if child.get("id").and_then(Value::as_str) == Some(id) {
            return Some(child);
        }
        if let Value::Object(props) = child
            && let Some(found) = find_child(props, id)
        {
            return Some(found);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use widget_dsl::{diff_widget, widget};

    use super::*;

    fn apply_all(before: &WidgetRoot, after: &WidgetRoot) -> WidgetRoot {
        diff_widget(before, after)
            .into_iter()
            .fold(before.clone(), |widget, update| {
                apply_widget_update(&widget, &update.into()).expect("applies")
            })
    }

    #[test]
    fn the_diffs_updates_rebuild_the_new_widget() {
        let before: WidgetRoot = widget! { Card {
            Text { id: "answer", value: "Hel", streaming: true }
            Row { id: "row", Badge { label: "1" } }
            Transition { Col { id: "inner", Caption { value: "a" } } }
        } }
        .into();
        let after: WidgetRoot = widget! { Card {
            Text { id: "answer", value: "Hello" }
            Row { id: "row", Badge { label: "2" } }
            Transition { Col { id: "inner", Caption { value: "b" } } }
        } }
        .into();
        let updates = diff_widget(&before, &after);
        assert!(updates.len() >= 3, "{updates:?}");
        assert_eq!(
            serde_json::to_value(apply_all(&before, &after)).unwrap(),
            serde_json::to_value(&after).unwrap()
        );
        let root: WidgetRoot = widget! { ListView { ListViewItem { Text { value: "x" } } } }.into();
        assert_eq!(apply_all(&before, &root), root);
    }

    #[test]
    fn payload_ids_are_not_components() {
        let widget: WidgetRoot = widget! { Card {
            Button {
                label: "Go",
                on_click_action: widget_dsl::ActionConfig::new("go").payload(serde_json::json!({ "id": "x" })),
            }
        } }
        .into();
        let update = ThreadItemUpdate::WidgetStreamingTextValueDelta {
            component_id: "x".into(),
            delta: "!".into(),
            done: true,
        };
        assert_eq!(apply_widget_update(&widget, &update), None);
    }
}
