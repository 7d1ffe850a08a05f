//! Parsing widgets from JSON: typed where the catalogue knows them, lossless
//! everywhere.

use serde_json::{Value, json};
use widget_dsl::{Card, DynamicWidget, ListView, Text, WidgetComponent, WidgetRoot};

/// Whether every node parsed into its typed component, with no unknown props.
fn fully_typed(root: &WidgetRoot) -> bool {
    let debug = format!("{root:?}");
    !debug.contains("Dynamic(") && !debug.contains("extra: {\"")
}

fn round_trip(json: &Value) -> WidgetRoot {
    let root: WidgetRoot = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(
        &serde_json::to_value(&root).unwrap(),
        json,
        "round trip changed the JSON"
    );
    root
}

#[test]
fn reference_fixtures_parse_typed_and_round_trip_unchanged() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reference");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        let root = round_trip(&json);
        assert!(
            fully_typed(&root),
            "{} did not parse fully typed: {root:#?}",
            path.display()
        );
        seen += 1;
    }
    assert_eq!(seen, 5);
}

#[test]
fn unknown_props_are_kept_on_typed_components() {
    let json = json!({
        "type": "Card",
        "customRootProp": {"nested": [1, 2]},
        "children": [{"type": "Text", "value": "x", "bogus": 1}]
    });
    let root = round_trip(&json);
    let WidgetRoot::Card(card) = root else {
        panic!("not a Card")
    };
    assert_eq!(card.extra["customRootProp"], json!({"nested": [1, 2]}));
    let WidgetComponent::Text(text) = &card.children[0] else {
        panic!("not a Text")
    };
    assert_eq!(text.extra["bogus"], 1);
}

#[test]
fn unknown_components_are_kept_as_dynamic_nodes() {
    let json = json!({
        "type": "Card",
        "children": [{"type": "FancyThing", "x": 1, "children": [{"type": "Text", "value": "in"}]}]
    });
    let root = round_trip(&json);
    let WidgetRoot::Card(card) = root else {
        panic!("not a Card")
    };
    let WidgetComponent::Dynamic(fancy) = &card.children[0] else {
        panic!("not dynamic")
    };
    assert_eq!(fancy.type_name(), "FancyThing");
    assert_eq!(fancy.props()["x"], 1);
}

#[test]
fn invalid_values_fall_back_to_dynamic_without_loss() {
    for json in [
        json!({"type": "Card", "size": "huge", "children": []}),
        json!({"type": "Card", "children": [{"type": "Text", "value": 3}]}),
        json!({"type": "ListView", "children": [{"type": "Text", "value": "not an item"}]}),
        json!({"type": "Card", "children": [{"type": "Card", "children": []}]}),
        json!({"type": "Card", "children": [], "padding": {"top": 1, "diagonal": 2}}),
        json!({"type": "Card", "children": [{"type": "Button", "onClickAction": {"type": "x", "mystery": true}}]}),
        json!({"type": "Card", "children": [{"type": "Icon", "name": "not-an-icon"}]}),
    ] {
        let root = round_trip(&json);
        assert!(!fully_typed(&root), "{json} should not parse fully typed");
    }
}

#[test]
fn root_type_decides_the_variant() {
    assert!(matches!(
        round_trip(&json!({"type": "ListView", "children": []})),
        WidgetRoot::ListView(_)
    ));
    assert!(matches!(
        round_trip(
            &json!({"type": "Basic", "children": [{"type": "Card", "children": []}, {"type": "Text", "value": "t"}]})
        ),
        WidgetRoot::Basic(_)
    ));
    assert!(matches!(
        round_trip(&json!({"type": "Mystery"})),
        WidgetRoot::Dynamic(_)
    ));
}

#[test]
fn non_widgets_are_errors() {
    for bad in [
        json!(3),
        json!("Card"),
        json!({"children": []}),
        json!({"type": 3}),
        json!(null),
    ] {
        assert!(
            serde_json::from_value::<WidgetRoot>(bad.clone()).is_err(),
            "{bad} parsed"
        );
    }
}

#[test]
fn bare_components_check_their_type_tag() {
    let text: Text = serde_json::from_value(json!({"type": "Text", "value": "v"})).unwrap();
    assert_eq!(text.value, "v");
    let err = serde_json::from_value::<Text>(json!({"type": "Title", "value": "v"})).unwrap_err();
    assert!(err.to_string().contains("Text"), "{err}");
    let err = serde_json::from_value::<Text>(json!({"value": "v"})).unwrap_err();
    assert!(err.to_string().contains("type"), "{err}");
    let err = serde_json::from_value::<Text>(json!({"type": "Text"})).unwrap_err();
    assert!(err.to_string().contains("value"), "{err}");
    let err = serde_json::from_value::<Text>(json!({"type": "Text", "value": "a", "value": "b"}));
    // serde_json's `json!` keeps the last duplicate, so this parses; raw text does not.
    assert!(err.is_ok());
    let err =
        serde_json::from_str::<Text>(r#"{"type":"Text","value":"a","value":"b"}"#).unwrap_err();
    assert!(err.to_string().contains("duplicate field"), "{err}");
}

#[test]
fn enum_errors_name_the_accepted_values() {
    let err =
        serde_json::from_value::<Card>(json!({"type": "Card", "size": "huge", "children": []}))
            .unwrap_err()
            .to_string();
    assert!(err.contains("huge") && err.contains("`md`"), "{err}");
}

#[test]
fn nulls_read_as_absent() {
    let card: Card =
        serde_json::from_value(json!({"type": "Card", "size": null, "children": []})).unwrap();
    assert_eq!(card.size, None);
    assert_eq!(
        serde_json::to_value(&card).unwrap(),
        json!({"type": "Card", "children": []})
    );
}

#[test]
fn dynamic_widgets_can_be_built() {
    let widget = DynamicWidget::new("Sparkline")
        .prop("points", json!([1, 2, 3]))
        .prop("id", "s");
    let card = Card::new().child(widget);
    assert_eq!(
        serde_json::to_value(&card).unwrap(),
        json!({"type": "Card", "children": [{"type": "Sparkline", "points": [1, 2, 3], "id": "s"}]})
    );
    let list = ListView::new();
    assert_eq!(
        serde_json::to_value(list).unwrap(),
        json!({"type": "ListView", "children": []})
    );
}
