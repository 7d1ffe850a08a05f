use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Form {
            Label {}
            Input { name: "email" }
        }
    };
}
