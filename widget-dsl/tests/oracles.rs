//! Our widget JSON, checked against two references nobody here wrote: the
//! pydantic models of the Python reference server (`openai-chatkit`) and the
//! TypeScript widget types of the web frontend (`@openai/chatkit`).
//!
//! The corpus has two parts:
//! - generated from the widget catalogue: every component with every prop
//!   set, and every value of every closed set, so a misspelled prop or value
//!   in the catalogue cannot pass;
//! - realistic widgets written with `widget!` and the builders.
//!
//! `oracles/setup.sh` installs the pinned references into `.oracles/` (it is
//! idempotent and fast once installed); `oracles/README.md` lists where the
//! two references disagree, which decides the oracles of an entry.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::{Value, json};
use widget_dsl::*;

#[derive(Deserialize)]
struct CatalogComponent {
    r#type: String,
    placement: String,
    support: String,
    children: String,
    props: Vec<CatalogProp>,
}

#[derive(Deserialize)]
struct CatalogProp {
    name: String,
    wire: String,
    kind: String,
    required: bool,
    support: String,
    values: Vec<String>,
}

struct Entry {
    name: String,
    oracles: &'static [&'static str],
    widget: Value,
}

const BOTH: &[&str] = &["ts", "python"];
const TS: &[&str] = &["ts"];
const PYTHON: &[&str] = &["python"];

/// The references that accept a component or prop, from the catalogue's
/// `support` decision. `python` ones are opt-ins in the DSL.
fn oracles_for(support: &str) -> &'static [&'static str] {
    match support {
        "both" => BOTH,
        "frontend" => TS,
        "python" => PYTHON,
        other => panic!("unknown support {other}"),
    }
}

fn catalog() -> Vec<CatalogComponent> {
    serde_json::from_str(widget_dsl::__private::catalog_json!()).unwrap()
}

fn component_oracles(catalog: &[CatalogComponent], type_name: &str) -> &'static [&'static str] {
    let component = catalog.iter().find(|c| c.r#type == type_name).unwrap();
    oracles_for(&component.support)
}

fn prop_oracles(
    catalog: &[CatalogComponent],
    type_name: &str,
    prop: &str,
) -> &'static [&'static str] {
    let component = catalog.iter().find(|c| c.r#type == type_name).unwrap();
    let prop = component.props.iter().find(|p| p.name == prop).unwrap();
    oracles_for(&prop.support)
}

fn intersect(a: &'static [&'static str], b: &'static [&'static str]) -> &'static [&'static str] {
    match (a.len(), b.len()) {
        (2, _) => b,
        (_, 2) => a,
        _ if a == b => a,
        _ => &[],
    }
}

