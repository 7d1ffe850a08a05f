use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Title { value: "Hello", size: 3 }
        }
    };
}
