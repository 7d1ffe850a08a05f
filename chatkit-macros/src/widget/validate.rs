//! The catalogue's rules, checked against a parsed `widget!` body. Every
//! violation is collected with the span of the offending token; nothing stops
//! at the first error.

use proc_macro2::Span;
use syn::spanned::Spanned as _;
use syn::{Expr, Lit};

use super::ast::{BodyItem, ChildNode, Element, Else, IfChain};
use crate::catalog::{self, COMPONENTS, Children, Component, Placement, Prop, PropKind};
use crate::common::ctxt::Ctxt;
use crate::common::suggest::closest;

/// An error message followed by a `help:` line.
fn with_help(message: String, help: Option<String>) -> String {
    match help {
        Some(help) => format!("{message}\n\nhelp: {help}"),
        None => message,
    }
}

pub(crate) fn check_root(root: &Element, cx: &mut Ctxt) {
    check_element(root, None, cx);
}

/// Checks one element; `parent` is the enclosing component, if known.
fn check_element(element: &Element, parent: Option<&'static Component>, cx: &mut Ctxt) {
    let Some(component) = catalog::by_name(&element.name.text) else {
        unknown_component(element, cx);
        // Still check the body, so mistakes inside are reported too.
        for item in &element.body {
            if let BodyItem::Child(child) = item {
                check_child(child, None, cx);
            }
        }
        return;
    };
    if let Some(parent) = parent {
        check_placement(component, parent, element.name.span, cx);
    }
    check_props(element, component, cx);
    check_children(element, component, cx);
}

/// unknown component `Crad` / help: did you mean `Card`?
fn unknown_component(element: &Element, cx: &mut Ctxt) {
    let name = &element.name.text;
    // Suggest in the spelling used: `Table.Rwo` → `Table.Row`, `TabelRow` → `TableRow`.
    let dotted = name.contains('.');
    let candidates = COMPONENTS
        .iter()
        .map(|c| if dotted { c.name } else { c.rust });
    let help = closest(name, candidates)
        .map(|near| format!("did you mean `{near}`?"))
        .or_else(|| {
            let all: Vec<_> = COMPONENTS.iter().map(|c| format!("`{}`", c.rust)).collect();
            Some(format!("the components are {}", all.join(", ")))
        });
    cx.error(
        element.name.span,
        with_help(format!("unknown component `{name}`"), help),
    );
}

/// `Text` directly in `ListView`, `Card` in `Card`, `TableCell` in `Row`.
fn check_placement(component: &Component, parent: &Component, span: Span, cx: &mut Ctxt) {
    if parent.accepts(component) {
        return;
    }
    let (child, host) = (component.rust, parent.rust);
    let message = match (component.placement, parent.children) {
        (_, Children::None) => format!("`{host}` does not take children"),
        (Placement::Root, _) => {
            format!("`{child}` is a root widget and cannot be nested inside `{host}`")
        }
        _ => format!("`{child}` cannot be a child of `{host}`"),
    };
    let help = match (component.placement, parent.children) {
        (_, Children::None) => None,
        (Placement::Root, _) => {
            Some("group components with `Box`, `Row` or `Col` instead".to_owned())
        }
        (Placement::Only(only), _) => {
            let only = catalog::by_name(only).map_or(only, |c| c.rust);
            Some(format!("`{child}` belongs directly inside `{only}`"))
        }
        (
            Placement::Component,
            catalog::Children::List {
                of: catalog::ChildKind::Only(only),
                ..
            },
        ) => {
            let wrappers = wrappers(parent, component);
            let only = catalog::by_name(only).map_or(only, |c| c.rust);
            let open: String = wrappers.iter().map(|w| format!("{w} {{ ")).collect();
            let close = " }".repeat(wrappers.len());
            Some(format!(
                "`{host}` takes only `{only}` children; wrap it: `{open}{child} {{ ... }}{close}`"
            ))
        }
        _ => Some(format!("`{host}` takes {}", parent.accepted_children())),
    };
    cx.error(span, with_help(message, help));
}

