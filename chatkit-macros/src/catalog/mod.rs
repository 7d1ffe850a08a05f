//! The ChatKit widget catalogue: every component, prop, literal set and
//! nesting rule, as data.
//!
//! It is the single source of truth for two things that must never disagree:
//! the typed widget tree of `widget-dsl` (generated from it by
//! `__define_widgets!`) and the compile-time checks of `widget!`.
//!
//! Sources: the reference server's `chatkit/widgets.py` (openai-chatkit 1.6.5)
//! and the web frontend's `types/widgets.d.ts` (@openai/chatkit 1.9.0). Where
//! they differ, the catalogue is the union, and every component, prop and
//! value that only one of them has carries a [`Support`] that decides what the
//! DSL does with it:
//!
//! - only in the frontend's types: allowed, since the frontend is what renders
//!   widgets (`Card.border`, `Table`, `Table.Row`, `Table.Cell`);
//! - only in the Python reference: the JSON fails the frontend's types, so the
//!   constructor, setter, field or variant is `#[deprecated]` with the reason,
//!   and using it is a warning at the user's token; `#[allow(deprecated)]` is
//!   the opt-in. These are `Chart`, `Image.background`, `Image.flex`,
//!   `Select.searchable` here, and the value types written by hand in
//!   `widget-dsl` follow the same rule:
//!   - `ActionConfig.handler`, `.loading_behavior` and `.streaming` (the
//!     frontend's `ActionConfig` is `{type, payload?}`);
//!   - `SelectOption.disabled` and `.description` (its options are
//!     `{value, label}`);
//!   - the icon `"clock"` and `vendor:`/`lucide:` icon names (see
//!     [`PYTHON_ONLY_ICON`], [`ICON_PREFIX_REASON`]).
//! - an action's `payload` is `Record<string, unknown>` in the frontend and
//!   any JSON in Python: `widget-dsl` takes only a JSON object.
//! - numbers that Python wants whole (`gap: 1.5`) and `Transition` without a
//!   child are the other way round: the frontend accepts the first and
//!   rejects the second, and the DSL does the same.

mod components;
pub(crate) mod export;
pub(crate) mod json_check;
mod literals;
pub(crate) mod rust_types;

pub(crate) use components::COMPONENTS;
pub(crate) use literals::{ICON_PREFIXES, ICONS, LITERAL_SETS};

/// A closed set of string values, generated as a Rust enum.
pub(crate) struct LiteralSet {
    /// Name of the generated Rust enum.
    pub(crate) rust: &'static str,
    pub(crate) doc: &'static str,
    /// Wire values, in the order the references list them.
    pub(crate) values: &'static [&'static str],
    /// Variant names that the naming rule can't produce (`"self"` is a keyword).
    pub(crate) renames: &'static [(&'static str, &'static str)],
}

impl LiteralSet {
    /// The Rust variant name of a wire value: PascalCase, with a leading
    /// count spelled out (`"2xl"` → `TwoXl`) and `"100%"` → `Percent100`.
    pub(crate) fn variant(&self, value: &str) -> String {
        if let Some((_, name)) = self.renames.iter().find(|(v, _)| *v == value) {
            return (*name).to_owned();
        }
        variant_name(value)
    }

    pub(crate) fn contains(&self, value: &str) -> bool {
        self.values.contains(&value)
    }
}

