use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Crad {
            Text { value: "Hello" }
        }
    };
}
