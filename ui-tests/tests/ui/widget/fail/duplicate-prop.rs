use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            size: "md",
            padding: 2,
            size: "lg",
            Text { value: "Hello" }
        }
    };
}
