use widget_dsl::{widget, Text};

fn main() {
    let texts: Vec<Text> = vec![widget! { Text { value: "Hello" } }];
    let _ = widget! {
        ListView {
            {texts}
        }
    };
}
