use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            sizee: "md",
            Text { value: "Hello" }
        }
    };
}
