use widget_dsl::widget;

fn main() {
    let greeting = String::from("Hello");
    let _ = widget! {
        Card {
            {greeting}
        }
    };
}
