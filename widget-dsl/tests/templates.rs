//! `.widget` templates, rendered by us and by the Python reference's own
//! `WidgetTemplate` (Jinja2) with the same data: our typed widget must
//! serialize to what the reference's `model_dump(exclude_none=True)` gives.
//!
//! The corpus is `tests/templates/*.widget`: between them they use `tojson`,
//! `default(..)`, `{% set %}` (inline and block), `for` (with `else`),
//! `if`/`elif`/`else`, `loop.index`/`loop.first`/`loop.last`,
//! `is defined`, `is not none`, string slicing and filters such as `upper`,
//! with every root type. Each has full data and data missing its optional
//! fields.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use widget_dsl::{TemplateErrorKind, WidgetTemplate};

fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/templates")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `(entry name, template, data)`: rendered by both and compared.
fn corpus() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "cat/full",
            "cat_profile",
            json!({"name": "Whiskers", "photo": "https://example.com/w.png", "age": 3,
                   "bio": "Likes boxes, sunny windowsills, and knocking pens off desks; dislikes the vacuum cleaner and Mondays.",
                   "breed": "Tabby", "size": "lg"}),
        ),
        (
            "cat/missing-optional",
            "cat_profile",
            json!({"name": "Tom", "photo": "https://example.com/t.png", "age": null, "bio": "Quiet."}),
        ),
        (
            "tasks/two",
            "task_list",
            json!({"tasks": [{"id": 1, "title": "Buy milk", "done": true},
                             {"id": 2, "title": "Call <mom> & \"dad\"", "done": false}],
                   "limit": 5}),
        ),
        ("tasks/none", "task_list", json!({"tasks": []})),
        (
            "preview/full",
            "entity_preview",
            json!({"title": "Harry Potter", "subtitle": "The boy who lived, and who was raised by the Dursleys in Little Whinging",
                   "summary": "A wizard.", "color": "primary"}),
        ),
        (
            "preview/missing-optional",
            "entity_preview",
            json!({"title": "Hermione", "subtitle": null}),
        ),
        (
            "weather/full",
            "weather",
            json!({"city": "Paris", "temperature": 21.5, "unit": "F", "condition": "rain", "forecast": "Clearing up"}),
        ),
        (
            "weather/missing-optional",
            "weather",
            json!({"city": "Oslo", "temperature": -3, "condition": "snow"}),
        ),
        (
            "order/paid",
            "order_summary",
            json!({"order": {"id": "A-17", "status": "paid", "note": "Gift",
                             "lines": [{"name": "Tea", "qty": 2, "price": "$3.50"}, {"name": "Scone", "qty": 1, "price": "$2.00"}]}}),
        ),
        (
            "order/pending-one-line",
            "order_summary",
            json!({"order": {"id": "B-2", "status": "pending", "lines": [{"name": "Cake", "qty": 1, "price": "$5"}]}}),
        ),
        (
            "order/refunded",
            "order_summary",
            json!({"order": {"id": "C-3", "status": "refunded", "lines": [{"name": "Pie", "qty": 3, "price": "$1"}]}}),
        ),
        (
            "form/full",
            "contact_form",
            json!({"name": "Ada", "source": "email", "topics": [{"value": "sales", "label": "Sales"}, {"value": "help", "label": "Help"}],
                   "default_topic": "help", "when": "2026-03-01T10:30:00", "subscribe": true}),
        ),
        (
            "form/missing-optional",
            "contact_form",
            json!({"topics": [{"value": "only", "label": "Only"}]}),
        ),
        (
            "search/hits",
            "search_results",
            json!({"query": "rust", "hits": [
                {"title": "The Rust Programming Language, second edition, with extras", "url": "https://doc.rust-lang.org/book/", "snippet": "Learn Rust."},
                {"title": "Rust by Example", "url": "https://doc.rust-lang.org/rust-by-example/", "snippet": null}]}),
        ),
        (
            "search/no-hits",
            "search_results",
            json!({"query": "zzz", "hits": []}),
        ),
        (
            "hours/mixed",
            "opening_hours",
            json!({"place": "Corner Café", "days": [{"name": "Mon", "opens": "8:00", "closes": "18:00"}, {"name": "Sun", "closed": true}]}),
        ),
        (
            "hours/no-days",
            "opening_hours",
            json!({"place": "Closed shop", "days": []}),
        ),
        (
            "timeline/full",
            "timeline",
            json!({"days": [{"label": "Monday", "events": [{"text": "Kick-off", "icon": "calendar"}, {"text": "Lunch"}]},
                            {"label": "Tuesday", "events": [{"text": "Demo", "icon": "play"}]}],
                   "now": "Wednesday"}),
        ),
        ("timeline/missing-optional", "timeline", json!({"days": []})),
        (
            "notification/full",
            "notification",
            json!({"message": "Disk almost full", "level": "error", "size": "sm", "collapsed": true,
                   "action": {"label": "Clean up", "type": "disk.clean"}}),
        ),
        (
            "notification/missing-optional",
            "notification",
            json!({"message": "Saved"}),
        ),
        (
            "notification/null-action",
            "notification",
            json!({"message": "Heads up", "level": "warning", "action": null}),
        ),
        (
            "leaderboard/three",
            "leaderboard",
            json!({"players": [{"name": "ada", "score": 97}, {"name": "grace", "score": 64}, {"name": "linus", "score": 12}], "limit": 2}),
        ),
        ("leaderboard/empty", "leaderboard", json!({"players": []})),
        // The README's example.
        (
            "greeting/bold",
            "greeting",
            json!({"name": "Grace", "weight": "bold"}),
        ),
        (
            "greeting/missing-optional",
            "greeting",
            json!({"name": "Ada"}),
        ),
    ]
}

