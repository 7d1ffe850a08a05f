use widget_dsl::widget;

fn main() {
    let _ = widget! {
        ListView {
            Text { value: "Hello" }
        }
    };
}
