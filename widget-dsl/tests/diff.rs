//! `diff_widget`: the eight cases of the reference's `test_diff`, and the
//! cases where the reference is wrong.

use serde_json::{Value, json};
use widget_dsl::{DynamicWidget, WidgetRoot, WidgetUpdate, diff_widget, widget};

fn typed(json: Value) -> WidgetRoot {
    let root: WidgetRoot = serde_json::from_value(json).unwrap();
    assert!(!matches!(root, WidgetRoot::Dynamic(_)));
    root
}

/// The same JSON as an untyped root (the reference's `DynamicWidgetRoot`).
fn dynamic(json: Value) -> WidgetRoot {
    let Value::Object(mut object) = json else {
        panic!("not an object")
    };
    let type_name = object.remove("type").unwrap();
    let mut widget = DynamicWidget::new(type_name.as_str().unwrap());
    for (key, value) in object {
        widget = widget.prop(key, value);
    }
    WidgetRoot::Dynamic(widget)
}

fn kinds(updates: &[WidgetUpdate]) -> Vec<&'static str> {
    updates
        .iter()
        .map(|update| match update {
            WidgetUpdate::StreamingTextValueDelta { .. } => "widget.streaming_text.value_delta",
            WidgetUpdate::ComponentUpdated { .. } => "widget.component.updated",
            WidgetUpdate::RootUpdated { .. } => "widget.root.updated",
        })
        .collect()
}

fn text_card(text: Value) -> Value {
    json!({"type": "Card", "children": [text]})
}

#[test]
fn reference_cases() {
    let hello = json!({"type": "Text", "id": "text", "value": "Hello", "streaming": true});
    let hello_world =
        json!({"type": "Text", "id": "text", "value": "Hello, world!", "streaming": true});
    let hello_world_done =
        json!({"type": "Text", "id": "text", "value": "Hello, world!", "streaming": false});
    let plain_hello = json!({"type": "Text", "value": "Hello"});
    let plain_world = json!({"type": "Text", "value": "world!"});
    let empty = json!({"type": "Card", "children": []});

    for make in [typed, dynamic] {
        // 1 and 5: equal widgets give nothing.
        assert!(diff_widget(&make(empty.clone()), &make(empty.clone())).is_empty());
        // 2 and 6: a streaming text with an id grows: a delta.
        let updates = diff_widget(
            &make(text_card(hello.clone())),
            &make(text_card(hello_world.clone())),
        );
        assert_eq!(
            updates,
            [WidgetUpdate::StreamingTextValueDelta {
                component_id: "text".into(),
                delta: ", world!".into(),
                done: false,
            }]
        );
        // 3 and 7: `streaming` flips too. The reference replaces the root; the
        // change is confined to the component with id `text`, so that
        // component alone is replaced.
        let updates = diff_widget(
            &make(text_card(hello.clone())),
            &make(text_card(hello_world_done.clone())),
        );
        assert_eq!(kinds(&updates), ["widget.component.updated"]);
        let WidgetUpdate::ComponentUpdated {
            component_id,
            component,
        } = &updates[0]
        else {
            unreachable!()
        };
        assert_eq!(component_id, "text");
        assert_eq!(serde_json::to_value(component).unwrap(), hello_world_done);
        // 4 and 8: a text without an id changes: the root.
        let updates = diff_widget(
            &make(text_card(plain_hello.clone())),
            &make(text_card(plain_world.clone())),
        );
        assert_eq!(kinds(&updates), ["widget.root.updated"]);
    }
}

#[test]
fn growing_text_without_id_replaces_the_root() {
    // The reference emits nothing here, so the client never sees the text.
    let before = typed(text_card(json!({"type": "Text", "value": "Hel"})));
    let after = typed(text_card(json!({"type": "Text", "value": "Hello"})));
    let updates = diff_widget(&before, &after);
    assert_eq!(kinds(&updates), ["widget.root.updated"]);
    let WidgetUpdate::RootUpdated { widget } = &updates[0] else {
        unreachable!()
    };
    assert_eq!(widget, &after);
}

#[test]
fn text_inside_transition_streams() {
    // The reference only looks through `children` lists and drops these deltas.
    let before = widget! { Card { Transition { Text { id: "t", value: "a", streaming: true } } } };
    let after = widget! { Card { Transition { Text { id: "t", value: "ab", streaming: true } } } };
    assert_eq!(
        diff_widget(&before.into(), &after.into()),
        [WidgetUpdate::StreamingTextValueDelta {
            component_id: "t".into(),
            delta: "b".into(),
            done: false
        }]
    );
}

#[test]
fn text_without_streaming_flag_is_done() {
    let before = typed(text_card(
        json!({"type": "Markdown", "id": "m", "value": "**a"}),
    ));
    let after = typed(text_card(
        json!({"type": "Markdown", "id": "m", "value": "**a**"}),
    ));
    assert_eq!(
        diff_widget(&before, &after),
        [WidgetUpdate::StreamingTextValueDelta {
            component_id: "m".into(),
            delta: "**".into(),
            done: true
        }]
    );
}

#[test]
fn shrinking_text_replaces_its_component() {
    // The reference raises "must be cumulative" here.
    let before = typed(text_card(
        json!({"type": "Text", "id": "t", "value": "Hello"}),
    ));
    let after = typed(text_card(
        json!({"type": "Text", "id": "t", "value": "Help"}),
    ));
    assert_eq!(
        kinds(&diff_widget(&before, &after)),
        ["widget.component.updated"]
    );
}

