use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Table {
                Table.Rwo { Table.Cell { Text { value: "Hello" } } }
            }
        }
    };
}
