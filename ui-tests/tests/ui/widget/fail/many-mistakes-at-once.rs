// Every mistake is reported in one pass, and the failed expansion still has
// the root's type: using the result causes no further errors.

use widget_dsl::{widget, Card};

fn main() {
    let card: Card = widget! {
        Card {
            sizee: "md",
            theme: "blue",
            Row {
                Text { weight: "bold" }
                Badge { label: "new", pill: "yes" }
                ListViewItem { Text { value: "misplaced" } }
            }
        }
    };
    let _size = card.size;
    let _children = card.children.len();
}
