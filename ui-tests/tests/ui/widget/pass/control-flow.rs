// Children from `for`, `if`, `if let`, `else if`, `match` (with guards and
// both arm forms) and `{expr}` (a widget, a `Vec`, an `Option`, a `.map(...)`
// iterator), plus shorthand props, `key`/`id`, and rows built by helper
// functions that call `widget!` themselves.

use serde_json::{json, Value};
use widget_dsl::{widget, Badge, Row, Text, WidgetComponent};

enum Status {
    Done,
    Late { days: u32 },
    Open,
}

struct Task {
    id: u32,
    title: &'static str,
    status: Status,
    assignee: Option<&'static str>,
}

/// A helper returning a typed `Row`, used as a `{expr}` child.
fn task_row(task: &Task) -> Row {
    let value = task.title;
    widget! {
        Row {
            key: format!("task-{}", task.id),
            gap: 2,
            Text { value }
            match task.status {
                Status::Done => Badge { label: "done", color: "success" },
                Status::Late { days } if days > 7 => {
                    Badge { label: "very late", color: "danger" }
                    Badge { label: format!("{days} days") }
                }
                Status::Late { .. } => { Badge { label: "late", color: "warning" } }
                Status::Open => {}
            }
            if let Some(name) = task.assignee {
                Caption { value: name }
            } else if task.id == 0 {
                Caption { value: "nobody" }
            } else {
                Caption { value: "unassigned" }
            }
        }
    }
}

fn types(value: &Value) -> Vec<&str> {
    value["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|child| child["type"].as_str().unwrap())
        .collect()
}

fn main() {
    let tasks = vec![
        Task { id: 1, title: "Write docs", status: Status::Done, assignee: Some("Ana") },
        Task { id: 2, title: "Fix bug", status: Status::Late { days: 9 }, assignee: None },
        Task { id: 3, title: "Review", status: Status::Late { days: 1 }, assignee: None },
        Task { id: 4, title: "Plan", status: Status::Open, assignee: None },
    ];
    let show_footer = false;
    let subtitle: Option<Text> = Some(widget! { Text { value: "subtitle", id: "sub" } });
    let nothing: Option<Badge> = None;
    let badges: Vec<Badge> = vec![widget! { Badge { label: "a" } }, widget! { Badge { label: "b" } }];
    let dynamic: WidgetComponent = widget! { Spacer {} }.into();

    let card = widget! {
        Card {
            id: "tasks",
            Title { value: "Tasks" }
            {subtitle}
            {nothing}
            for task in &tasks {
                {task_row(task)}
            }
            {tasks.iter().filter(|task| task.assignee.is_some()).map(|task| widget! { Text { value: task.title } })}
            {badges}
            {dynamic}
            {
                let count = tasks.len();
                widget! { Caption { value: format!("{count} tasks") } }
            }
            if show_footer {
                Divider {}
            }
        }
    };
    let json = serde_json::to_value(&card).unwrap();
    assert_eq!(json["id"], "tasks");
    assert_eq!(
        types(&json),
        ["Title", "Text", "Row", "Row", "Row", "Row", "Text", "Badge", "Badge", "Spacer", "Caption"],
    );
    assert_eq!(
        json["children"][2],
        json!({
            "type": "Row",
            "key": "task-1",
            "gap": 2,
            "children": [
                { "type": "Text", "value": "Write docs" },
                { "type": "Badge", "label": "done", "color": "success" },
                { "type": "Caption", "value": "Ana" },
            ],
        }),
    );
    assert_eq!(types(&json["children"][3]), ["Text", "Badge", "Badge", "Caption"]);
    assert_eq!(json["children"][3]["children"][2]["label"], "9 days");
    assert_eq!(json["children"][4]["children"][1]["label"], "late");
    assert_eq!(types(&json["children"][5]), ["Text", "Caption"]);
    assert_eq!(json["children"][10]["value"], "4 tasks");

    // Nested control flow, and a `for` with a pattern and a method-call iterator.
    let list = widget! {
        ListView {
            for (index, task) in tasks.iter().enumerate() {
                if index % 2 == 0 {
                    ListViewItem {
                        key: task.id.to_string(),
                        for word in task.title.split(' ') {
                            Text { value: word }
                        }
                    }
                }
            }
        }
    };
    let json = serde_json::to_value(&list).unwrap();
    assert_eq!(json["children"].as_array().unwrap().len(), 2);
    assert_eq!(types(&json["children"][0]), ["Text", "Text"]);
    assert_eq!(json["children"][1]["key"], "3");

    // Shorthand props for every kind of value.
    let label = "shorthand";
    let pill = true;
    let badge = widget! { Badge { label, pill } };
    assert_eq!(
        serde_json::to_value(&badge).unwrap(),
        json!({ "type": "Badge", "label": "shorthand", "pill": true }),
    );
}
