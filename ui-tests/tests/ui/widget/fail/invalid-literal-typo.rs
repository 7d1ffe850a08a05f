use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            size: "mdd",
            Text { value: "Hello" }
        }
    };
}
