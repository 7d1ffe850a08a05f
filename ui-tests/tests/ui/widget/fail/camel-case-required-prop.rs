use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Form {
            Label { value: "Email", fieldName: "email" }
            Input { name: "email" }
        }
    };
}
