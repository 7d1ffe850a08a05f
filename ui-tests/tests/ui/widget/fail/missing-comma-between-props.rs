use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Badge { label: "new" color: "info" }
        }
    };
}