pub(crate) fn variant_name(value: &str) -> String {
    const COUNTS: [&str; 10] = [
        "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine",
    ];
    if let Some(number) = value.strip_suffix('%') {
        return format!("Percent{number}");
    }
    let mut out = String::new();
    let mut chars = value.chars().peekable();
    if let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
        out.push_str(COUNTS[digit as usize]);
        chars.next();
    }
    let mut upper_next = true;
    for c in chars {
        if c == '-' || c == ' ' || c == '_' {
            upper_next = true;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// What a prop holds. Each kind maps to one Rust type of `widget-dsl` and to
/// the literals `widget!` accepts for it.
#[derive(Clone, Copy)]
pub(crate) enum PropKind {
    /// `String`.
    Str,
    /// `bool`.
    Bool,
    /// `u32` (counts such as `maxLines`, `rows`, `colSpan`).
    Count,
    /// `Dimension`: a number or a CSS-like string (`gap: 2`, `width: "50%"`).
    Dimension,
    /// `Color`: a named color string or a `ThemeColor`.
    Color,
    /// `Padding`: a number, a string or per-side `Spacing`.
    Padding,
    /// `Spacing`: per-side spacing only.
    Spacing,
    /// `BorderValue`: a width, a `Border` or per-side `Borders`.
    Border,
    /// One of a closed set of strings.
    Literal(&'static LiteralSet),
    /// `IconName`: a catalogue icon, `vendor:*` or `lucide:*`.
    Icon,
    /// `ActionConfig`.
    Action,
    /// `WidgetStatus`.
    Status,
    /// `CardAction`.
    CardAction,
    /// `Editable`: `false` or `EditableProps`.
    Editable,
    /// `Vec<SelectOption>`.
    SelectOptions,
    /// `Vec<RadioOption>`.
    RadioOptions,
    /// `ListLimit`: a count or `"auto"`.
    Limit,
    /// `Vec<ChartDatum>`.
    ChartData,
    /// `Vec<Series>`.
    Series,
    /// `XAxis`: a data key or an `XAxisConfig`.
    XAxis,
    /// `String` holding an ISO 8601 date-time.
    DateTime,
}

/// Which references have a component or prop, and so what the DSL does with it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Support {
    /// Both references.
    Both,
    /// Only the frontend's types. Allowed, because the frontend renders
    /// widgets; the text says what the Python reference does with it.
    Frontend(&'static str),
    /// Only the Python reference, so the frontend's types reject the JSON.
    /// `widget-dsl` marks it `#[deprecated]` with this reason: a warning at
    /// the user's token, with `#[allow(deprecated)]` as the opt-in.
    Python(&'static str),
}

impl Support {
    /// The deprecation note for something only the Python reference has.
    pub(crate) fn deprecation(self, what: &str) -> Option<String> {
        match self {
            Self::Python(reason) => Some(python_only_note(what, reason)),
            Self::Both | Self::Frontend(_) => None,
        }
    }

    /// The sentence added to the docs of the item.
    pub(crate) fn doc(self) -> Option<String> {
        match self {
            Self::Both => None,
            Self::Frontend(note) => Some(format!("Only in the frontend's types. {note}")),
            Self::Python(reason) => Some(format!(
                "Only in the Python reference; an opt-in (`#[allow(deprecated)]`). {reason}"
            )),
        }
    }

    /// `"both"`, `"frontend"` or `"python"`, for the exported catalogue.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Self::Both => "both",
            Self::Frontend(_) => "frontend",
            Self::Python(_) => "python",
        }
    }
}

/// The note of every Python-only item: what, why, and how to opt in.
pub(crate) fn python_only_note(what: &str, reason: &str) -> String {
    format!(
        "{what} is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's \
         types (@openai/chatkit 1.9.0). {reason} To send it anyway, opt in with \
         `#[allow(deprecated)]` on the statement or function that sets it."
    )
}

/// The one icon name only the Python reference has, and why it is an opt-in.
pub(crate) const PYTHON_ONLY_ICON: (&str, &str) = (
    "clock",
    "The frontend's `WidgetIcon` has no `clock`, so its types reject the widget; `calendar` is the nearest built-in icon.",
);

/// Why `vendor:` and `lucide:` icon names are an opt-in.
pub(crate) const ICON_PREFIX_REASON: &str = "The frontend's `WidgetIcon` is a closed list without `vendor:` or `lucide:` names, so its types reject the widget.";

/// One prop of a component. The DSL and the Rust field use `name`
/// (snake_case); the wire uses its camelCase form.
pub(crate) struct Prop {
    pub(crate) name: &'static str,
    pub(crate) kind: PropKind,
    pub(crate) required: bool,
    pub(crate) doc: &'static str,
    pub(crate) support: Support,
}

impl Prop {
    pub(crate) fn wire_name(&self) -> String {
        camel_case(self.name)
    }

    /// Marks a prop only the Python reference has, with the reason.
    pub(crate) const fn python_only(mut self, reason: &'static str) -> Self {
        self.support = Support::Python(reason);
        self
    }

    /// Marks a prop only the frontend's types have, with what Python does.
    pub(crate) const fn frontend_only(mut self, note: &'static str) -> Self {
        self.support = Support::Frontend(note);
        self
    }
}

pub(crate) fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper_next = false;
    for c in snake.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Where a component may appear.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// A widget root (`Card`, `ListView`, `Basic`); never nested in a component.
    Root,
    /// A member of `WidgetComponent`: any container that takes components.
    Component,
    /// Only directly inside one parent (`ListViewItem` in `ListView`,
    /// `Table.Row` in `Table`, `Table.Cell` in `Table.Row`).
    Only(&'static str),
}

/// What kind of children a component takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Children {
    None,
    /// A list of children; `required` lists are always serialized.
    List {
        of: ChildKind,
        required: bool,
    },
    /// Exactly one component child (`Transition`).
    Single,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChildKind {
    /// Any `WidgetComponent`.
    Component,
    /// Exactly this component (`ListViewItem`, `Table.Row`, `Table.Cell`).
    Only(&'static str),
    /// A component or a root (the children of `Basic`).
    Node,
}

pub(crate) struct Component {
    /// The wire `type` (`"Card"`, `"Table.Row"`).
    pub(crate) name: &'static str,
    /// The Rust type and DSL name (`Card`, `TableRow`).
    pub(crate) rust: &'static str,
    pub(crate) doc: &'static str,
    pub(crate) placement: Placement,
    pub(crate) support: Support,
    pub(crate) children: Children,
    /// Prop groups; `key` and `id` are implied on every component.
    pub(crate) props: &'static [&'static [Prop]],
}

/// `key` and `id`, which every component has.
pub(crate) const COMMON_PROPS: &[Prop] = &[
    Prop {
        name: "key",
        kind: PropKind::Str,
        required: false,
        doc: "Identity of the component among its siblings, like a React key.",
        support: Support::Both,
    },
    Prop {
        name: "id",
        kind: PropKind::Str,
        required: false,
        doc: "Stable id, the target of streamed text deltas and component updates.",
        support: Support::Both,
    },
];

impl Component {
    /// Every prop, `key` and `id` first.
    pub(crate) fn all_props(&self) -> impl Iterator<Item = &'static Prop> + '_ {
        COMMON_PROPS
            .iter()
            .chain(self.props.iter().flat_map(|group| group.iter()))
    }

    pub(crate) fn prop(&self, name: &str) -> Option<&'static Prop> {
        self.all_props().find(|prop| prop.name == name)
    }

    pub(crate) fn required_props(&self) -> impl Iterator<Item = &'static Prop> + '_ {
        self.all_props().filter(|prop| prop.required)
    }

    /// Whether `child` may appear directly inside this component.
    pub(crate) fn accepts(&self, child: &Component) -> bool {
        match self.children {
            Children::None => false,
            Children::Single
            | Children::List {
                of: ChildKind::Component,
                ..
            } => child.placement == Placement::Component,
            Children::List {
                of: ChildKind::Only(name),
                ..
            } => child.name == name,
            Children::List {
                of: ChildKind::Node,
                ..
            } => matches!(child.placement, Placement::Component | Placement::Root),
        }
    }

    /// The names this component accepts as children, for error messages.
    pub(crate) fn accepted_children(&self) -> String {
        match self.children {
            Children::None => "no children".to_owned(),
            Children::Single => "exactly one component child".to_owned(),
            Children::List {
                of: ChildKind::Component,
                ..
            } => "component children (not `Card`, `ListView`, `Basic`, `ListViewItem`, `TableRow` or `TableCell`)".to_owned(),
            Children::List {
                of: ChildKind::Only(name),
                ..
            } => format!("only `{}` children", by_name(name).map_or(name, |c| c.rust)),
            Children::List {
                of: ChildKind::Node,
                ..
            } => "component or root children".to_owned(),
        }
    }
}

/// Looks a component up by its DSL/Rust name (`TableRow`) or wire name (`Table.Row`).
pub(crate) fn by_name(name: &str) -> Option<&'static Component> {
    COMPONENTS
        .iter()
        .copied()
        .find(|c| c.rust == name || c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_follow_the_naming_rule() {
        assert_eq!(variant_name("2xl"), "TwoXl");
        assert_eq!(variant_name("3xs"), "ThreeXs");
        assert_eq!(variant_name("100%"), "Percent100");
        assert_eq!(variant_name("scale-down"), "ScaleDown");
        assert_eq!(variant_name("top left"), "TopLeft");
        assert_eq!(variant_name("basisClosed"), "BasisClosed");
        assert_eq!(variant_name("write-alt2"), "WriteAlt2");
    }

    #[test]
    fn case_conversions_round_trip() {
        for component in COMPONENTS {
            for prop in component.all_props() {
                assert_eq!(snake_case(&prop.wire_name()), prop.name);
            }
        }
        assert_eq!(camel_case("show_y_axis"), "showYAxis");
    }

    #[test]
    fn catalogue_is_consistent() {
        let mut names = std::collections::HashSet::new();
        for component in COMPONENTS {
            assert!(names.insert(component.rust), "duplicate {}", component.rust);
            let mut props = std::collections::HashSet::new();
            for prop in component.all_props() {
                assert!(
                    props.insert(prop.name),
                    "duplicate {}.{}",
                    component.rust,
                    prop.name
                );
            }
            if let Placement::Only(parent) = component.placement {
                assert!(by_name(parent).is_some_and(|p| p.accepts(component)));
            }
        }
        for set in LITERAL_SETS {
            let variants: std::collections::HashSet<_> =
                set.values.iter().map(|v| set.variant(v)).collect();
            assert_eq!(variants.len(), set.values.len(), "{}", set.rust);
        }
    }
}