/// The components to wrap `child` in so that `parent` accepts it: `TableRow`
/// then `TableCell` for a `Text` in a `Table`.
fn wrappers(parent: &Component, child: &Component) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut host = parent;
    while !host.accepts(child) {
        let Children::List {
            of: catalog::ChildKind::Only(only),
            ..
        } = host.children
        else {
            break;
        };
        let Some(next) = catalog::by_name(only) else {
            break;
        };
        out.push(next.rust);
        host = next;
    }
    out
}

fn check_props(element: &Element, component: &'static Component, cx: &mut Ctxt) {
    let mut seen: Vec<String> = Vec::new();
    // Props an unknown name was a misspelling of: not reported missing again.
    let mut attempted: Vec<&'static str> = Vec::new();
    for item in &element.body {
        let BodyItem::Prop(attr) = item else { continue };
        let name = attr.name.to_string();
        let Some(prop) = component.prop(&name) else {
            attempted.extend(unknown_prop(&attr.name, component, cx));
            continue;
        };
        if seen.contains(&name) {
            cx.error(
                attr.name.span(),
                format!("duplicate prop `{name}` on `{}`", component.rust),
            );
            continue;
        }
        seen.push(name);
        check_value(prop, component, &attr.value, cx);
    }
    let missing: Vec<&Prop> = component
        .required_props()
        .filter(|prop| !seen.iter().any(|name| name == prop.name))
        .filter(|prop| !attempted.contains(&prop.name))
        .collect();
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|p| format!("`{}`", p.name)).collect();
        let plural = if missing.len() == 1 { "prop" } else { "props" };
        let example: Vec<String> = missing.iter().map(|p| format!("{}: ...", p.name)).collect();
        cx.error(
            element.name.span,
            with_help(
                format!(
                    "`{}` is missing the required {plural} {}",
                    component.rust,
                    names.join(", ")
                ),
                Some(format!("add `{}`", example.join(", "))),
            ),
        );
    }
}

/// unknown prop `sizee` on `Card` / help: did you mean `size`?
///
/// Returns the prop the name was likely meant to be, if any.
fn unknown_prop(name: &syn::Ident, component: &Component, cx: &mut Ctxt) -> Option<&'static str> {
    let text = name.to_string();
    let snake = catalog::snake_case(&text);
    let mut meant = None;
    let help = if text == "children" && component.children == Children::None {
        format!("`{}` does not take children", component.rust)
    } else if text == "children" {
        "write children inside the braces; use `{expr}` for a list built elsewhere".to_owned()
    } else if let Some(prop) = component.prop(&snake).filter(|_| snake != text) {
        meant = Some(prop.name);
        format!("props are written in snake_case: `{snake}`")
    } else if let Some(near) = closest(&text, component.all_props().map(|p| p.name)) {
        meant = Some(near);
        format!("did you mean `{near}`?")
    } else {
        let all: Vec<String> = component
            .all_props()
            .map(|p| format!("`{}`", p.name))
            .collect();
        format!("`{}` takes {}", component.rust, all.join(", "))
    };
    cx.error(
        name.span(),
        with_help(
            format!("unknown prop `{text}` on `{}`", component.rust),
            Some(help),
        ),
    );
    meant
}

