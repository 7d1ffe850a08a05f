#![deny(deprecated)]

use widget_dsl::{widget, Series};

fn main() {
    let _ = widget! {
        Card {
            Chart { data: [], series: [Series::bar("Sales", "sales")], x_axis: "month" }
        }
    };
}
