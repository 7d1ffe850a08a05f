//! The minimal ChatKit updates between two states of a streamed widget.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{WidgetComponent, WidgetRoot};

/// One update of a streamed widget, the `update` of a
/// `thread.item.updated` event.
// Updates are built one at a time and sent at once; boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum WidgetUpdate {
    /// Text appended to the `value` of a `Text` or `Markdown` with an `id`.
    #[serde(rename = "widget.streaming_text.value_delta")]
    StreamingTextValueDelta {
        /// The `id` of the component.
        component_id: String,
        /// The appended text.
        delta: String,
        /// The component stopped streaming (`streaming` is not `true`).
        done: bool,
    },
    /// A component with an `id` replaced whole.
    #[serde(rename = "widget.component.updated")]
    ComponentUpdated {
        /// The `id` of the component.
        component_id: String,
        /// The new component.
        component: WidgetComponent,
    },
    /// The whole widget replaced.
    #[serde(rename = "widget.root.updated")]
    RootUpdated {
        /// The new widget.
        widget: WidgetRoot,
    },
}

/// The updates that turn `before` into `after`, smallest first:
///
/// - `Text`/`Markdown` with an `id` whose `value` only grew:
///   [`StreamingTextValueDelta`](WidgetUpdate::StreamingTextValueDelta);
/// - any other change inside a component with an `id` (its props, its
///   children, a non-growing text, a text without an `id` of its own):
///   [`ComponentUpdated`](WidgetUpdate::ComponentUpdated) of the nearest such
///   component below the root;
/// - a change no such component encloses:
///   [`RootUpdated`](WidgetUpdate::RootUpdated), alone.
///
/// Equal widgets give no updates. Children are found wherever they are,
/// including the single child of a `Transition`.
///
/// ```
/// use widget_dsl::{diff_widget, widget, WidgetUpdate};
///
/// let before = widget! { Card { Text { id: "answer", value: "Hel", streaming: true } } };
/// let after = widget! { Card { Text { id: "answer", value: "Hello", streaming: true } } };
/// assert_eq!(
///     diff_widget(&before.into(), &after.into()),
///     [WidgetUpdate::StreamingTextValueDelta {
///         component_id: "answer".into(),
///         delta: "lo".into(),
///         done: false,
///     }],
/// );
/// ```
pub fn diff_widget(before: &WidgetRoot, after: &WidgetRoot) -> Vec<WidgetUpdate> {
    let (Ok(Value::Object(old)), Ok(Value::Object(new))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return vec![root_updated(after)];
    };
    if old == new {
        return Vec::new();
    }
    let mut changes = Changes::default();
    if !same_identity(&old, &new) || props_differ(&old, &new) {
        return vec![root_updated(after)];
    }
    compare_children(&old, &new, None, &mut changes);
    if changes.root {
        return vec![root_updated(after)];
    }
    // An id that appears twice would make a component update ambiguous.
    let mut ids = HashSet::new();
    if has_duplicate_ids(&new, &mut ids) {
        return vec![root_updated(after)];
    }
    let mut updates = Vec::new();
    emit(&new, &changes, &mut updates);
    updates
}

fn root_updated(after: &WidgetRoot) -> WidgetUpdate {
    WidgetUpdate::RootUpdated {
        widget: after.clone(),
    }
}

#[derive(Default)]
struct Changes {
    /// A change that no component with an id encloses.
    root: bool,
    /// Components with an id to replace whole.
    replaced: HashSet<String>,
    /// Text appended to streaming text components, by id.
    deltas: BTreeMap<String, (String, bool)>,
}

impl Changes {
    /// Records a change enclosed by `owner`, the nearest component with an id.
    fn replace(&mut self, owner: Option<&str>) {
        match owner {
            Some(id) => {
                self.replaced.insert(id.to_owned());
            }
            None => self.root = true,
        }
    }
}

fn string<'a>(node: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Value::as_str)
}

fn same_identity(old: &Map<String, Value>, new: &Map<String, Value>) -> bool {
    ["type", "id", "key"]
        .iter()
        .all(|key| old.get(*key) == new.get(*key))
}

