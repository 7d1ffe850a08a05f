use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Select { name: "fruit", options: "apple, pear" }
        }
    };
}
