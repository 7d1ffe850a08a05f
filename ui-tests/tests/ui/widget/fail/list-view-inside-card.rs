use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            ListView {
                ListViewItem { Text { value: "Hello" } }
            }
        }
    };
}