#[test]
fn change_inside_a_component_with_id_replaces_that_component() {
    let before = widget! { Card { Row { id: "row", Text { value: "1" } Badge { label: "a" } } Text { value: "same" } } };
    let after = widget! { Card { Row { id: "row", Text { value: "2" } Badge { label: "a" } } Text { value: "same" } } };
    let updates = diff_widget(&before.into(), &after.into());
    assert_eq!(kinds(&updates), ["widget.component.updated"]);
    let WidgetUpdate::ComponentUpdated {
        component_id,
        component,
    } = &updates[0]
    else {
        unreachable!()
    };
    assert_eq!(component_id, "row");
    assert_eq!(
        serde_json::to_value(component).unwrap()["children"][0]["value"],
        "2"
    );
}

#[test]
fn several_changes_give_updates_in_document_order() {
    let before = widget! { Card {
        Text { id: "a", value: "x", streaming: true }
        Col { id: "b", Text { value: "old" } }
        Markdown { id: "c", value: "m", streaming: true }
    } };
    let after = widget! { Card {
        Text { id: "a", value: "xy", streaming: true }
        Col { id: "b", Text { value: "new" } }
        Markdown { id: "c", value: "mn", streaming: false }
    } };
    let updates = diff_widget(&before.into(), &after.into());
    assert_eq!(
        kinds(&updates),
        [
            "widget.streaming_text.value_delta",
            "widget.component.updated",
            "widget.component.updated"
        ]
    );
}

#[test]
fn nested_components_with_ids_collapse_into_the_outer_one() {
    let before = widget! { Card { Col { id: "outer", Row { id: "inner", Text { value: "1" } } Badge { label: "a" } } } };
    let after = widget! { Card { Col { id: "outer", Row { id: "inner", Text { value: "2" } } Badge { label: "b" } } } };
    let updates = diff_widget(&before.into(), &after.into());
    assert_eq!(kinds(&updates), ["widget.component.updated"]);
    let WidgetUpdate::ComponentUpdated { component_id, .. } = &updates[0] else {
        unreachable!()
    };
    assert_eq!(component_id, "outer");
}

#[test]
fn structural_changes_replace_the_enclosing_component_or_root() {
    let before = widget! { Card { Col { id: "list", Text { value: "1" } } } };
    let after = widget! { Card { Col { id: "list", Text { value: "1" } Text { value: "2" } } } };
    assert_eq!(
        kinds(&diff_widget(&before.into(), &after.into())),
        ["widget.component.updated"]
    );

    let before = widget! { Card { Text { value: "1" } } };
    let after = widget! { Card { Text { value: "1" } Text { value: "2" } } };
    assert_eq!(
        kinds(&diff_widget(&before.into(), &after.into())),
        ["widget.root.updated"]
    );

    // A streamed text that appears only later cannot be a delta.
    let before = widget! { Card { Col { Text { value: "1" } } } };
    let after = widget! { Card { Col { Text { id: "t", value: "1" } } } };
    assert_eq!(
        kinds(&diff_widget(&before.into(), &after.into())),
        ["widget.root.updated"]
    );
}

#[test]
fn root_props_and_identity_replace_the_root() {
    let before = widget! { Card { size: "sm", Text { id: "t", value: "a" } } };
    let after = widget! { Card { size: "md", Text { id: "t", value: "ab" } } };
    assert_eq!(
        kinds(&diff_widget(&before.into(), &after.into())),
        ["widget.root.updated"]
    );

    let card = typed(json!({"type": "Card", "children": []}));
    let list = typed(json!({"type": "ListView", "children": []}));
    assert_eq!(kinds(&diff_widget(&card, &list)), ["widget.root.updated"]);
}

#[test]
fn duplicate_ids_replace_the_root() {
    let before = widget! { Card { Text { id: "t", value: "a" } Text { id: "t", value: "b" } } };
    let after = widget! { Card { Text { id: "t", value: "ab" } Text { id: "t", value: "b" } } };
    assert_eq!(
        kinds(&diff_widget(&before.into(), &after.into())),
        ["widget.root.updated"]
    );
}

#[test]
fn updates_serialize_as_the_protocol_expects() {
    let delta = WidgetUpdate::StreamingTextValueDelta {
        component_id: "t".into(),
        delta: "x".into(),
        done: true,
    };
    assert_eq!(
        serde_json::to_value(&delta).unwrap(),
        json!({"type": "widget.streaming_text.value_delta", "component_id": "t", "delta": "x", "done": true})
    );
    let root = WidgetUpdate::RootUpdated {
        widget: widget! { Card {} }.into(),
    };
    assert_eq!(
        serde_json::to_value(&root).unwrap(),
        json!({"type": "widget.root.updated", "widget": {"type": "Card", "children": []}})
    );
    let component: WidgetUpdate = serde_json::from_value(json!({
        "type": "widget.component.updated", "component_id": "b",
        "component": {"type": "Badge", "label": "x"}
    }))
    .unwrap();
    let WidgetUpdate::ComponentUpdated { component, .. } = component else {
        panic!()
    };
    assert!(matches!(component, widget_dsl::WidgetComponent::Badge(_)));
}
