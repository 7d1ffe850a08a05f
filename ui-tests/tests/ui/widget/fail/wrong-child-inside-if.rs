use widget_dsl::widget;

fn main() {
    let empty = true;
    let _ = widget! {
        ListView {
            if empty {
                Text { value: "Nothing here" }
            } else {
                ListViewItem { Text { value: "item" } }
            }
        }
    };
}
