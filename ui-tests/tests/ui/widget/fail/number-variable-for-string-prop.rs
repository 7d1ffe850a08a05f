use widget_dsl::widget;

fn main() {
    let count: u32 = 3;
    let _ = widget! {
        Card {
            Text { value: count }
            Badge { label: "n", size: "md", color: count }
        }
    };
}
