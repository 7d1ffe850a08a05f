use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Textarea { name: "bio", rows: "4" }
        }
    };
}
