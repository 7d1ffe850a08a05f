use widget_dsl::widget;

fn main() {
    let size: u64 = 2;
    let _ = widget! {
        Card {
            size: size,
            Text { value: "Hello" }
        }
    };
}
