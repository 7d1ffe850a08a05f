use widget_dsl::widget;

fn main() {
    let items = vec![widget! { Text { value: "a" } }];
    let _ = widget! {
        Card {
            children: items,
        }
    };
}
