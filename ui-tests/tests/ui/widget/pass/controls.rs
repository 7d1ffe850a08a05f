// The form controls and media (`Image`, `Button`, `Input`, `Textarea`,
// `Select`, `DatePicker`, `Checkbox`, `RadioGroup`) with every prop and
// every literal set they use.

// Python-only props, values and components are opt-ins (deprecated, see
// the catalogue's decisions); this file exercises them.
#![allow(deprecated)]

use serde_json::json;
use widget_dsl::{widget, ActionConfig, Handler, LoadingBehavior, RadioOption, SelectOption};

fn main() {
    let image = widget! {
        Image {
            src: "https://example.com/a.png",
            alt: "A picture",
            frame: true,
            fit: "scale-down",
            position: "top left",
            flush: false,
            background: "gray-100",
            flex: 1,
            height: 120,
            width: 160,
            size: 100,
            min_height: 10,
            min_width: 10,
            min_size: 10,
            max_height: 400,
            max_width: 400,
            max_size: 400,
            aspect_ratio: "16 / 9",
            radius: "lg",
            margin: 2,
        }
    };
    let json = serde_json::to_value(&image).unwrap();
    assert_eq!(json["fit"], "scale-down");
    assert_eq!(json["position"], "top left");
    assert_eq!(json["aspectRatio"], "16 / 9");

    let fits = widget! {
        Row {
            Image { src: "a", fit: "cover", position: "top" }
            Image { src: "b", fit: "contain", position: "top right" }
            Image { src: "c", fit: "fill", position: "left" }
            Image { src: "d", fit: "none", position: "center" }
            Image { src: "e", position: "right" }
            Image { src: "f", position: "bottom left" }
            Image { src: "g", position: "bottom" }
            Image { src: "h", position: "bottom right" }
        }
    };
    assert_eq!(fits.children.unwrap().len(), 8);

    let button = widget! {
        Button {
            submit: false,
            label: "Send",
            on_click_action: ActionConfig::new("mail.send")
                .handler(Handler::Client)
                .loading_behavior(LoadingBehavior::OwnComponent)
                .streaming(false),
            icon_start: "mail",
            icon_end: "lucide:send",
            style: "primary",
            icon_size: "2xl",
            color: "caution",
            variant: "ghost",
            size: "3xs",
            pill: true,
            uniform: false,
            block: true,
            disabled: false,
        }
    };
    assert_eq!(
        serde_json::to_value(&button).unwrap(),
        json!({
            "type": "Button",
            "submit": false,
            "label": "Send",
            "onClickAction": {
                "type": "mail.send",
                "handler": "client",
                "loadingBehavior": "self",
                "streaming": false,
            },
            "iconStart": "mail",
            "iconEnd": "lucide:send",
            "style": "primary",
            "iconSize": "2xl",
            "color": "caution",
            "variant": "ghost",
            "size": "3xs",
            "pill": true,
            "uniform": false,
            "block": true,
            "disabled": false,
        }),
    );

    let buttons = widget! {
        Row {
            Button { label: "a", style: "secondary", icon_size: "sm", color: "primary", variant: "solid", size: "2xs" }
            Button { label: "b", icon_size: "md", color: "secondary", variant: "soft", size: "xs" }
            Button { label: "c", icon_size: "lg", color: "info", variant: "outline", size: "sm" }
            Button { label: "d", icon_size: "xl", color: "discovery", size: "md" }
            Button { label: "e", color: "success", size: "lg" }
            Button { label: "f", color: "warning", size: "xl" }
            Button { label: "g", color: "danger", size: "2xl" }
            Button { label: "h", size: "3xl", on_click_action: ActionConfig::new("x").handler(Handler::Server).loading_behavior(LoadingBehavior::Container) }
            Button { label: "i", on_click_action: ActionConfig::new("y").loading_behavior(LoadingBehavior::None) }
            Button { label: "j", on_click_action: ActionConfig::new("z").loading_behavior(LoadingBehavior::Auto) }
        }
    };
    assert_eq!(buttons.children.unwrap().len(), 10);

    let form = widget! {
        Form {
            Input {
                name: "phone",
                input_type: "tel",
                default_value: "+1",
                required: true,
                pattern: "[0-9+ ]+",
                placeholder: "Phone",
                allow_autofill_extensions: false,
                auto_select: true,
                auto_focus: true,
                disabled: false,
                variant: "outline",
                size: "md",
                gutter_size: "2xs",
                pill: false,
            }
            Input { name: "n", input_type: "number", variant: "soft", gutter_size: "xs" }
            Input { name: "t", input_type: "text", gutter_size: "sm" }
            Input { name: "p", input_type: "password", gutter_size: "md" }
            Input { name: "u", input_type: "url", gutter_size: "lg" }
            Input { name: "e", input_type: "email", gutter_size: "xl" }
            Textarea {
                name: "bio",
                default_value: "Hi",
                required: false,
                pattern: ".*",
                placeholder: "About you",
                auto_select: false,
                auto_focus: false,
                disabled: false,
                variant: "soft",
                size: "lg",
                gutter_size: "md",
                rows: 4,
                auto_resize: true,
                max_rows: 10,
                allow_autofill_extensions: true,
            }
            Select {
                name: "fruit",
                options: vec![
                    SelectOption::new("apple", "Apple").description("Red"),
                    SelectOption::new("pear", "Pear").disabled(true),
                ],
                on_change_action: ActionConfig::new("fruit.change"),
                placeholder: "Pick one",
                default_value: "apple",
                variant: "outline",
                size: "sm",
                pill: true,
                block: false,
                clearable: true,
                disabled: false,
                searchable: true,
            }
            Select {
                name: "letters",
                options: ["a", "b"].map(|letter| SelectOption::new(letter, letter.to_uppercase())),
            }
            DatePicker {
                name: "due",
                on_change_action: ActionConfig::new("due.change"),
                placeholder: "Due date",
                default_value: "2026-01-01T00:00:00",
                min: "2025-01-01T00:00:00",
                max: String::from("2027-12-31T23:59:59"),
                variant: "soft",
                size: "xl",
                side: "bottom",
                align: "start",
                pill: false,
                block: true,
                clearable: false,
                disabled: false,
            }
            DatePicker { name: "a", side: "top", align: "center" }
            DatePicker { name: "b", side: "left", align: "end" }
            DatePicker { name: "c", side: "right" }
            Checkbox {
                name: "agree",
                label: "I agree",
                default_checked: false,
                on_change_action: ActionConfig::new("agree.toggle"),
                disabled: false,
                required: true,
            }
            RadioGroup {
                name: "plan",
                options: vec![RadioOption::new("free", "Free"), RadioOption::new("pro", "Pro").disabled(true)],
                aria_label: "Plan",
                on_change_action: ActionConfig::new("plan.change"),
                default_value: "free",
                direction: "row",
                disabled: false,
                required: true,
            }
            RadioGroup { name: "empty" }
        }
    };
    let json = serde_json::to_value(&form).unwrap();
    let children = json["children"].as_array().unwrap();
    assert_eq!(children.len(), 16);
    assert_eq!(children[0]["inputType"], "tel");
    assert_eq!(children[0]["gutterSize"], "2xs");
    assert_eq!(
        children[7]["options"],
        json!([
            { "value": "apple", "label": "Apple", "description": "Red" },
            { "value": "pear", "label": "Pear", "disabled": true },
        ]),
    );
    assert_eq!(children[8]["options"][1], json!({ "value": "b", "label": "B" }));
    assert_eq!(children[9]["defaultValue"], "2026-01-01T00:00:00");
    assert_eq!(children[14]["options"][1], json!({ "label": "Pro", "value": "pro", "disabled": true }));
}
