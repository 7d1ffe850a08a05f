use widget_dsl::widget;

fn main() {
    let items = ["a", "b"];
    let _ = widget! {
        Card {
            for item in items {
                gap: 2,
                Text { value: item }
            }
        }
    };
}