/// A literal the prop can never hold: `size: "huge"`, `value: 3`, `pill: "yes"`.
/// Non-literal expressions are left to rustc, which checks their types.
fn check_value(prop: &Prop, component: &Component, value: &Expr, cx: &mut Ctxt) {
    if is_none(value) {
        none_value(prop, component, value, cx);
        return;
    }
    let Some(lit) = literal(value) else { return };
    let span = value.span();
    let target = format!("`{}` of `{}`", prop.name, component.rust);
    let wrong = |expected: &str| format!("{target} expects {expected}, found {}", describe(&lit));
    match (prop.kind, &lit) {
        (PropKind::Literal(set), Lit::Str(s)) => {
            let text = s.value();
            if !set.contains(&text) {
                let expected = quoted_list(set.values);
                let help = closest(&text, set.values.iter().copied())
                    .map(|near| format!("did you mean `\"{near}\"`?"));
                cx.error(
                    span,
                    with_help(
                        format!("`\"{text}\"` is not a valid {target}; expected one of {expected}"),
                        help,
                    ),
                );
            }
        }
        (PropKind::Literal(set), _) => {
            cx.error_spanned(value, wrong(&format!("one of {}", quoted_list(set.values))));
        }
        (PropKind::Icon, Lit::Str(s)) => check_icon(&s.value(), &target, span, cx),
        (
            PropKind::Str | PropKind::DateTime | PropKind::Color | PropKind::XAxis | PropKind::Status,
            Lit::Str(_),
        ) => {}
        (PropKind::Str | PropKind::DateTime | PropKind::Icon, _) => {
            let help = match &lit {
                Lit::Int(_) | Lit::Float(_) | Lit::Bool(_) if !matches!(prop.kind, PropKind::Icon) => {
                    Some(format!("write it as a string: `\"{}\"`", unquoted(&lit)))
                }
                _ => None,
            };
            cx.error_spanned(value, with_help(wrong("a string"), help));
        }
        (PropKind::Bool, Lit::Bool(_)) => {}
        (PropKind::Bool, _) => {
            let help = unquote_help(&lit, |text| text.parse::<bool>().is_ok());
            cx.error_spanned(value, with_help(wrong("`true` or `false`"), help));
        }
        (PropKind::Count, Lit::Int(int)) if int.base10_parse::<u32>().is_ok() => {}
        (PropKind::Count, _) => {
            let help = unquote_help(&lit, |text| text.parse::<u32>().is_ok());
            cx.error_spanned(value, with_help(wrong("a whole number (`u32`)"), help));
        }
        (PropKind::Dimension | PropKind::Padding, Lit::Int(_) | Lit::Float(_) | Lit::Str(_)) => {}
        (PropKind::Dimension | PropKind::Padding, _) => {
            cx.error_spanned(value, wrong("a number or a string such as `\"50%\"`"));
        }
        (PropKind::Border, Lit::Int(int)) if int.base10_parse::<u32>().is_ok() => {}
        (PropKind::Border, _) => {
            let help = unquote_help(&lit, |text| text.parse::<u32>().is_ok());
            cx.error_spanned(value, with_help(wrong("a width in pixels, a `Border` or `Borders`"), help));
        }
        (PropKind::Color, _) => {
            cx.error_spanned(value, wrong("a color name (such as `\"blue-500\"`) or a `ThemeColor`"));
        }
        (PropKind::XAxis, _) => cx.error_spanned(value, wrong("a data key (a string), or an `XAxisConfig`")),
        (PropKind::Limit, Lit::Int(int)) if int.base10_parse::<u32>().is_ok() => {}
        (PropKind::Limit, Lit::Str(s)) if s.value() == "auto" => {}
        (PropKind::Limit, _) => {
            let help = unquote_help(&lit, |text| text.parse::<u32>().is_ok());
            cx.error_spanned(value, with_help(wrong("a count or `\"auto\"`"), help));
        }
        (PropKind::Editable, Lit::Bool(b)) if !b.value => {}
        (PropKind::Editable, _) => {
            let help = matches!(lit, Lit::Bool(_))
                .then(|| "make it editable with `EditableProps::new(\"field_name\")`".to_owned());
            cx.error_spanned(value, with_help(wrong("`false` or an `EditableProps` value"), help));
        }
        (PropKind::Action, Lit::Str(s)) => cx.error(
            span,
            with_help(
                wrong("an `ActionConfig` value"),
                Some(format!("build the action: `ActionConfig::new({})`", s.token())),
            ),
        ),
        (PropKind::Action, _) => cx.error_spanned(value, wrong("an `ActionConfig` value")),
        (PropKind::CardAction, _) => cx.error(
            span,
            with_help(
                wrong("a `CardAction` value"),
                Some("build the button: `CardAction::new(\"Label\", ActionConfig::new(\"action.type\"))`".to_owned()),
            ),
        ),
        (PropKind::Status, _) => cx.error_spanned(value, wrong("a string or a `WidgetStatus` value")),
        (PropKind::Spacing, _) => cx.error(
            span,
            with_help(
                wrong("a `Spacing` value"),
                Some("set the sides: `Spacing::new().x(2).y(1)`".to_owned()),
            ),
        ),
        (PropKind::SelectOptions, _) => cx.error_spanned(value, wrong("a list of `SelectOption`s")),
        (PropKind::RadioOptions, _) => cx.error_spanned(value, wrong("a list of `RadioOption`s")),
        (PropKind::ChartData, _) => cx.error_spanned(value, wrong("a list of `ChartDatum` rows")),
        (PropKind::Series, _) => cx.error_spanned(value, wrong("a list of `Series`")),
    }
}

