//! A gallery of ChatKit widgets built with `widget!`: the widgets of the
//! seed apps, and a few more so that every component of the catalogue is
//! shown at least once. The playground's preview page shows them
//! ([`gallery`]); `cargo run -p example-widgets <name>` prints one as JSON.

use widget_dsl::{
    ActionConfig, Basic, Border, Card, CardAction, ChartDatum, ChartValue, IconName, ListView,
    RadioOption, SelectOption, Series, ThemeColor, WidgetRoot, WidgetStatus, widget,
};

/// A task of the todo list.
pub struct Task {
    /// Its number.
    pub id: u32,
    /// What to do.
    pub title: &'static str,
    /// More about it.
    pub description: Option<&'static str>,
    /// Whether it is done.
    pub done: bool,
}

/// The task list of the todo assistant: a header with the count, one row per
/// task with its status, and an empty state.
pub fn task_list(tasks: &[Task]) -> ListView {
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
pub fn weather(city: &str, temperature: i32, condition: &str) -> Card {
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
pub fn form() -> Card {
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

/// A profile card: an image, badges, Markdown, a divider and a confirm
/// and cancel pair.
pub fn profile() -> Card {
    widget! {
        Card {
            size: "md",
            status: WidgetStatus::with_icon("Team directory", IconName::User),
            confirm: CardAction::new("Message", ActionConfig::new("profile.message")),
            cancel: CardAction::new("Close", ActionConfig::new("profile.close")),
            Row {
                gap: 3,
                align: "center",
                Image {
                    src: "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='64' height='64'><rect width='64' height='64' fill='%236366f1'/><text x='32' y='41' font-size='26' text-anchor='middle' fill='white' font-family='sans-serif'>AL</text></svg>",
                    alt: "Ada Lovelace",
                    size: 56,
                    radius: "full",
                }
                Col {
                    gap: 1,
                    Title { value: "Ada Lovelace", size: "md" }
                    Caption { value: "Analyst, Engines team", color: "secondary" }
                    Row {
                        gap: 1,
                        Badge { label: "Admin", color: "discovery", variant: "soft" }
                        Badge { label: "On call", color: "warning", pill: true }
                    }
                }
            }
            Divider { spacing: 2 }
            Markdown { value: "Writes **notes** on the *Analytical Engine*.\n\n- first program\n- `Bernoulli` numbers" }
            Box {
                padding: 2,
                radius: "md",
                background: ThemeColor::new("gray-100", "gray-800"),
                border: Border::new(1).color("gray-200"),
                Text { value: "Joined in 1843", size: "sm", color: ThemeColor::new("gray-700", "gray-200") }
            }
        }
    }
}

/// A booking form: every input control.
pub fn booking() -> Card {
    widget! {
        Card {
            as_form: true,
            Form {
                gap: 3,
                on_submit_action: ActionConfig::new("booking.submit"),
                Title { value: "Book a table", size: "sm" }
                Col {
                    gap: 1,
                    Label { value: "Name", field_name: "name" }
                    Input { name: "name", placeholder: "Your name", required: true }
                }
                Row {
                    gap: 2,
                    Select {
                        name: "guests",
                        placeholder: "Guests",
                        default_value: "2",
                        options: vec![
                            SelectOption::new("1", "One"),
                            SelectOption::new("2", "Two"),
                            SelectOption::new("4", "Four"),
                        ],
                    }
                    DatePicker { name: "date", placeholder: "Date", default_value: "2026-12-24" }
                }
                RadioGroup {
                    name: "seating",
                    direction: "row",
                    default_value: "inside",
                    options: vec![RadioOption::new("inside", "Inside"), RadioOption::new("terrace", "Terrace")],
                }
                Checkbox { name: "reminder", label: "Remind me the day before", default_checked: true }
                Textarea { name: "notes", placeholder: "Allergies, occasion…", rows: 2 }
                Button { label: "Book", submit: true, style: "primary", icon_start: "calendar" }
            }
        }
    }
}

fn month(name: &str, sales: i64, returns: i64) -> ChartDatum {
    [
        ("month".to_owned(), ChartValue::from(name)),
        ("sales".to_owned(), ChartValue::Int(sales)),
        ("returns".to_owned(), ChartValue::Int(returns)),
    ]
    .into_iter()
    .collect()
}

/// A bar and line chart of a quarter's sales.
// `Chart` is in the Python reference only, not in `@openai/chatkit`'s types;
// the gallery shows it since the playground renders it.
#[allow(deprecated)]
pub fn sales_chart() -> Card {
    let data = vec![
        month("Oct", 120, 12),
        month("Nov", 160, 9),
        month("Dec", 210, 15),
    ];
    widget! {
        Card {
            Title { value: "Sales, last quarter", size: "sm" }
            Chart {
                data,
                series: [
                    Series::bar("Sales", "sales").color("blue-500"),
                    Series::line("Returns", "returns").color("red-500"),
                ],
                x_axis: "month",
                show_legend: true,
                height: 180,
            }
        }
    }
}

/// A table of opening hours.
pub fn opening_hours() -> Card {
    let hours = [
        ("Mon–Fri", "8:00", "20:00"),
        ("Sat", "9:00", "18:00"),
        ("Sun", "closed", ""),
    ];
    widget! {
        Card {
            Table {
                TableRow {
                    header: true,
                    TableCell { Text { value: "Day", weight: "semibold" } }
                    TableCell { Text { value: "Opens", weight: "semibold" } }
                    TableCell { Text { value: "Closes", weight: "semibold" } }
                }
                for (day, opens, closes) in hours {
                    TableRow {
                        TableCell { Text { value: day } }
                        TableCell { Text { value: opens } }
                        TableCell { Text { value: closes } }
                    }
                }
            }
        }
    }
}

/// A bare root (`Basic`) whose content is swapped by a `Transition`.
pub fn upload_status() -> Basic {
    widget! {
        Basic {
            gap: 2,
            Transition {
                Row {
                    gap: 2,
                    align: "center",
                    Icon { name: "check-circle", color: "success" }
                    Text { value: "report.pdf uploaded", streaming: false }
                    Spacer {}
                    Button { label: "Open", variant: "outline", size: "sm", on_click_action: ActionConfig::new("file.open") }
                }
            }
        }
    }
}

/// The two tasks the gallery's task list shows.
pub fn sample_tasks() -> [Task; 2] {
    [
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
    ]
}

/// Every widget of the gallery, by name: together they use each component
/// of the catalogue.
pub fn gallery() -> Vec<(&'static str, WidgetRoot)> {
    vec![
        ("Task list", task_list(&sample_tasks()).into()),
        ("Weather", weather("Paris", 21, "Sunny").into()),
        ("New task form", form().into()),
        ("Profile", profile().into()),
        ("Booking", booking().into()),
        ("Sales chart", sales_chart().into()),
        ("Opening hours", opening_hours().into()),
        ("Upload status", upload_status().into()),
    ]
}
