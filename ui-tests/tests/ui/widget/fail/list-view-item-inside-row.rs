use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Row {
                ListViewItem { Text { value: "Hello" } }
            }
        }
    };
}
