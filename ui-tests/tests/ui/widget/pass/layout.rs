// The layout components (`Box`, `Row`, `Col`, `Form`, `Spacer`, `Divider`,
// `Transition`) with every box and block prop, and every kind of value the
// size, color, padding and border props take.

use serde_json::json;
use widget_dsl::{
    widget, ActionConfig, Border, BorderSide, BorderStyle, Borders, Color, Dimension, Padding,
    Spacing, ThemeColor,
};

fn main() {
    let gap: u32 = 3;
    let ratio = 1.5_f64;
    let row = widget! {
        Row {
            align: "baseline",
            justify: "evenly",
            wrap: "wrap-reverse",
            flex: 1,
            gap,
            padding: Spacing::new().top(1).right("2px").bottom(0.5).left(4),
            border: Borders {
                top: Some(BorderSide::Width(1)),
                bottom: Some(Border::new(2).style(BorderStyle::Dashed).into()),
                ..Borders::default()
            },
            background: "surface-secondary",
            height: 40,
            width: "100%",
            size: 2.5,
            min_height: 10,
            min_width: "5rem",
            min_size: 1,
            max_height: 400,
            max_width: 600.0,
            max_size: "auto",
            aspect_ratio: ratio,
            radius: "100%",
            margin: "0 auto",
            Spacer { min_size: 16 }
        }
    };
    assert_eq!(
        serde_json::to_value(&row).unwrap(),
        json!({
            "type": "Row",
            "align": "baseline",
            "justify": "evenly",
            "wrap": "wrap-reverse",
            "flex": 1,
            "gap": 3,
            "padding": { "top": 1, "right": "2px", "bottom": 0.5, "left": 4 },
            "border": { "top": 1, "bottom": { "size": 2, "style": "dashed" } },
            "background": "surface-secondary",
            "height": 40,
            "width": "100%",
            "size": 2.5,
            "minHeight": 10,
            "minWidth": "5rem",
            "minSize": 1,
            "maxHeight": 400,
            "maxWidth": 600.0,
            "maxSize": "auto",
            "aspectRatio": 1.5,
            "radius": "100%",
            "margin": "0 auto",
            "children": [{ "type": "Spacer", "minSize": 16 }],
        }),
    );

    // Values built outside the macro: every conversion the setters take.
    let padding: Padding = 2.into();
    let color: Color = ThemeColor::new("black", "white").into();
    let width = Dimension::Text("50%".to_owned());
    let col = widget! {
        Col {
            align: "start",
            justify: "around",
            wrap: "nowrap",
            flex: "1 1 auto",
            gap: 1.5,
            padding,
            border: 1,
            background: color,
            width,
            radius: "2xl",
            margin: Spacing::new().x(2),
            Divider { color: "gray-300", size: 1, spacing: 4, flush: true }
            Divider { color: ThemeColor::new("gray-200", "gray-700") }
        }
    };
    let json = serde_json::to_value(&col).unwrap();
    assert_eq!(json["padding"], 2);
    assert_eq!(json["border"], 1);
    assert_eq!(json["background"], json!({ "light": "black", "dark": "white" }));
    assert_eq!(json["radius"], "2xl");
    assert_eq!(json["children"][1]["color"], json!({ "light": "gray-200", "dark": "gray-700" }));

    let boxed = widget! {
        Box {
            direction: "row",
            align: "end",
            justify: "stretch",
            wrap: "wrap",
            border: Border::new(2).color(ThemeColor::new("red-200", "red-800")).style(BorderStyle::Dotted),
            radius: "none",
            Box { direction: "col", justify: "start", radius: "xs", Spacer {} }
            Box { justify: "center", radius: "2xs" }
            Box { justify: "end", radius: "sm" }
            Box { radius: "md" }
            Box { radius: "lg" }
            Box { radius: "xl" }
            Box { radius: "3xl" }
            Box { radius: "4xl" }
            Box { radius: "full" }
        }
    };
    assert_eq!(boxed.children.as_ref().map(Vec::len), Some(9));
    assert_eq!(
        serde_json::to_value(&boxed).unwrap()["border"],
        json!({ "size": 2, "color": { "light": "red-200", "dark": "red-800" }, "style": "dotted" }),
    );

    let form = widget! {
        Form {
            on_submit_action: ActionConfig::new("profile.save"),
            direction: "col",
            gap: 2,
            Input { name: "email", input_type: "email" }
            Button { label: "Save", submit: true }
        }
    };
    assert_eq!(form.on_submit_action.as_ref().unwrap().r#type, "profile.save");

    // `Transition` takes exactly one child: a component, or an expression.
    let loading = true;
    let transition = widget! {
        Transition {
            Col { Text { value: "Loading", streaming: loading } }
        }
    };
    let swapped = widget! {
        Transition {
            {if loading { widget! { Caption { value: "wait" } } } else { widget! { Caption { value: "done" } } }}
        }
    };
    assert_eq!(
        serde_json::to_value(&transition).unwrap()["children"]["type"],
        "Col",
    );
    assert_eq!(
        serde_json::to_value(&swapped).unwrap(),
        json!({ "type": "Transition", "children": { "type": "Caption", "value": "wait" } }),
    );
}