/// A sample value of each prop kind (literal sets take their first value).
fn sample(prop: &CatalogProp) -> Value {
    match prop.kind.as_str() {
        "Str" => json!(format!("{} text", prop.name)),
        "Bool" => json!(true),
        "Count" => json!(2),
        "Dimension" | "Padding" => json!(4),
        "Color" => json!("blue-500"),
        "Spacing" => json!({"top": 2, "x": 1}),
        "Border" => json!(1),
        "Literal" | "Icon" => json!(prop.values[0]),
        "Action" => json!({"type": "sample.action", "payload": {"id": 1}}),
        "Status" => json!({"text": "Status", "icon": "star"}),
        "CardAction" => json!({"label": "OK", "action": {"type": "sample.ok"}}),
        "Editable" => json!({"name": "field", "placeholder": "Edit"}),
        "SelectOptions" => json!([{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]),
        "RadioOptions" => json!([{"label": "A", "value": "a"}]),
        "Limit" => json!(3),
        "ChartData" => json!([{"month": "Jan", "sales": 3}, {"month": "Feb", "sales": 5}]),
        "Series" => json!([{"type": "bar", "label": "Sales", "dataKey": "sales"}]),
        "XAxis" => json!("month"),
        "DateTime" => json!("2026-01-01T00:00:00"),
        other => panic!("no sample for prop kind {other}"),
    }
}

fn text(value: &str) -> Value {
    json!({"type": "Text", "value": value})
}

/// An instance of `component` with its required props, its children and `extra` props.
fn instance(
    catalog: &[CatalogComponent],
    component: &CatalogComponent,
    extra: &[(&str, Value)],
) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("type".into(), json!(component.r#type));
    for prop in component.props.iter().filter(|p| p.required) {
        object.insert(prop.wire.clone(), sample(prop));
    }
    for (key, value) in extra {
        object.insert((*key).to_owned(), value.clone());
    }
    let child = match component.children.split(':').collect::<Vec<_>>().as_slice() {
        ["none"] => None,
        ["single"] => Some(text("only child")),
        ["list", "component" | "node", _] => Some(json!([text("child")])),
        ["list", "only", name, _] => {
            let child = catalog
                .iter()
                .find(|c| c.r#type == *name)
                .expect("child component");
            Some(json!([instance(catalog, child, &[])]))
        }
        other => panic!("unknown children spec {other:?}"),
    };
    if let Some(child) = child {
        object.insert("children".into(), child);
    }
    Value::Object(object)
}

/// Wraps a component in the parents it needs to form a valid root.
fn rooted(catalog: &[CatalogComponent], component: &CatalogComponent, widget: Value) -> Value {
    match component.placement.split_once(':') {
        None if component.placement == "root" => widget,
        None => json!({"type": "Card", "children": [widget]}),
        Some((_, parent)) => {
            let parent = catalog
                .iter()
                .find(|c| c.r#type == parent)
                .expect("parent component");
            let mut host = instance(catalog, parent, &[]);
            host["children"] = json!([widget]);
            rooted(catalog, parent, host)
        }
    }
}

fn catalog_entries() -> Vec<Entry> {
    let catalog = catalog();
    let mut entries = Vec::new();
    for component in &catalog {
        let base = component_oracles(&catalog, &component.r#type);
        let optional: Vec<&CatalogProp> = component.props.iter().filter(|p| !p.required).collect();
        // Everything at once, per oracle group, since some props exist in one reference only.
        for group in [BOTH, TS, PYTHON] {
            let props: Vec<(&str, Value)> = optional
                .iter()
                .filter(|p| prop_oracles(&catalog, &component.r#type, &p.name) == group)
                .map(|p| (p.wire.as_str(), sample(p)))
                .collect();
            let oracles = intersect(base, group);
            if (props.is_empty() && group != BOTH) || oracles.is_empty() {
                continue;
            }
            let widget = rooted(&catalog, component, instance(&catalog, component, &props));
            entries.push(Entry {
                name: format!("{}/all-props/{}", component.r#type, group.join("+")),
                oracles,
                widget,
            });
        }
        // Every other value of every closed set.
        for prop in component.props.iter().filter(|p| !p.values.is_empty()) {
            for value in prop.values.iter().skip(1) {
                let mut oracles =
                    intersect(base, prop_oracles(&catalog, &component.r#type, &prop.name));
                if value == "clock" {
                    oracles = intersect(oracles, PYTHON);
                }
                let widget = rooted(
                    &catalog,
                    component,
                    instance(&catalog, component, &[(&prop.wire, json!(value))]),
                );
                entries.push(Entry {
                    name: format!("{}/{}={value}", component.r#type, prop.name),
                    oracles,
                    widget,
                });
            }
        }
    }
    entries
}

fn month(name: &str, sales: i64) -> ChartDatum {
    ChartDatum::from([
        ("month".to_owned(), name.into()),
        ("sales".to_owned(), sales.into()),
    ])
}

fn handwritten_entries() -> Vec<Entry> {
    let tasks = [
        (1, "Buy milk", None, true),
        (2, "Call mom", Some("About Sunday"), false),
    ];
    let todo = widget! {
        ListView {
            limit: ListLimit::Auto,
            status: WidgetStatus::with_icon(format!("Tasks ({})", tasks.len()), IconName::Check),
            for (id, title, description, done) in tasks {
                ListViewItem {
                    gap: 2,
                    on_click_action: ActionConfig::new("task.toggle").payload(json!({"id": id})),
                    Row {
                        gap: 2,
                        align: "center",
                        Icon { name: if done { IconName::CheckCircleFilled } else { IconName::EmptyCircle }, color: if done { "success" } else { "secondary" } }
                        Col {
                            flex: 1,
                            Text { value: title, weight: "semibold", line_through: done }
                            if let Some(description) = description {
                                Caption { value: description, size: "sm", truncate: true }
                            }
                        }
                        Badge { label: format!("#{id}"), color: "info", variant: "outline", pill: true }
                    }
                }
            }
        }
    };
    let weather = widget! {
        Card {
            size: "md",
            padding: Spacing::new().x(4).y(3),
            background: ThemeColor::new("white", "gray-900"),
            status: WidgetStatus::with_favicon("Weather", "https://example.com/favicon.ico"),
            Title { value: "Paris", size: "lg" }
            Row {
                gap: 2,
                justify: "between",
                Text { value: "21°C", size: "xl", weight: "bold" }
                Image { src: "/icons/sun.svg", alt: "Sunny", size: 64, fit: "contain", radius: "full" }
            }
            Divider { spacing: 8, flush: true }
            Markdown { id: "forecast", value: "**Tomorrow:** rain", streaming: false }
            Button {
                label: "Refresh",
                style: "primary",
                icon_start: "reload",
                on_click_action: ActionConfig::new("weather.refresh").payload(json!({"city": "Paris"})),
            }
        }
    }
    .confirm(CardAction::new("OK", ActionConfig::new("weather.ok")))
    .cancel(CardAction::new("Dismiss", ActionConfig::new("weather.dismiss")));
    let form = widget! {
        Card {
            as_form: true,
            Form {
                direction: "col",
                gap: 3,
                on_submit_action: ActionConfig::new("profile.save"),
                Label { value: "Name", field_name: "name" }
                Input { name: "name", placeholder: "Ada", required: true, input_type: "text", variant: "outline" }
                Textarea { name: "bio", rows: 3u32, auto_resize: true, max_rows: 8u32 }
                Select {
                    name: "role",
                    options: [SelectOption::new("dev", "Developer"), SelectOption::new("pm", "Product")],
                    default_value: "dev",
                    clearable: true,
                }
                DatePicker { name: "start", default_value: "2026-01-05T09:00:00", min: "2026-01-01T00:00:00", side: "bottom" }
                Checkbox { name: "agree", label: "I agree", default_checked: false }
                RadioGroup {
                    name: "plan",
                    options: [RadioOption::new("free", "Free"), RadioOption::new("pro", "Pro").disabled(true)],
                    direction: "row",
                }
                Text { value: "Nickname", editable: EditableProps::new("nickname").placeholder("none").auto_focus(true) }
                Row { justify: "end", Button { label: "Save", submit: true, color: "success" } }
            }
        }
    };
    let boxes = widget! {
        Card {
            Box {
                direction: "row",
                border: Borders { bottom: Some(Border::new(1).color("gray-200").style(BorderStyle::Solid).into()), x: Some(2u32.into()), ..Borders::default() },
                margin: Spacing::new().top(2),
                Transition { Text { id: "live", value: "Working…", streaming: true } }
            }
            Col { border: Border::new(2).color(ThemeColor::new("black", "white")), aspect_ratio: 1.5, width: "50%", Spacer { min_size: 8 } }
        }
    };
    // An opt-in: `Chart` is Python-only.
    #[allow(deprecated)]
    let chart = widget! {
        Card {
            Chart {
                data: [month("Jan", 12), month("Feb", 18)],
                series: [
                    Series::bar("Sales", "sales").color("blue-500").stack("a"),
                    Series::area("Area", "sales").curve_type(CurveType::Natural),
                    Series::line("Trend", "sales").color(ThemeColor::new("red-500", "red-300")),
                ],
                x_axis: XAxisConfig::new("month").labels([("Jan".to_owned(), "January".to_owned())]),
                show_legend: true,
                height: 200,
            }
        }
    };
    let table = widget! {
        Card {
            Table {
                Table.Row { header: true, Table.Cell { Text { value: "Day" } } Table.Cell { Text { value: "Temp" } } }
                TableRow {
                    TableCell { padding: Spacing::new().y(1), v_align: "center", Text { value: "Mon" } }
                    TableCell { col_size: "sm", Text { value: "21°" } }
                }
            }
        }
    };
    let preview = widget! { Basic { direction: "col", gap: 1, Title { value: "Harry Potter", size: "sm" } Text { value: "The boy who lived", size: "sm" } } };
    // An opt-in: non-default action settings and vendor icons are Python-only.
    #[allow(deprecated)]
    let client_action = widget! {
        Card {
            Button {
                label: "Theme",
                on_click_action: ActionConfig::new("theme.toggle").handler(Handler::Client).loading_behavior(LoadingBehavior::OwnComponent).streaming(false),
                icon_end: IconName::vendor("acme"),
            }
        }
    };
    let to_entry = |name: &str, oracles, widget: WidgetRoot| Entry {
        name: format!("handwritten/{name}"),
        oracles,
        widget: serde_json::to_value(widget).unwrap(),
    };
    // The builder API with every value builder, and no opt-in: both accept it.
    let built = ListView::new()
        .limit(4u32)
        .theme(Theme::Dark)
        .status(WidgetStatus::with_favicon(
            "Inbox",
            "https://example.com/i.ico",
        ))
        .child(
            ListViewItem::new()
                .align(Alignment::Center)
                .on_click_action(
                    ActionConfig::new("open")
                        .payload(std::collections::BTreeMap::from([("id", 3)])),
                )
                .child(
                    Row::new()
                        .border(Borders {
                            top: Some(Border::new(1).style(BorderStyle::Dashed).into()),
                            ..Borders::default()
                        })
                        .padding(Spacing::new().left(2).right("4px"))
                        .child(
                            Text::new("Mail").editable(
                                EditableProps::new("subject")
                                    .placeholder("Subject")
                                    .required(true),
                            ),
                        )
                        .child(Select::new("folder", [SelectOption::new("in", "Inbox")]))
                        .child(Button::new().icon_start(IconName::Mail).label("Open")),
                ),
        );
    let basic = Basic::new()
        .gap(1)
        .child(Card::new().child(Caption::new("nested root")))
        .child(Markdown::new("**hi**"));
    vec![
        to_entry("builder-list", BOTH, built.into()),
        to_entry("builder-basic", BOTH, basic.into()),
        to_entry("todo", BOTH, todo.into()),
        to_entry("weather", BOTH, weather.into()),
        to_entry("form", BOTH, form.into()),
        to_entry("boxes", BOTH, boxes.into()),
        to_entry("chart", PYTHON, chart.into()),
        to_entry("table", TS, table.into()),
        to_entry("preview", BOTH, preview.into()),
        // Non-default action settings and vendor icons are Python-only.
        to_entry("client-action", PYTHON, client_action.into()),
    ]
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn run(command: &mut Command, what: &str) -> String {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("could not run {what}: {err}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{what} failed:\n{text}");
    text
}

#[test]
fn every_catalogue_entry_parses_typed() {
    for entry in catalog_entries() {
        let root: WidgetRoot = serde_json::from_value(entry.widget.clone()).unwrap();
        let debug = format!("{root:?}");
        assert!(
            !debug.contains("Dynamic(") && !debug.contains("extra: {\""),
            "{} did not parse fully typed: {root:#?}",
            entry.name
        );
        assert_eq!(
            serde_json::to_value(&root).unwrap(),
            entry.widget,
            "{} changed in a round trip",
            entry.name
        );
    }
}

#[test]
fn widget_json_matches_both_references() {
    let entries: Vec<Entry> = catalog_entries()
        .into_iter()
        .chain(handwritten_entries())
        .collect();
    for entry in &entries {
        assert!(
            !entry.oracles.is_empty(),
            "{} is checked by no oracle",
            entry.name
        );
    }
    let corpus: Vec<Value> = entries
        .iter()
        .map(|e| json!({"name": e.name, "oracles": e.oracles, "widget": e.widget}))
        .collect();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let corpus_path = dir.join("widget-oracle-corpus.json");
    std::fs::write(&corpus_path, serde_json::to_string_pretty(&corpus).unwrap()).unwrap();

    let root = repo_root();
    let setup = run(
        Command::new("bash").arg(root.join("oracles/setup.sh")),
        "oracles/setup.sh",
    );
    let python = root.join(".oracles/venv/bin/python");
    let py = run(
        Command::new(&python)
            .arg(root.join("oracles/python/check_widgets.py"))
            .arg(&corpus_path),
        "the Python oracle",
    );
    let ts = run(
        Command::new("node")
            .arg(root.join("oracles/ts/check_widgets.mjs"))
            .arg(&corpus_path),
        "the TypeScript oracle",
    );
    println!("{setup}{py}{ts}");
    let python_count = entries
        .iter()
        .filter(|e| e.oracles.contains(&"python"))
        .count();
    let ts_count = entries.iter().filter(|e| e.oracles.contains(&"ts")).count();
    assert!(
        py.contains(&format!("{python_count} passed, 0 failed")),
        "{py}"
    );
    assert!(ts.contains(&format!("{ts_count} passed, 0 failed")), "{ts}");
}

/// The catalogue's decisions, written out again from `oracles/README.md`'s
/// list of drift, so that a changed decision is a deliberate edit of both.
#[test]
fn the_catalogue_marks_what_only_one_reference_has() {
    let mut marked = Vec::new();
    for component in catalog() {
        if component.support != "both" {
            marked.push(format!("{} {}", component.support, component.r#type));
        }
        for prop in &component.props {
            if prop.support != "both" {
                marked.push(format!(
                    "{} {}.{}",
                    prop.support, component.r#type, prop.name
                ));
            }
        }
    }
    assert_eq!(
        marked,
        [
            "frontend Card.border",
            "python Image.background",
            "python Image.flex",
            "frontend Table",
            "frontend Table.Row",
            "frontend Table.Cell",
            "python Select.searchable",
            "python Chart",
        ]
    );
}

/// Every opt-in (what only the Python reference has) is needed: the
/// frontend's types reject each of these widgets, built with the builders
/// and `widget!` under `#[allow(deprecated)]`. Everything else the builders
/// and `widget!` produce passes them (`widget_json_matches_both_references`).
#[test]
#[allow(deprecated)]
fn every_opt_in_is_rejected_by_the_frontends_types() {
    let card = |child: WidgetComponent| -> WidgetRoot { Card::new().child(child).into() };
    let button =
        |action: ActionConfig| card(Button::new().label("Go").on_click_action(action).into());
    let options = |option: SelectOption| card(Select::new("s", [option]).into());
    let opt_ins: Vec<(&str, WidgetRoot)> = vec![
        (
            "Chart",
            card(Chart::new([], [Series::bar("Sales", "sales")], "month").into()),
        ),
        (
            "Image.background",
            card(Image::new("/a.png").background("red-500").into()),
        ),
        ("Image.flex", card(Image::new("/a.png").flex(1).into())),
        (
            "Select.searchable",
            card(
                Select::new("s", [SelectOption::new("a", "A")])
                    .searchable(true)
                    .into(),
            ),
        ),
        (
            "SelectOption.description",
            options(SelectOption::new("a", "A").description("first")),
        ),
        (
            "SelectOption.disabled",
            options(SelectOption::new("a", "A").disabled(true)),
        ),
        (
            "ActionConfig.handler",
            button(ActionConfig::new("go").handler(Handler::Client)),
        ),
        (
            "ActionConfig.loading_behavior",
            button(ActionConfig::new("go").loading_behavior(LoadingBehavior::None)),
        ),
        (
            "ActionConfig.streaming",
            button(ActionConfig::new("go").streaming(false)),
        ),
        (
            "icon clock",
            widget! { Card { Icon { name: "clock" } } }.into(),
        ),
        (
            "icon vendor:",
            widget! { Card { Icon { name: "vendor:acme" } } }.into(),
        ),
        (
            "icon lucide:",
            card(Icon::new(IconName::lucide("bike")).into()),
        ),
        (
            "status icon clock",
            ListView::new()
                .status(WidgetStatus::with_icon("s", IconName::Clock))
                .into(),
        ),
    ];
    let corpus: Vec<Value> = opt_ins
        .iter()
        .map(|(name, widget)| json!({"name": name, "oracles": ["ts"], "widget": widget}))
        .collect();
    let corpus_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("widget-oracle-opt-ins.json");
    std::fs::write(&corpus_path, serde_json::to_string_pretty(&corpus).unwrap()).unwrap();
    let root = repo_root();
    run(
        Command::new("bash").arg(root.join("oracles/setup.sh")),
        "oracles/setup.sh",
    );
    let output = Command::new("node")
        .arg(root.join("oracles/ts/check_widgets.mjs"))
        .arg(&corpus_path)
        .output()
        .expect("run the TypeScript oracle");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    for (name, _) in &opt_ins {
        assert!(
            text.contains(&format!("FAIL {name}: ")),
            "the frontend accepts {name}:\n{text}"
        );
    }
    assert!(
        text.contains(&format!("ts oracle: 0 passed, {} failed", opt_ins.len())),
        "{text}"
    );
}
