// `chatkit_runtime::widget!` works with nothing but `chatkit_runtime` named:
// the expansion reaches the widget types through the re-exporting crate's
// `$crate`, not through a `widget_dsl` path in the caller.

use chatkit_runtime::widget;
use chatkit_runtime::widgets::{ActionConfig, Card, ThemeColor};

fn header(title: &str) -> chatkit_runtime::widgets::Row {
    widget! { Row { Title { value: title } Spacer {} Icon { name: "sparkle" } } }
}

fn main() {
    let card: Card = widget! {
        Card {
            size: "sm",
            background: ThemeColor::new("white", "black"),
            {header("Hello")}
            Button { label: "Go", on_click_action: ActionConfig::new("go") }
        }
    };
    assert_eq!(
        serde_json::to_string(&card).unwrap(),
        concat!(
            r#"{"type":"Card","background":{"dark":"black","light":"white"},"size":"sm","children":["#,
            r#"{"type":"Row","children":[{"type":"Title","value":"Hello"},{"type":"Spacer"},{"type":"Icon","name":"sparkle"}]},"#,
            r#"{"type":"Button","label":"Go","onClickAction":{"type":"go"}}]}"#,
        ),
    );

    // The full path works too, without a `use`.
    let list = chatkit_runtime::widget! { ListView { ListViewItem { Text { value: "x" } } } };
    assert_eq!(list.children.len(), 1);
}
