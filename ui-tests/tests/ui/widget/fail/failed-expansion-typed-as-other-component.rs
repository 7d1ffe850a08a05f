// A misspelled root inside a typed `let` reports the misspelling only, even
// when the nearest name is not the expected type.

use widget_dsl::{widget, Label};

fn main() {
    let label: Label = widget! { Tabel { value: "Email", field_name: "email" } };
    let _ = label.value;
    let card = widget! { Crad { Text { value: "Hello" } } };
    let _ = card.child(widget! { Spacer {} });
}
