use widget_dsl::widget;

fn main() {
    let size = "md";
    let _ = widget! {
        Card {
            size,
            Text { value: "Hello" }
        }
    };
}
