//! Run with: cargo run -p example-widgets [todo|weather|form]
//!
//! Builds the widgets of the seed apps with `widget!` and prints their
//! ChatKit JSON, ready to paste into a `widget` thread item.

use widget_dsl::{ActionConfig, Card, IconName, ListView, WidgetRoot, WidgetStatus, widget};

struct Task {
    id: u32,
    title: &'static str,
    description: Option<&'static str>,
    done: bool,
}

/// The task list of the todo assistant: a header with the count, one row per
/// task with its status, and an empty state.
fn task_list(tasks: &[Task]) -> ListView {
    let pending = tasks.iter().filter(|t| !t.done).count();
    widget! {
        ListView {
            limit: "auto",
            status: WidgetStatus::with_icon(format!("Tasks ({pending} pending)"), IconName::Check),
            if tasks.is_empty() {
                ListViewItem { Text { value: "No tasks yet", color: "secondary", italic: true } }
            }
            for task in tasks {
                ListViewItem {
                    gap: 2,
                    Row {
                        gap: 2,
                        align: "center",
                        Icon {
                            name: if task.done { IconName::CheckCircleFilled } else { IconName::EmptyCircle },
                            color: if task.done { "success" } else { "secondary" },
                        }
                        Col {
                            flex: 1,
                            Text { value: task.title, weight: "semibold", line_through: task.done }
                            if let Some(description) = task.description {
                                Caption { value: description }
                            }
                        }
                        Badge { label: format!("#{}", task.id), color: "info", variant: "outline" }
                        if !task.done {
                            Button {
                                label: "Done",
                                size: "sm",
                                variant: "outline",
                                on_click_action: ActionConfig::new("task.complete").payload(serde_json::json!({ "id": task.id })),
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The weather card of the third seed.
fn weather(city: &str, temperature: i32, condition: &str) -> Card {
    widget! {
        Card {
            size: "sm",
            Title { value: city, size: "lg" }
            Row {
                gap: 3,
                align: "center",
                Icon { name: "sparkle", size: "2xl" }
                Text { value: format!("{temperature}°C"), size: "xl", weight: "bold" }
                Spacer {}
                Caption { value: condition }
            }
            Button {
                label: "Refresh",
                icon_start: "reload",
                on_click_action: ActionConfig::new("weather.refresh").payload(serde_json::json!({ "city": city })),
            }
        }
    }
}

/// A form card with a few fields.
fn form() -> Card {
    widget! {
        Card {
            as_form: true,
            Form {
                gap: 2,
                on_submit_action: ActionConfig::new("task.add"),
                Label { value: "Title", field_name: "title" }
                Input { name: "title", required: true, placeholder: "Buy milk" }
                Textarea { name: "description", rows: 3 }
                Button { label: "Add task", submit: true, style: "primary" }
            }
        }
    }
}

fn main() {
    let tasks = [
        Task {
            id: 1,
            title: "Buy milk",
            description: None,
            done: true,
        },
        Task {
            id: 2,
            title: "Call mom",
            description: Some("About Sunday lunch"),
            done: false,
        },
    ];
    let which = std::env::args().nth(1).unwrap_or_else(|| "todo".to_owned());
    let widget: WidgetRoot = match which.as_str() {
        "todo" => task_list(&tasks).into(),
        "weather" => weather("Paris", 21, "Sunny").into(),
        "form" => form().into(),
        other => {
            eprintln!("unknown widget `{other}`: choose todo, weather or form");
            std::process::exit(2);
        }
    };
    match serde_json::to_string_pretty(&widget) {
        Ok(json) => println!("{json}"),
        Err(err) => {
            eprintln!("could not serialize the widget: {err}");
            std::process::exit(1);
        }
    }
}
