use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Card { Text { value: "Hello" } }
        }
    };
}
