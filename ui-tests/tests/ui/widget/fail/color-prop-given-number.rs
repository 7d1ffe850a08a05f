use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Text { value: "Hello", color: 0xff0000 }
        }
    };
}
