use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Transition {
                Text { value: "one" }
                Text { value: "two" }
            }
        }
    };
}
