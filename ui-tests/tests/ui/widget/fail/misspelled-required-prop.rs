// A misspelled required prop is reported once, as unknown, and not a second
// time as missing.

use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Text { vlaue: "Hello" }
        }
    };
}
