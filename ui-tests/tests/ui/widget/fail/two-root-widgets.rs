use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card { Text { value: "one" } }
        Card { Text { value: "two" } }
    };
}
