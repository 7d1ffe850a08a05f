//! The catalogue as JSON, for tests that check it against the reference
//! implementations (`widget-dsl/tests/oracles.rs`).

use std::fmt::Write as _;

use super::{COMPONENTS, ChildKind, Children, Placement, PropKind};

pub(crate) fn to_json() -> String {
    let mut out = String::from("[");
    for (i, component) in COMPONENTS.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let placement = match component.placement {
            Placement::Root => "root".to_owned(),
            Placement::Component => "component".to_owned(),
            Placement::Only(parent) => format!("only:{parent}"),
        };
        let children = match component.children {
            Children::None => "none".to_owned(),
            Children::Single => "single".to_owned(),
            Children::List { of, required } => {
                let of = match of {
                    ChildKind::Component => "component".to_owned(),
                    ChildKind::Node => "node".to_owned(),
                    ChildKind::Only(name) => format!("only:{name}"),
                };
                format!(
                    "list:{of}:{}",
                    if required { "required" } else { "optional" }
                )
            }
        };
        let _ = write!(
            out,
            r#"{{"type":"{}","rust":"{}","placement":"{placement}","support":"{}","children":"{children}","props":["#,
            component.name,
            component.rust,
            component.support.key()
        );
        for (j, prop) in component.all_props().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let (kind, values): (&str, &[&str]) = match prop.kind {
                PropKind::Literal(set) => ("Literal", set.values),
                PropKind::Icon => ("Icon", super::ICONS.values),
                other => (kind_name(other), &[]),
            };
            let values: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
            let _ = write!(
                out,
                r#"{{"name":"{}","wire":"{}","kind":"{kind}","required":{},"support":"{}","values":[{}]}}"#,
                prop.name,
                prop.wire_name(),
                prop.required,
                prop.support.key(),
                values.join(",")
            );
        }
        out.push_str("]}");
    }
    out.push(']');
    out
}

fn kind_name(kind: PropKind) -> &'static str {
    match kind {
        PropKind::Str => "Str",
        PropKind::Bool => "Bool",
        PropKind::Count => "Count",
        PropKind::Dimension => "Dimension",
        PropKind::Color => "Color",
        PropKind::Padding => "Padding",
        PropKind::Spacing => "Spacing",
        PropKind::Border => "Border",
        PropKind::Literal(_) => "Literal",
        PropKind::Icon => "Icon",
        PropKind::Action => "Action",
        PropKind::Status => "Status",
        PropKind::CardAction => "CardAction",
        PropKind::Editable => "Editable",
        PropKind::SelectOptions => "SelectOptions",
        PropKind::RadioOptions => "RadioOptions",
        PropKind::Limit => "Limit",
        PropKind::ChartData => "ChartData",
        PropKind::Series => "Series",
        PropKind::XAxis => "XAxis",
        PropKind::DateTime => "DateTime",
    }
}
