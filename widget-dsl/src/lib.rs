//! Typed ChatKit widget trees, and `widget!`: a DSL that checks them at
//! compile time.
//!
//! ```
//! use widget_dsl::widget;
//!
//! let tasks = [(1, "Buy milk", true), (2, "Call mom", false)];
//! let list = widget! {
//!     ListView {
//!         status: widget_dsl::WidgetStatus::with_icon("Tasks (2)", widget_dsl::IconName::Check),
//!         for (id, title, done) in tasks {
//!             ListViewItem {
//!                 Row {
//!                     gap: 2,
//!                     Icon { name: if done { "check-circle-filled" } else { "empty-circle" }.parse::<widget_dsl::IconName>().unwrap() }
//!                     Text { value: title, line_through: done }
//!                     Spacer {}
//!                     Badge { label: format!("#{id}"), color: "info" }
//!                 }
//!             }
//!         }
//!     }
//! };
//! let json = serde_json::to_value(&list).unwrap();
//! assert_eq!(json["children"][1]["children"][0]["children"][3]["label"], "#2");
//! ```
//!
//! # The tree
//!
//! Every component of the ChatKit catalogue is a struct with every prop as a
//! public field ([`Card`], [`ListView`], [`Text`], [`Badge`], ...), a `new`
//! taking the required props and a builder method per prop. Closed sets of
//! values are enums ([`CardSize`], [`TextSize`], [`IconName`], ...).
//! Structure is in the types:
//!
//! - [`WidgetRoot`] holds only `Card`, `ListView` and `Basic`; a root is never
//!   a [`WidgetComponent`], so a `Card` cannot nest inside a `Card`;
//! - a [`ListView`] holds only [`ListViewItem`]s, a [`Table`] only
//!   [`TableRow`]s, a `TableRow` only [`TableCell`]s;
//! - a [`Transition`] holds exactly one child.
//!
//! The `Box` component is [`Box`](crate::Box); it is not in the [`prelude`],
//! so it never shadows `std::boxed::Box`.
//!
//! # JSON
//!
//! Widgets serialize exactly as the ChatKit frontend expects: a `type` with
//! the component name first, camelCase props, `None` left out at every depth,
//! and action defaults left out. Parsing is lossless: a known component
//! parses into its type, with props this version does not know kept in its
//! `extra` map; an unknown component, or a known one with a value that does
//! not fit, is kept as a [`DynamicWidget`]. Either way, re-serializing gives
//! back the same JSON.
//!
//! # Streaming
//!
//! [`diff_widget`] turns two successive states of a widget into the
//! [`WidgetUpdate`]s a ChatKit client applies: text deltas for streaming
//! `Text`/`Markdown`, a component replacement where one component with an
//! `id` changed, and a root replacement otherwise.
#![warn(clippy::unwrap_used)]
#![doc = include_str!("../docs/dsl.md")]

mod action;
mod components;
mod diff;
mod dynamic;
mod strict;
mod template;
mod values;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use action::{ActionConfig, IntoPayload, PayloadError};
pub use components::*;
pub use diff::{WidgetUpdate, diff_widget};
pub use dynamic::DynamicWidget;
pub use strict::Issue;

/// Parses JSON that must be a widget of the catalogue (a `Card`, `ListView`
/// or `Basic` root, every node a known component with valid props), as
/// widgets from another process must be before they reach a client.
///
/// ```
/// let json = serde_json::json!({"type": "Card", "children": [{"type": "Text", "value": "Hi"}]});
/// assert!(widget_dsl::parse_widget_strict(&json).is_ok());
/// let issues = widget_dsl::parse_widget_strict(&serde_json::json!({"type": "Carrd"})).unwrap_err();
/// assert_eq!(issues[0].path, "$.type");
/// ```
///
/// # Errors
/// Every problem found, each at its JSON path.
pub fn parse_widget_strict(value: &serde_json::Value) -> Result<WidgetRoot, Vec<Issue>> {
    strict::parse_root(value)
}
pub use template::{TemplateError, TemplateErrorKind, WidgetTemplate};
pub use values::{
    AreaSeries, BarSeries, Border, BorderSide, BorderValue, Borders, CardAction, ChartDatum,
    ChartValue, Color, Dimension, Editable, EditableProps, LineSeries, ListLimit, Padding,
    RadioOption, SelectOption, Series, Spacing, ThemeColor, UnknownValue, WidgetStatus, XAxis,
    XAxisConfig,
};

/// The widget types, value types and `widget!`, without `Box` (which would
/// shadow `std::boxed::Box`; use `widget_dsl::Box`).
pub mod prelude {
    pub use crate::widget;
    pub use crate::{
        ActionConfig, Badge, Basic, Button, Caption, Card, CardAction, Chart, Checkbox, Col, Color,
        DatePicker, Dimension, Divider, DynamicWidget, Form, Icon, IconName, Image, Input, Label,
        ListView, ListViewItem, Markdown, Padding, RadioGroup, Row, Select, SelectOption, Series,
        Spacer, Spacing, Table, TableCell, TableRow, Text, Textarea, ThemeColor, Title, Transition,
        WidgetComponent, WidgetNode, WidgetRoot, WidgetStatus,
    };
}

