// A failed expansion whose type nothing pins down reports only the macro's
// error.

use widget_dsl::widget;

fn main() {
    let widget = widget! {
        Carousel { Text { value: "slide" } }
    };
    drop(widget);
}