/// Whether any prop other than `children` differs.
fn props_differ(old: &Map<String, Value>, new: &Map<String, Value>) -> bool {
    differing_props(old, new).next().is_some()
}

fn differing_props<'a>(
    old: &'a Map<String, Value>,
    new: &'a Map<String, Value>,
) -> impl Iterator<Item = &'a str> + 'a {
    old.keys()
        .chain(new.keys().filter(|key| !old.contains_key(*key)))
        .map(String::as_str)
        .filter(move |key| *key != "children" && old.get(*key) != new.get(*key))
}

/// Compares two nodes with the same identity; `owner` is the id of the
/// nearest enclosing component that has one (the node itself included).
fn compare_node(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    owner: Option<&str>,
    changes: &mut Changes,
) {
    let own_id = string(new, "id");
    let owner = own_id.or(owner);
    let mut changed: Vec<&str> = differing_props(old, new).collect();
    if let (Some(id), Some(delta)) = (own_id, growing_text(old, new, &changed)) {
        changed.retain(|key| *key != "value");
        if changed.is_empty() {
            let done = new.get("streaming") != Some(&Value::Bool(true));
            changes.deltas.insert(id.to_owned(), (delta, done));
        }
    }
    if !changed.is_empty() {
        changes.replace(owner);
        return;
    }
    compare_children(old, new, owner, changes);
}

/// The appended text, if this is a `Text`/`Markdown` whose `value` grew.
fn growing_text(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    changed: &[&str],
) -> Option<String> {
    if !matches!(string(new, "type"), Some("Text" | "Markdown")) || !changed.contains(&"value") {
        return None;
    }
    let (before, after) = (string(old, "value")?, string(new, "value")?);
    after.strip_prefix(before).map(str::to_owned)
}

fn compare_children(
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    owner: Option<&str>,
    changes: &mut Changes,
) {
    match (old.get("children"), new.get("children")) {
        (Some(Value::Array(before)), Some(Value::Array(after))) if before.len() == after.len() => {
            for (before, after) in before.iter().zip(after) {
                compare_child(before, after, owner, changes);
            }
        }
        // A `Transition` holds its child directly.
        (Some(before @ Value::Object(_)), Some(after @ Value::Object(_))) => {
            compare_child(before, after, owner, changes);
        }
        (before, after) if before == after => {}
        _ => changes.replace(owner),
    }
}

fn compare_child(before: &Value, after: &Value, owner: Option<&str>, changes: &mut Changes) {
    match (before, after) {
        (Value::Object(old), Value::Object(new)) if same_identity(old, new) => {
            compare_node(old, new, owner, changes);
        }
        _ if before == after => {}
        _ => changes.replace(owner),
    }
}

fn has_duplicate_ids<'a>(node: &'a Map<String, Value>, seen: &mut HashSet<&'a str>) -> bool {
    if let Some(id) = string(node, "id")
        && !seen.insert(id)
    {
        return true;
    }
    children(node).any(|child| has_duplicate_ids(child, seen))
}

fn children(node: &Map<String, Value>) -> impl Iterator<Item = &Map<String, Value>> {
    let list: &[Value] = match node.get("children") {
        Some(Value::Array(list)) => list,
        Some(single @ Value::Object(_)) => std::slice::from_ref(single),
        _ => &[],
    };
    list.iter().filter_map(Value::as_object)
}

/// Emits the recorded updates in document order; a replaced component
/// covers everything inside it.
fn emit(node: &Map<String, Value>, changes: &Changes, out: &mut Vec<WidgetUpdate>) {
    for child in children(node) {
        if let Some(id) = string(child, "id") {
            if changes.replaced.contains(id) {
                let component = WidgetComponent::from_object(child.clone());
                out.push(WidgetUpdate::ComponentUpdated {
                    component_id: id.to_owned(),
                    component,
                });
                continue;
            }
            if let Some((delta, done)) = changes.deltas.get(id) {
                out.push(WidgetUpdate::StreamingTextValueDelta {
                    component_id: id.to_owned(),
                    delta: delta.clone(),
                    done: *done,
                });
            }
        }
        emit(child, changes, out);
    }
}
