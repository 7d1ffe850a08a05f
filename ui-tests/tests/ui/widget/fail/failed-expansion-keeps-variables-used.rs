// Variables used only inside a failed expansion raise no "unused variable"
// warnings on top of the macro's error.

use widget_dsl::widget;

fn main() {
    let title = String::from("Hello");
    let items = vec!["a", "b"];
    let _ = widget! {
        Card {
            sizee: "md",
            Text { value: title }
            for item in items {
                Badge { label: item }
            }
        }
    };
}
