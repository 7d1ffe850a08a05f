use widget_dsl::widget;

fn main() {
    let text = widget! { Text { value: "Hello" } };
    let _ = widget! {
        ListView {
            {text}
        }
    };
}
