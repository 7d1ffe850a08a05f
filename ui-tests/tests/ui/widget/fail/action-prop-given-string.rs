use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Button { label: "Go", on_click_action: "go" }
        }
    };
}
