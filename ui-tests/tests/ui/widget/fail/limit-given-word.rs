use widget_dsl::widget;

fn main() {
    let _ = widget! {
        ListView {
            limit: "many",
            ListViewItem { Text { value: "Hello" } }
        }
    };
}
