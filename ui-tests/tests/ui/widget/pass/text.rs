// The text components (`Title`, `Caption`, `Text`, `Markdown`, `Label`),
// `Badge` and `Icon`, with every text prop, every size and weight set, and
// built-in, `vendor:` and `lucide:` icons.

// Python-only props, values and components are opt-ins (deprecated, see
// the catalogue's decisions); this file exercises them.
#![allow(deprecated)]

use serde_json::json;
use widget_dsl::{widget, EditableProps, IconName, ThemeColor};

fn main() {
    let title = String::from("Weekly report");
    let col = widget! {
        Col {
            Title {
                value: title.clone(),
                size: "5xl",
                color: "primary",
                weight: "bold",
                text_align: "center",
                truncate: true,
                max_lines: 2,
            }
            Title { value: "sm", size: "sm" }
            Title { value: "md", size: "md" }
            Title { value: "lg", size: "lg" }
            Title { value: "xl", size: "xl" }
            Title { value: "2xl", size: "2xl" }
            Title { value: "3xl", size: "3xl" }
            Title { value: "4xl", size: "4xl" }
            Caption { value: "small", size: "sm", weight: "normal", text_align: "start" }
            Caption { value: "medium", size: "md", color: ThemeColor::new("gray-600", "gray-400") }
            Caption { value: "large", size: "lg", weight: "medium", text_align: "end" }
            Text {
                value: "Draft",
                streaming: false,
                italic: true,
                line_through: true,
                width: 200,
                size: "xl",
                min_lines: 1,
                editable: false,
                weight: "semibold",
                max_lines: 3,
            }
            Text {
                id: "notes",
                value: "",
                size: "xs",
                editable: EditableProps::new("notes").placeholder("Add a note").required(true),
            }
            Text { value: "s", size: "sm" }
            Text { value: "m", size: "md" }
            Text { value: "l", size: "lg" }
            Markdown { value: "**bold** and _italic_", streaming: true }
            Label { value: "Email", field_name: "email", size: "sm", weight: "medium", text_align: "start", color: "secondary" }
        }
    };
    let json = serde_json::to_value(&col).unwrap();
    assert_eq!(
        json["children"][0],
        json!({
            "type": "Title",
            "value": "Weekly report",
            "size": "5xl",
            "color": "primary",
            "weight": "bold",
            "textAlign": "center",
            "truncate": true,
            "maxLines": 2,
        }),
    );
    assert_eq!(json["children"][11]["editable"], false);
    assert_eq!(
        json["children"][12]["editable"],
        json!({ "name": "notes", "placeholder": "Add a note", "required": true }),
    );
    assert_eq!(json["children"][17]["fieldName"], "email");

    let badges = widget! {
        Row {
            Badge { label: "new", color: "secondary", variant: "solid", size: "sm", pill: true }
            Badge { label: "ok", color: "success", variant: "soft", size: "md" }
            Badge { label: "error", color: "danger", variant: "outline", size: "lg" }
            Badge { label: "careful", color: "warning" }
            Badge { label: "fyi", color: "info" }
            Badge { label: "beta", color: "discovery" }
        }
    };
    assert_eq!(badges.children.as_ref().unwrap().len(), 6);

    let name = IconName::Lucide("rocket".to_owned());
    let icons = widget! {
        Row {
            Icon { name: "check-circle-filled", size: "xs", color: "success" }
            Icon { name: "vendor:acme-logo", size: "sm" }
            Icon { name: "lucide:rocket", size: "md", color: ThemeColor::new("black", "white") }
            Icon { name: name.clone(), size: "lg" }
            Icon { name: IconName::WriteAlt2, size: "xl" }
            Icon { name: "write-alt2", size: "2xl" }
            Icon { name: "book-open", size: "3xl" }
        }
    };
    let json = serde_json::to_value(&icons).unwrap();
    let names: Vec<_> = json["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|icon| icon["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["check-circle-filled", "vendor:acme-logo", "lucide:rocket", "lucide:rocket", "write-alt2", "write-alt2", "book-open"],
    );
}
