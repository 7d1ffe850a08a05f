// A root with no near name still expands to a value of the expected type:
// the only error is the macro's own, not "type annotations needed".

use widget_dsl::{widget, Card};

fn takes_card(_: Card) {}

fn main() {
    let card = widget! {
        Carousel { Text { value: "slide" } }
    };
    takes_card(card);
    let list: widget_dsl::ListView = widget! { Lsit { } };
    let _ = list.children;
}
