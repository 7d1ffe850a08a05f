//! The JSON rules of the ChatKit frontend, and the builder API.

use serde_json::json;
use widget_dsl::*;

#[test]
fn type_first_camel_case_and_no_nulls() {
    let card = Card::new().child(
        Text::new("Hello")
            .text_align(TextAlign::Center)
            .line_through(true)
            .max_lines(2),
    );
    assert_eq!(
        serde_json::to_string(&card).unwrap(),
        r#"{"type":"Card","children":[{"type":"Text","value":"Hello","lineThrough":true,"textAlign":"center","maxLines":2}]}"#
    );
}

#[test]
fn optional_children_are_left_out_until_set() {
    assert_eq!(
        serde_json::to_string(&Row::new()).unwrap(),
        r#"{"type":"Row"}"#
    );
    assert_eq!(
        serde_json::to_string(&Row::new().children(Vec::<Text>::new())).unwrap(),
        r#"{"type":"Row","children":[]}"#
    );
}

#[test]
fn action_defaults_are_left_out() {
    let button = Button::new()
        .label("Go")
        .on_click_action(ActionConfig::new("go"));
    assert_eq!(
        serde_json::to_value(&button).unwrap(),
        json!({"type": "Button", "label": "Go", "onClickAction": {"type": "go"}})
    );
    // An opt-in: these three are Python-only.
    #[allow(deprecated)]
    let button = button.on_click_action(
        ActionConfig::new("go")
            .handler(Handler::Client)
            .loading_behavior(LoadingBehavior::Container)
            .streaming(false),
    );
    assert_eq!(
        serde_json::to_value(&button).unwrap()["onClickAction"],
        json!({"type": "go", "handler": "client", "loadingBehavior": "container", "streaming": false})
    );
    let parsed: ActionConfig = serde_json::from_value(json!({"type": "go"})).unwrap();
    assert_eq!(parsed, ActionConfig::new("go"));
}

#[test]
fn literal_enums_use_wire_spellings() {
    assert_eq!(ControlSize::TwoXl.as_str(), "2xl");
    assert_eq!(Radius::Percent100.as_str(), "100%");
    assert_eq!(ImagePosition::BottomRight.as_str(), "bottom right");
    assert_eq!(LoadingBehavior::OwnComponent.as_str(), "self");
    assert_eq!(
        "scale-down".parse::<ImageFit>().unwrap(),
        ImageFit::ScaleDown
    );
    let err = "huge".parse::<CardSize>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "`huge` is not a valid CardSize; expected one of sm, md, lg, full"
    );
    assert_eq!(CurveType::ALL.len(), CurveType::VALUES.len());
}

#[test]
// `vendor:` and `lucide:` icons are Python-only opt-ins.
#[allow(deprecated)]
fn icon_names() {
    assert_eq!(
        serde_json::to_value(IconName::CheckCircleFilled).unwrap(),
        "check-circle-filled"
    );
    assert_eq!(
        serde_json::to_value(IconName::vendor("acme")).unwrap(),
        "vendor:acme"
    );
    assert_eq!(
        "lucide:bike".parse::<IconName>().unwrap(),
        IconName::lucide("bike")
    );
    assert!("bike".parse::<IconName>().is_err());
    assert_eq!(IconName::BUILT_IN.len(), 64);
}

#[test]
fn union_values() {
    let col = Col::new()
        .padding(Spacing::new().x(4).y("2px"))
        .margin(8)
        .border(Borders {
            top: Some(Border::new(1).style(BorderStyle::Dashed).into()),
            ..Borders::default()
        })
        .background(ThemeColor::new("white", "black"))
        .aspect_ratio(1.5)
        .width("50%");
    assert_eq!(
        serde_json::to_value(&col).unwrap(),
        json!({
            "type": "Col",
            "padding": {"x": 4, "y": "2px"},
            "border": {"top": {"size": 1, "style": "dashed"}},
            "background": {"dark": "black", "light": "white"},
            "width": "50%",
            "aspectRatio": 1.5,
            "margin": 8
        })
    );
    let list = ListView::new()
        .limit(ListLimit::Auto)
        .status(WidgetStatus::with_icon("Tasks", IconName::Check));
    assert_eq!(
        serde_json::to_value(&list).unwrap(),
        json!({"type": "ListView", "limit": "auto", "status": {"text": "Tasks", "icon": "check"}, "children": []})
    );
    let text = Text::new("t").editable(Editable::Disabled);
    assert_eq!(serde_json::to_value(&text).unwrap()["editable"], false);
    let text = Text::new("t").editable(EditableProps::new("title").required(true));
    assert_eq!(
        serde_json::to_value(&text).unwrap()["editable"],
        json!({"name": "title", "required": true})
    );
}

#[test]
// `Chart` is a Python-only opt-in.
#[allow(deprecated)]
fn chart() {
    let chart = Chart::new(
        [ChartDatum::from([
            ("month".into(), "Jan".into()),
            ("sales".into(), 12.into()),
        ])],
        [
            Series::bar("Sales", "sales").color("blue-500"),
            Series::line("Trend", "sales").curve_type(CurveType::MonotoneX),
        ],
        XAxisConfig::new("month").hide(false),
    );
    assert_eq!(
        serde_json::to_value(&chart).unwrap(),
        json!({
            "type": "Chart",
            "data": [{"month": "Jan", "sales": 12}],
            "series": [
                {"type": "bar", "label": "Sales", "dataKey": "sales", "color": "blue-500"},
                {"type": "line", "label": "Trend", "dataKey": "sales", "curveType": "monotoneX"}
            ],
            "xAxis": {"dataKey": "month", "hide": false}
        })
    );
}

#[test]
fn builder_and_dsl_agree() {
    let id = 7;
    let built = ListView::new().limit(5).child(
        ListViewItem::new()
            .on_click_action(ActionConfig::new("open").payload(json!({"id": id})))
            .child(
                Row::new()
                    .gap(2)
                    .child(Text::new("Task"))
                    .child(Badge::new(format!("#{id}")).color(BadgeColor::Info)),
            ),
    );
    let dsl = widget! {
        ListView {
            limit: 5u32,
            ListViewItem {
                on_click_action: ActionConfig::new("open").payload(json!({"id": id})),
                Row { gap: 2, Text { value: "Task" } Badge { label: format!("#{id}"), color: "info" } }
            }
        }
    };
    assert_eq!(built, dsl);
}

#[test]
fn table() {
    let table = widget! {
        Table {
            Table.Row { header: true, TableCell { Text { value: "Day" } } }
            TableRow { TableCell { col_span: 2, align: "end", Text { value: "Mon" } } }
        }
    };
    assert_eq!(
        serde_json::to_value(&table).unwrap(),
        json!({"type": "Table", "children": [
            {"type": "Table.Row", "header": true, "children": [{"type": "Table.Cell", "children": [{"type": "Text", "value": "Day"}]}]},
            {"type": "Table.Row", "children": [{"type": "Table.Cell", "colSpan": 2, "align": "end", "children": [{"type": "Text", "value": "Mon"}]}]}
        ]})
    );
}

#[test]
fn basic_holds_components_and_roots() {
    let basic = widget! { Basic { gap: 1, Card { Text { value: "inner" } } Title { value: "t" } } };
    assert_eq!(
        serde_json::to_value(&basic).unwrap(),
        json!({"type": "Basic", "gap": 1, "children": [
            {"type": "Card", "children": [{"type": "Text", "value": "inner"}]},
            {"type": "Title", "value": "t"}
        ]})
    );
}
