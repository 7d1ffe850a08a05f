use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            size: "huge",
            Text { value: "Hello" }
        }
    };
}
