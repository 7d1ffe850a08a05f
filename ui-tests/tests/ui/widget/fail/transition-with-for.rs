use widget_dsl::widget;

fn main() {
    let items = ["a", "b"];
    let _ = widget! {
        Card {
            Transition {
                for item in items {
                    Text { value: item }
                }
            }
        }
    };
}
