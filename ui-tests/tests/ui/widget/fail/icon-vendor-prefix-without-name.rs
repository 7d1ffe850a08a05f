use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Button { label: "Go", icon_start: "vendor:" }
        }
    };
}
