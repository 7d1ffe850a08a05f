use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Table {
                TableCell { Text { value: "Hello" } }
            }
        }
    };
}
