use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Table {
                Text { value: "Hello" }
            }
        }
    };
}
