use widget_dsl::widget;

fn main() {
    let pill = String::from("yes");
    let _ = widget! {
        Card {
            Badge { label: "new", pill }
        }
    };
}
