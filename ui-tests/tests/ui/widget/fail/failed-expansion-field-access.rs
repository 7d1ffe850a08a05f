// Fields and methods of a failed expansion whose type nothing pins down
// cause no "type annotations needed" error.

use widget_dsl::widget;

fn main() {
    let widget = widget! {
        Carousel { Text { value: "slide" } }
    };
    let _ = widget.children;
    let _ = serde_json::to_value(&widget);
}
