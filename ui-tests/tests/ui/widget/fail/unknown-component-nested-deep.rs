use widget_dsl::widget;

fn main() {
    let _ = widget! {
        Card {
            Col {
                Row {
                    gap: 2,
                    Box {
                        Text { value: "ok" }
                        Buton { label: "Send" }
                    }
                }
            }
        }
    };
}