/// `size: None` (also `Option::None`), which rustc would report as a type
/// mismatch against `CardSize`.
fn is_none(value: &Expr) -> bool {
    match value {
        Expr::Group(group) => is_none(&group.expr),
        Expr::Paren(paren) => is_none(&paren.expr),
        Expr::Path(path) if path.qself.is_none() => {
            let segments: Vec<String> = path
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            matches!(
                segments
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice(),
                ["None"]
                    | ["Option", "None"]
                    | ["option", "Option", "None"]
                    | ["core" | "std", "option", "Option", "None"]
            )
        }
        _ => false,
    }
}

/// An optional prop is left out of the JSON when it is not written, so
/// `None` is never needed; a required one cannot be `None` at all.
fn none_value(prop: &Prop, component: &Component, value: &Expr, cx: &mut Ctxt) {
    let name = prop.name;
    let host = component.rust;
    if prop.required {
        cx.error_spanned(
            value,
            format!("`{name}` of `{host}` is required, so it cannot be `None`"),
        );
        return;
    }
    cx.error_spanned(
        value,
        with_help(
            format!("`{name}: None` is not needed: a prop that is left out is not set"),
            Some(format!(
                "leave `{name}` out; to set it only sometimes, write `{name}: value` in an `if` \
                 around the component, or use the builder: `.{name}(value)`"
            )),
        ),
    );
}

/// `write `3` without quotes` when a string literal holds what the prop wanted.
fn unquote_help(lit: &Lit, fits: impl Fn(&str) -> bool) -> Option<String> {
    match lit {
        Lit::Str(s) if fits(&s.value()) => {
            Some(format!("write it without quotes: `{}`", s.value()))
        }
        _ => None,
    }
}

/// The source text of a literal, without quotes.
fn unquoted(lit: &Lit) -> String {
    match lit {
        Lit::Int(int) => int.base10_digits().to_owned(),
        Lit::Float(float) => float.base10_digits().to_owned(),
        Lit::Bool(b) => b.value.to_string(),
        Lit::Str(s) => s.value(),
        _ => String::new(),
    }
}

fn check_icon(name: &str, target: &str, span: Span, cx: &mut Ctxt) {
    if catalog::ICONS.contains(name) {
        return;
    }
    if let Some(prefix) = catalog::ICON_PREFIXES
        .iter()
        .find(|p| name.starts_with(**p))
    {
        if name.len() == prefix.len() {
            cx.error(
                span,
                format!("`\"{name}\"` names no icon: write `\"{prefix}<name>\"`"),
            );
        }
        return;
    }
    let help = closest(name, catalog::ICONS.values.iter().copied())
        .map(|near| format!("did you mean `\"{near}\"`?"))
        .unwrap_or_else(|| {
            "use a built-in icon name (see `IconName`), or a `vendor:` or `lucide:` name".to_owned()
        });
    cx.error(
        span,
        with_help(
            format!("`\"{name}\"` is not a valid icon for {target}"),
            Some(help),
        ),
    );
}

