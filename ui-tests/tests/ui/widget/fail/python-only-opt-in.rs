// The opt-in: `#[allow(deprecated)]` where a Python-only prop is set. Only
// the prop outside it is reported.
#![deny(deprecated)]

use widget_dsl::{widget, Card, Select, SelectOption};

#[allow(deprecated)]
fn opted_in() -> Card {
    widget! { Card { Select { name: "s", options: [SelectOption::new("a", "A")], searchable: true } } }
}

fn main() {
    let _ = opted_in();
    let _ = Select::new("s", [SelectOption::new("a", "A")]).searchable(true);
}
