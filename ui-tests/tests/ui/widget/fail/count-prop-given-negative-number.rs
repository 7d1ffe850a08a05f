use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Text { value: "Hello", max_lines: -1 }
        }
    };
}
