// The three roots (`Card`, `ListView`, `Basic`) with every prop of `Card`
// and `ListView`, and the JSON they produce.

use serde_json::json;
use widget_dsl::{
    widget, ActionConfig, Border, CardAction, IconName, Spacing, ThemeColor, WidgetStatus,
};

fn main() {
    let card = widget! {
        Card {
            key: "card-1",
            id: "order-summary",
            as_form: true,
            background: ThemeColor::new("white", "gray-900"),
            border: Border::new(1).color("gray-200"),
            size: "full",
            padding: Spacing::new().x(4).y(2),
            status: WidgetStatus::with_favicon("Shop", "https://example.com/favicon.ico"),
            collapsed: false,
            confirm: CardAction::new("Pay", ActionConfig::new("order.pay")),
            cancel: CardAction::new("Cancel", ActionConfig::new("order.cancel")),
            theme: "dark",
            Text { value: "Total: 42 EUR" }
        }
    };
    assert_eq!(
        serde_json::to_value(&card).unwrap(),
        json!({
            "type": "Card",
            "key": "card-1",
            "id": "order-summary",
            "asForm": true,
            "background": { "light": "white", "dark": "gray-900" },
            "border": { "size": 1, "color": "gray-200" },
            "size": "full",
            "padding": { "x": 4, "y": 2 },
            "status": { "text": "Shop", "favicon": "https://example.com/favicon.ico" },
            "collapsed": false,
            "confirm": { "label": "Pay", "action": { "type": "order.pay" } },
            "cancel": { "label": "Cancel", "action": { "type": "order.cancel" } },
            "theme": "dark",
            "children": [{ "type": "Text", "value": "Total: 42 EUR" }],
        }),
    );

    // Each `CardSize` and `Theme` value lowers to its variant.
    let sizes = [
        widget! { Card { size: "sm", theme: "light", Spacer {} } },
        widget! { Card { size: "md", Spacer {} } },
        widget! { Card { size: "lg", Spacer {} } },
    ];
    let sizes: Vec<_> = sizes.iter().map(|card| card.size.unwrap().as_str()).collect();
    assert_eq!(sizes, ["sm", "md", "lg"]);

    let list = widget! {
        ListView {
            limit: 3,
            status: WidgetStatus::with_icon("Inbox", IconName::Mail),
            theme: "light",
            ListViewItem {
                on_click_action: ActionConfig::new("mail.open").payload(json!({ "id": 1 })),
                gap: 2,
                align: "center",
                Text { value: "Hello" }
            }
        }
    };
    assert_eq!(
        serde_json::to_value(&list).unwrap(),
        json!({
            "type": "ListView",
            "limit": 3,
            "status": { "text": "Inbox", "icon": "mail" },
            "theme": "light",
            "children": [{
                "type": "ListViewItem",
                "onClickAction": { "type": "mail.open", "payload": { "id": 1 } },
                "gap": 2,
                "align": "center",
                "children": [{ "type": "Text", "value": "Hello" }],
            }],
        }),
    );

    let auto = widget! { ListView { limit: "auto", status: "Everything" } };
    assert_eq!(
        serde_json::to_value(&auto).unwrap(),
        json!({ "type": "ListView", "limit": "auto", "status": { "text": "Everything" }, "children": [] }),
    );

    // `Basic` holds components and whole roots.
    let basic = widget! {
        Basic {
            theme: "dark",
            direction: "col",
            gap: 3,
            padding: 4,
            align: "stretch",
            justify: "between",
            Title { value: "Preview" }
            Card { Text { value: "nested root" } }
            ListView { ListViewItem { Text { value: "item" } } }
            Basic { Spacer {} }
        }
    };
    let json = serde_json::to_value(&basic).unwrap();
    let types: Vec<_> = json["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|child| child["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["Title", "Card", "ListView", "Basic"]);
    assert_eq!(json["direction"], "col");
    assert_eq!(json["justify"], "between");
}
