// What only the Python reference has is deprecated: a warning (an error
// here, under `deny`) naming the reason and the opt-in.
#![deny(deprecated)]

use widget_dsl::{widget, ActionConfig, Handler, SelectOption};

fn main() {
    let _ = widget! {
        Card {
            Select { name: "s", options: [SelectOption::new("a", "A").description("first")], searchable: true }
            Image { src: "/a.png", flex: 1 }
            Icon { name: "clock" }
            Button { label: "Go", icon_start: "vendor:acme", on_click_action: ActionConfig::new("go").handler(Handler::Client) }
        }
    };
}
