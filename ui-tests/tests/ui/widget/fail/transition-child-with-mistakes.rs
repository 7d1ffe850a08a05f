use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Transition {
                Txt { value: "Hello" }
            }
            Transition {
                Card { Text { value: "root" } }
            }
        }
    };
}
