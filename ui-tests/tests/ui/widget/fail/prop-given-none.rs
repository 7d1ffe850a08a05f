use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            size: None,
            Text { value: None, weight: Option::None }
        }
    };
}