/// JSON equality where numbers compare by value (`2 == 2.0`, as in the
/// widget oracles) and objects regardless of key order.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, value)| y.get(key).is_some_and(|other| same_json(value, other)))
        }
        _ => a == b,
    }
}

fn load(name: &str) -> WidgetTemplate {
    WidgetTemplate::from_file(templates_dir().join(format!("{name}.widget")))
        .unwrap_or_else(|err| panic!("{err}"))
}

/// Renders `request` (`[{name, file, data}]`) with the Python reference;
/// `{name: {"widget": ...} | {"error": ...}}`.
fn reference(request: &[Value]) -> Value {
    let name = request[0]["name"].as_str().unwrap().replace('/', "_");
    let corpus_path =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("template-oracle-{name}.json"));
    std::fs::write(&corpus_path, serde_json::to_string_pretty(request).unwrap()).unwrap();
    let root = repo_root();
    let setup = Command::new("bash")
        .arg(root.join("oracles/setup.sh"))
        .output()
        .expect("run oracles/setup.sh");
    assert!(
        setup.status.success(),
        "oracles/setup.sh failed:\n{}{}",
        String::from_utf8_lossy(&setup.stdout),
        String::from_utf8_lossy(&setup.stderr)
    );
    let output = Command::new(root.join(".oracles/venv/bin/python"))
        .arg(root.join("oracles/python/render_templates.py"))
        .arg(&corpus_path)
        .output()
        .expect("run the Python template oracle");
    assert!(
        output.status.success(),
        "the Python template oracle failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_corpus_has_ten_templates_and_every_root_type() {
    let files: Vec<_> = std::fs::read_dir(templates_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "widget"))
        .collect();
    assert!(files.len() >= 10, "{files:?}");
    let mut roots = std::collections::BTreeSet::new();
    for path in &files {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert!(
            corpus().iter().any(|(_, template, _)| *template == stem),
            "{stem} has no data set"
        );
        let template = load(stem);
        roots.insert(
            template.output_json_preview()["type"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        // The builder's preview is a valid widget, as the macro checks.
        assert!(template.output_json_preview().is_object());
    }
    assert_eq!(
        roots.into_iter().collect::<Vec<_>>(),
        ["Basic", "Card", "ListView"]
    );
}

#[test]
fn templates_render_what_the_reference_renders() {
    let entries = corpus();
    let request: Vec<Value> = entries
        .iter()
        .map(|(name, template, data)| {
            json!({
                "name": name,
                "file": templates_dir().join(format!("{template}.widget")),
                "data": data,
            })
        })
        .collect();
    let reference = reference(&request);

    let mut failures = Vec::new();
    for (name, template, data) in &entries {
        let theirs = &reference[*name];
        let Some(expected) = theirs.get("widget") else {
            failures.push(format!("{name}: the reference failed: {}", theirs["error"]));
            continue;
        };
        match load(template).build(data) {
            Ok(widget) => {
                let ours = serde_json::to_value(&widget).unwrap();
                if !same_json(&ours, expected) {
                    failures.push(format!("{name}: ours\n{ours:#}\nreference\n{expected:#}"));
                }
            }
            Err(err) => failures.push(format!("{name}: {err}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    println!("template oracle: {} passed, 0 failed", entries.len());
}

/// `cat_profile` with no required fields, so that data without `age`
/// passes the schema and reaches the template, which reads `age` without a
/// default.
fn lenient_cat_profile() -> PathBuf {
    let text = std::fs::read_to_string(templates_dir().join("cat_profile.widget")).unwrap();
    let mut definition: Value = serde_json::from_str(&text).unwrap();
    definition["jsonSchema"]["required"] = json!([]);
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lenient_cat_profile.widget");
    std::fs::write(&path, definition.to_string()).unwrap();
    path
}

#[test]
fn an_undefined_variable_fails_in_both() {
    let data = json!({"name": "Tom", "photo": "p", "bio": "b"});
    // With the real schema, our check comes first: `age` is required.
    let err = load("cat_profile").build(&data).unwrap_err();
    assert_eq!(
        err.to_string(),
        "template `cat_profile`: the data does not match its `jsonSchema`: $: \"age\" is a required property"
    );
    // Past the schema, the undefined `age` fails the render, as the
    // reference's `StrictUndefined` does.
    let lenient = lenient_cat_profile();
    let err = WidgetTemplate::from_file(&lenient)
        .unwrap()
        .build(&data)
        .unwrap_err();
    assert!(
        matches!(err.kind(), TemplateErrorKind::Render { line: Some(10), .. }),
        "{err}"
    );
    let reference = reference(&[json!({"name": "undefined", "file": lenient, "data": data})]);
    let error = reference["undefined"]["error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with("UndefinedError: 'age' is undefined"),
        "{reference}"
    );
}

#[test]
fn data_is_checked_against_the_schema_before_rendering() {
    let err = load("order_summary")
        .build(json!({"order": {"id": "X", "status": "lost", "lines": []}}))
        .unwrap_err();
    let TemplateErrorKind::Data(issues) = err.kind() else {
        panic!("{err}")
    };
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["$.order.lines", "$.order.status"], "{err}");
}