fn check_children(element: &Element, component: &'static Component, cx: &mut Ctxt) {
    let children: Vec<&ChildNode> = element
        .body
        .iter()
        .filter_map(|item| match item {
            BodyItem::Child(child) => Some(child),
            BodyItem::Prop(_) => None,
        })
        .collect();
    match component.children {
        Children::None => {
            if let Some(first) = children.first() {
                cx.error(
                    first.span(),
                    format!("`{}` does not take children", component.rust),
                );
            }
        }
        Children::Single => {
            let keyword = |child: &ChildNode| match child {
                ChildNode::For(_) => Some("a `for`"),
                ChildNode::If(_) => Some("an `if`"),
                ChildNode::Match(_) => Some("a `match`"),
                ChildNode::Element(_) | ChildNode::Expr(_) => None,
            };
            match children.as_slice() {
                [] => cx.error(
                    element.brace.span.join(),
                    with_help(
                        format!("`{}` needs exactly one child", component.rust),
                        Some(format!(
                            "put the animated component inside: `{} {{ Col {{ ... }} }}`",
                            component.rust
                        )),
                    ),
                ),
                [only] => {
                    if let Some(keyword) = keyword(only) {
                        cx.error(
                            only.span(),
                            with_help(
                                format!(
                                    "`{}` holds exactly one child, which {keyword} cannot guarantee",
                                    component.rust
                                ),
                                Some(
                                    "compute the child in an expression: \
                                     `{if cond { widget! { ... } } else { widget! { ... } }}`"
                                        .to_owned(),
                                ),
                            ),
                        );
                    }
                    // Mistakes inside the child are reported too.
                    check_child(only, Some(component), cx);
                }
                [_, second, ..] => {
                    cx.error(
                        second.span(),
                        with_help(
                            format!("`{}` holds exactly one child", component.rust),
                            Some("put several components inside a `Col` or `Row`".to_owned()),
                        ),
                    );
                    for child in &children {
                        check_child(child, Some(component), cx);
                    }
                }
            }
        }
        Children::List { .. } => {
            for child in children {
                check_child(child, Some(component), cx);
            }
        }
    }
}

fn check_child(child: &ChildNode, parent: Option<&'static Component>, cx: &mut Ctxt) {
    match child {
        ChildNode::Element(element) => check_element(element, parent, cx),
        ChildNode::Expr(_) => {}
        ChildNode::For(node) => check_flow_body(&node.body, "for", parent, cx),
        ChildNode::If(node) => check_if(node, parent, cx),
        ChildNode::Match(node) => {
            for arm in &node.arms {
                check_flow_body(&arm.body, "match", parent, cx);
            }
        }
    }
}

fn check_if(node: &IfChain, parent: Option<&'static Component>, cx: &mut Ctxt) {
    check_flow_body(&node.then, "if", parent, cx);
    match &node.otherwise {
        Some(Else::If(next)) => check_if(next, parent, cx),
        Some(Else::Block(body)) => check_flow_body(body, "else", parent, cx),
        None => {}
    }
}

/// The body of a `for`/`if`/`match` holds children only.
fn check_flow_body(
    body: &[BodyItem],
    keyword: &str,
    parent: Option<&'static Component>,
    cx: &mut Ctxt,
) {
    for item in body {
        match item {
            BodyItem::Prop(attr) => cx.error(
                attr.name.span(),
                with_help(
                    format!("props cannot be set inside `{keyword}`"),
                    Some(format!(
                        "set `{name}` on the component itself; for a value that varies, \
                         write `{name}: if cond {{ ... }} else {{ ... }}`",
                        name = attr.name
                    )),
                ),
            ),
            BodyItem::Child(child) => check_child(child, parent, cx),
        }
    }
}

/// The literal an expression is, looking through a leading `-`.
pub(crate) fn literal(expr: &Expr) -> Option<Lit> {
    match expr {
        Expr::Lit(lit) => Some(lit.lit.clone()),
        Expr::Group(group) => literal(&group.expr),
        Expr::Paren(paren) => literal(&paren.expr),
        Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Neg(_)) => {
            match literal(&unary.expr)? {
                Lit::Int(int) => Some(Lit::Int(syn::LitInt::new(
                    &format!("-{}", int.base10_digits()),
                    int.span(),
                ))),
                Lit::Float(float) => Some(Lit::Float(syn::LitFloat::new(
                    &format!("-{}", float.base10_digits()),
                    float.span(),
                ))),
                other => Some(other),
            }
        }
        _ => None,
    }
}

fn describe(lit: &Lit) -> String {
    match lit {
        Lit::Str(s) => format!("the string `{}`", s.token()),
        Lit::Int(i) => format!("the number `{}`", i.token()),
        Lit::Float(f) => format!("the number `{}`", f.token()),
        Lit::Bool(b) => format!("`{}`", b.value),
        Lit::Char(_) => "a character".to_owned(),
        _ => "a literal".to_owned(),
    }
}

fn quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`\"{v}\"`")).collect();
    quoted.join(", ")
}