/// A component with a list of children.
pub trait Container {
    /// What the list holds.
    type Child;

    /// The children list, created empty if the component had none.
    fn children_mut(&mut self) -> &mut Vec<Self::Child>;
}

/// A value that can be appended to the children of `P`: a widget `P`
/// accepts, or an iterator of them (`Vec`, `Option`, arrays, `.map(...)`).
///
/// `widget!` uses this for children, so a child in the wrong place is a
/// type error at the child.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a child of `{P}`",
    label = "not a valid child of `{P}`",
    note = "a child must be a widget that `{P}` accepts, or an iterator (`Vec`, `Option`, `.map(...)`) of such widgets"
)]
pub trait ChildOf<P: Container> {
    /// Appends `self` to `children`.
    fn push_into(self, children: &mut Vec<P::Child>);
}

// Without this, a wrong item type reads "`Text` is not an iterator" instead
// of "`Vec<Text>` cannot be a child of `ListView`".
#[diagnostic::do_not_recommend]
impl<P, I> ChildOf<P> for I
where
    P: Container,
    I: IntoIterator,
    I::Item: ChildOf<P>,
{
    fn push_into(self, children: &mut Vec<P::Child>) {
        for child in self {
            child.push_into(children);
        }
    }
}

/// A widget that can be sent on its own: [`Card`], [`ListView`], [`Basic`],
/// a [`WidgetRoot`] or a [`DynamicWidget`].
///
/// Functions that show a widget take `impl IntoWidgetRoot`, so passing a
/// component that is not a root (a `Row`, a `Text`) is an error at the
/// argument that says what to wrap it in.
///
/// ```compile_fail
/// fn show(widget: impl widget_dsl::IntoWidgetRoot) {}
/// show(widget_dsl::Row::new());
/// // error[E0277]: `Row` is not a widget root
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a widget root",
    label = "not a root: only `Card`, `ListView` and `Basic` can be shown on their own",
    note = "wrap it in a root: a `ListViewItem` in a `ListView`, any other component in a `Card` (or a borderless `Basic`), e.g. `widget! {{ Card {{ {{row}} }} }}` or `Card::new().child(row)`"
)]
pub trait IntoWidgetRoot {
    /// The root.
    fn into_widget_root(self) -> WidgetRoot;
}

// Without `do_not_recommend`, rustc reports the blanket impl's unmet
// `WidgetRoot: From<Row>` instead of the message above.
#[diagnostic::do_not_recommend]
impl<T: Into<WidgetRoot>> IntoWidgetRoot for T {
    fn into_widget_root(self) -> WidgetRoot {
        self.into()
    }
}

/// A `.widget` template read and checked while compiling, with a typed
/// struct for its data.
///
/// The path is relative to the crate's `Cargo.toml`. An unreadable file, a
/// version other than `"1.0"`, a template that does not parse, a `jsonSchema`
/// that does not compile, and an `outputJsonPreview` that is not a valid
/// widget of the catalogue are compile errors at the path; the crate is
/// rebuilt when the file changes. Two forms:
///
/// - `widget_template!("widgets/x.widget")` is a `&'static WidgetTemplate`;
/// - `widget_template! { pub struct Name = "widgets/x.widget"; }` also
///   declares `Name`, a struct generated from the template's `jsonSchema`
///   (optional properties are `Option`s left out when `None`), with
///   `Name::template()` and `name.build()`.
///
/// ```
/// widget_dsl::widget_template! {
///     /// The data of the cat profile card.
///     pub struct CatProfile = "tests/templates/cat_profile.widget";
/// }
///
/// let card = CatProfile {
///     name: "Whiskers".into(),
///     photo: "https://example.com/whiskers.png".into(),
///     age: Some(3),
///     bio: "Likes boxes.".into(),
///     breed: None,
///     size: Some(CatProfileSize::Lg),
/// }
/// .build()
/// .unwrap();
/// assert_eq!(serde_json::to_value(&card).unwrap()["size"], "lg");
///
/// let template = widget_dsl::widget_template!("tests/templates/task_list.widget");
/// assert_eq!(template.name(), "task_list");
/// ```
#[macro_export]
macro_rules! widget_template {
    ($path:literal) => {
        $crate::__private::widget_template!($crate; $path)
    };
    ($($tokens:tt)*) => {
        // Braces, so that the expansion may be items at module level.
        $crate::__private::widget_template! { $crate; $($tokens)* }
    };
}

/// Builds a typed widget with an rsx-like syntax, checked at compile time.
///
/// See the [crate documentation](crate#the-widget-dsl) for the syntax.
#[macro_export]
macro_rules! widget {
    ($($tokens:tt)*) => {
        $crate::__private::widget!($crate; $($tokens)*)
    };
}
