use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Text {
                value: "Hello",
                Badge { label: "x" }
            }
        }
    };
}
