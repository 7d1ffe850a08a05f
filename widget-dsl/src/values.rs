//! Prop values that are more than a string, a number or a closed set:
//! sizes, colors, spacing, borders, statuses, options and chart data.
//!
//! Every struct here rejects unknown fields when parsed, so a widget holding
//! a value this version does not understand is kept whole as a
//! [`DynamicWidget`](crate::DynamicWidget) instead of silently losing data.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{BorderStyle, CurveType, IconName};

/// A size: a number of pixels (`gap: 2`, `width: 320`) or a CSS string
/// (`"50%"`, `"auto"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Dimension {
    /// A whole number.
    Int(i64),
    /// A fractional number.
    Float(f64),
    /// A CSS length or keyword.
    Text(String),
}

macro_rules! from_ints {
    ($target:ident :: $variant:ident <- $($int:ty),*) => {
        $(impl From<$int> for $target {
            fn from(value: $int) -> Self {
                Self::$variant(i64::from(value))
            }
        })*
    };
}

from_ints!(Dimension::Int <- i8, i16, i32, i64, u8, u16, u32);

impl From<usize> for Dimension {
    fn from(value: usize) -> Self {
        i64::try_from(value).map_or(Self::Float(value as f64), Self::Int)
    }
}

impl From<f32> for Dimension {
    fn from(value: f32) -> Self {
        Self::Float(f64::from(value))
    }
}

impl From<f64> for Dimension {
    fn from(value: f64) -> Self {
        Self::Float(value)
    }
}

impl From<&str> for Dimension {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for Dimension {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

/// A pair of colors for the light and the dark color scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeColor {
    /// Color in the dark scheme.
    pub dark: String,
    /// Color in the light scheme.
    pub light: String,
}

impl ThemeColor {
    /// A color per scheme, light first.
    pub fn new(light: impl Into<String>, dark: impl Into<String>) -> Self {
        Self {
            dark: dark.into(),
            light: light.into(),
        }
    }
}

/// A color: a name from the ChatKit palette (`"secondary"`, `"blue-500"`),
/// any CSS color, or a [`ThemeColor`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Color {
    /// A palette name or CSS color.
    Named(String),
    /// One color per scheme.
    Theme(ThemeColor),
}

impl From<&str> for Color {
    fn from(value: &str) -> Self {
        Self::Named(value.to_owned())
    }
}

impl From<String> for Color {
    fn from(value: String) -> Self {
        Self::Named(value)
    }
}

impl From<ThemeColor> for Color {
    fn from(value: ThemeColor) -> Self {
        Self::Theme(value)
    }
}

/// Spacing per side; `x` and `y` set both horizontal or both vertical sides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spacing {
    /// Top side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top: Option<Dimension>,
    /// Right side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<Dimension>,
    /// Bottom side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bottom: Option<Dimension>,
    /// Left side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<Dimension>,
    /// Left and right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<Dimension>,
    /// Top and bottom.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<Dimension>,
}

macro_rules! side_setters {
    ($($(#[$doc:meta])* $side:ident),*) => {
        $(
            $(#[$doc])*
            #[must_use]
            pub fn $side(mut self, value: impl Into<Dimension>) -> Self {
                self.$side = Some(value.into());
                self
            }
        )*
    };
}

impl Spacing {
    /// No spacing set.
    pub fn new() -> Self {
        Self::default()
    }

    side_setters!(
        /// Sets the top side.
        top,
        /// Sets the right side.
        right,
        /// Sets the bottom side.
        bottom,
        /// Sets the left side.
        left,
        /// Sets left and right.
        x,
        /// Sets top and bottom.
        y
    );
}

/// Padding or margin: one value for every side, or [`Spacing`] per side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Padding {
    /// The same on every side.
    Uniform(Dimension),
    /// Per side.
    Sides(Spacing),
}

macro_rules! uniform_from {
    ($($source:ty),*) => {
        $(impl From<$source> for Padding {
            fn from(value: $source) -> Self {
                Self::Uniform(value.into())
            }
        })*
    };
}

uniform_from!(
    i8, i16, i32, i64, u8, u16, u32, usize, f32, f64, &str, String, Dimension
);

impl From<Spacing> for Padding {
    fn from(value: Spacing) -> Self {
        Self::Sides(value)
    }
}

/// A border line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Border {
    /// Width in pixels.
    pub size: u32,
    /// Line color.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// Line style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<BorderStyle>,
}

impl Border {
    /// A solid border of `size` pixels in the default color.
    pub fn new(size: u32) -> Self {
        Self {
            size,
            color: None,
            style: None,
        }
    }

    /// Sets the color.
    #[must_use]
    pub fn color(mut self, color: impl Into<Color>) -> Self {
        self.color = Some(color.into());
        self
    }

    /// Sets the line style.
    #[must_use]
    pub fn style(mut self, style: BorderStyle) -> Self {
        self.style = Some(style);
        self
    }
}

/// One side of [`Borders`]: a width or a full [`Border`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BorderSide {
    /// Width in pixels.
    Width(u32),
    /// A full border description.
    Border(Border),
}

impl From<u32> for BorderSide {
    fn from(value: u32) -> Self {
        Self::Width(value)
    }
}

impl From<Border> for BorderSide {
    fn from(value: Border) -> Self {
        Self::Border(value)
    }
}

/// Borders per side; `x` and `y` set both horizontal or both vertical sides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Borders {
    /// Top side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top: Option<BorderSide>,
    /// Right side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<BorderSide>,
    /// Bottom side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bottom: Option<BorderSide>,
    /// Left side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<BorderSide>,
    /// Left and right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<BorderSide>,
    /// Top and bottom.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<BorderSide>,
}

/// The `border` prop: a width, one [`Border`] for every side, or [`Borders`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BorderValue {
    /// Width in pixels on every side.
    Width(u32),
    /// The same border on every side.
    Border(Border),
    /// Per side (boxed: it is six times the size of the other variants, and
    /// every flex container has a `border` field).
    Sides(std::boxed::Box<Borders>),
}

impl From<u32> for BorderValue {
    fn from(value: u32) -> Self {
        Self::Width(value)
    }
}

impl From<Border> for BorderValue {
    fn from(value: Border) -> Self {
        Self::Border(value)
    }
}

impl From<Borders> for BorderValue {
    fn from(value: Borders) -> Self {
        Self::Sides(std::boxed::Box::new(value))
    }
}

/// The status line of a `Card` or the header of a `ListView`: text with a
/// favicon, or text with an icon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum WidgetStatus {
    /// Text, optionally with a favicon image.
    Favicon {
        /// The status text.
        text: String,
        /// URL of a favicon shown before the text.
        #[serde(skip_serializing_if = "Option::is_none")]
        favicon: Option<String>,
        /// Draw a frame around the favicon.
        #[serde(skip_serializing_if = "Option::is_none")]
        frame: Option<bool>,
    },
    /// Text with an icon.
    Icon {
        /// The status text.
        text: String,
        /// Icon shown before the text.
        #[serde(skip_serializing_if = "Option::is_none")]
        icon: Option<IconName>,
    },
}

impl WidgetStatus {
    /// Text alone.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Favicon {
            text: text.into(),
            favicon: None,
            frame: None,
        }
    }

    /// Text with an icon.
    pub fn with_icon(text: impl Into<String>, icon: IconName) -> Self {
        Self::Icon {
            text: text.into(),
            icon: Some(icon),
        }
    }

    /// Text with a favicon URL.
    pub fn with_favicon(text: impl Into<String>, favicon: impl Into<String>) -> Self {
        Self::Favicon {
            text: text.into(),
            favicon: Some(favicon.into()),
            frame: None,
        }
    }
}

impl From<&str> for WidgetStatus {
    fn from(value: &str) -> Self {
        Self::text(value)
    }
}

impl From<String> for WidgetStatus {
    fn from(value: String) -> Self {
        Self::text(value)
    }
}

/// A button at the bottom of a `Card` (`confirm` / `cancel`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardAction {
    /// Button text.
    pub label: String,
    /// Action sent when the button is pressed.
    pub action: crate::ActionConfig,
}

impl CardAction {
    /// A labelled button sending `action`.
    pub fn new(label: impl Into<String>, action: crate::ActionConfig) -> Self {
        Self {
            label: label.into(),
            action,
        }
    }
}

/// The `editable` prop of `Text`: `false`, or an inline editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Editable {
    /// Serialized as `false`.
    Disabled,
    /// An inline editor whose value is submitted under its `name`.
    Enabled(EditableProps),
}

impl From<EditableProps> for Editable {
    fn from(value: EditableProps) -> Self {
        Self::Enabled(value)
    }
}

impl Serialize for Editable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Disabled => serializer.serialize_bool(false),
            Self::Enabled(props) => props.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Editable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Flag(bool),
            Props(EditableProps),
        }
        match Repr::deserialize(deserializer)? {
            Repr::Flag(false) => Ok(Self::Disabled),
            Repr::Flag(true) => Err(serde::de::Error::invalid_value(
                serde::de::Unexpected::Bool(true),
                &"`false` or an object of editable props",
            )),
            Repr::Props(props) => Ok(Self::Enabled(props)),
        }
    }
}

/// The inline editor of an editable `Text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditableProps {
    /// Field name; the edited value is submitted under it.
    pub name: String,
    /// Focus the editor when shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_focus: Option<bool>,
    /// Select the text on focus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_select: Option<bool>,
    /// HTML `autocomplete` hint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_complete: Option<String>,
    /// Let browser autofill extensions fill the editor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_autofill_extensions: Option<bool>,
    /// Regular expression the value must match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Placeholder text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// A value is required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

impl EditableProps {
    /// An editor submitting its value under `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            auto_focus: None,
            auto_select: None,
            auto_complete: None,
            allow_autofill_extensions: None,
            pattern: None,
            placeholder: None,
            required: None,
        }
    }

    /// Sets the placeholder.
    #[must_use]
    pub fn placeholder(mut self, placeholder: impl Into<String>) -> Self {
        self.placeholder = Some(placeholder.into());
        self
    }

    /// Marks the value as required.
    #[must_use]
    pub fn required(mut self, required: bool) -> Self {
        self.required = Some(required);
        self
    }

    /// Focuses the editor when shown.
    #[must_use]
    pub fn auto_focus(mut self, auto_focus: bool) -> Self {
        self.auto_focus = Some(auto_focus);
        self
    }
}

/// One choice of a `Select`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectOption {
    /// Submitted value.
    pub value: String,
    /// Displayed label.
    pub label: String,
    /// The option cannot be chosen.
    ///
    /// Only in the Python reference; an opt-in (`#[allow(deprecated)]`).
    #[deprecated(
        note = "`SelectOption.disabled` is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's types (@openai/chatkit 1.9.0). The frontend's `Select` options are `{value, label}`, so its types reject the widget. To send it anyway, opt in with `#[allow(deprecated)]` on the statement or function that sets it."
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Secondary text.
    ///
    /// Only in the Python reference; an opt-in (`#[allow(deprecated)]`).
    #[deprecated(
        note = "`SelectOption.description` is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's types (@openai/chatkit 1.9.0). The frontend's `Select` options are `{value, label}`, so its types reject the widget. To send it anyway, opt in with `#[allow(deprecated)]` on the statement or function that sets it."
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

// The deprecated fields are Python-only for users; building them is not a use.
#[allow(deprecated)]
impl SelectOption {
    /// A choice submitting `value`, shown as `label`.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
            disabled: None,
            description: None,
        }
    }

    /// Sets the secondary text. Only in the Python reference.
    #[deprecated(
        note = "`SelectOption.description` is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's types (@openai/chatkit 1.9.0). The frontend's `Select` options are `{value, label}`, so its types reject the widget. To send it anyway, opt in with `#[allow(deprecated)]` on the statement or function that sets it."
    )]
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Disables the option. Only in the Python reference.
    #[deprecated(
        note = "`SelectOption.disabled` is only in the Python reference (openai-chatkit 1.6.5), not in the frontend's types (@openai/chatkit 1.9.0). The frontend's `Select` options are `{value, label}`, so its types reject the widget. To send it anyway, opt in with `#[allow(deprecated)]` on the statement or function that sets it."
    )]
    #[must_use]
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = Some(disabled);
        self
    }
}

/// One option of a `RadioGroup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadioOption {
    /// Displayed label.
    pub label: String,
    /// Submitted value.
    pub value: String,
    /// The option cannot be chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

impl RadioOption {
    /// An option submitting `value`, shown as `label`.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
            disabled: None,
        }
    }

    /// Disables the option.
    #[must_use]
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = Some(disabled);
        self
    }
}

/// The `limit` of a `ListView`: a count, or `"auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListLimit {
    /// Show at most this many items.
    Count(u32),
    /// Let the client decide.
    Auto,
}

impl From<u32> for ListLimit {
    fn from(value: u32) -> Self {
        Self::Count(value)
    }
}

impl Serialize for ListLimit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Count(count) => serializer.serialize_u32(*count),
            Self::Auto => serializer.serialize_str("auto"),
        }
    }
}

impl<'de> Deserialize<'de> for ListLimit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Count(u32),
            Keyword(String),
        }
        match Repr::deserialize(deserializer)? {
            Repr::Count(count) => Ok(Self::Count(count)),
            Repr::Keyword(word) if word == "auto" => Ok(Self::Auto),
            Repr::Keyword(word) => Err(serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&word),
                &"a count or \"auto\"",
            )),
        }
    }
}

/// A value in a chart's data row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ChartValue {
    /// A whole number.
    Int(i64),
    /// A fractional number.
    Float(f64),
    /// A label.
    Text(String),
}

from_ints!(ChartValue::Int <- i8, i16, i32, i64, u8, u16, u32);

impl From<f64> for ChartValue {
    fn from(value: f64) -> Self {
        Self::Float(value)
    }
}

impl From<&str> for ChartValue {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for ChartValue {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

/// One data row of a `Chart`: data key → value.
pub type ChartDatum = BTreeMap<String, ChartValue>;

/// The x axis of a `Chart`: a data key, or an [`XAxisConfig`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum XAxis {
    /// The data key whose values label the x axis.
    Key(String),
    /// Full configuration.
    Config(XAxisConfig),
}

impl From<&str> for XAxis {
    fn from(value: &str) -> Self {
        Self::Key(value.to_owned())
    }
}

impl From<String> for XAxis {
    fn from(value: String) -> Self {
        Self::Key(value)
    }
}

impl From<XAxisConfig> for XAxis {
    fn from(value: XAxisConfig) -> Self {
        Self::Config(value)
    }
}

/// Configuration of a chart's x axis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct XAxisConfig {
    /// The data key whose values label the axis.
    pub data_key: String,
    /// Hide the axis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hide: Option<bool>,
    /// Display labels per value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
}

impl XAxisConfig {
    /// An axis labelled by `data_key`.
    pub fn new(data_key: impl Into<String>) -> Self {
        Self {
            data_key: data_key.into(),
            hide: None,
            labels: None,
        }
    }

    /// Hides the axis.
    #[must_use]
    pub fn hide(mut self, hide: bool) -> Self {
        self.hide = Some(hide);
        self
    }

    /// Display labels per value.
    #[must_use]
    pub fn labels(mut self, labels: impl IntoIterator<Item = (String, String)>) -> Self {
        self.labels = Some(labels.into_iter().collect());
        self
    }
}

/// A series of a `Chart`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Series {
    /// Bars.
    Bar(BarSeries),
    /// A filled area.
    Area(AreaSeries),
    /// A line.
    Line(LineSeries),
}

/// A bar series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BarSeries {
    /// Legend label.
    pub label: String,
    /// Data key of the values.
    pub data_key: String,
    /// Series sharing a stack id are stacked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    /// Bar color.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
}

/// An area series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AreaSeries {
    /// Legend label.
    pub label: String,
    /// Data key of the values.
    pub data_key: String,
    /// Series sharing a stack id are stacked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    /// Area color.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// Interpolation between points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve_type: Option<CurveType>,
}

/// A line series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LineSeries {
    /// Legend label.
    pub label: String,
    /// Data key of the values.
    pub data_key: String,
    /// Line color.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// Interpolation between points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curve_type: Option<CurveType>,
}

impl Series {
    /// A bar series of `data_key`, labelled `label` in the legend.
    pub fn bar(label: impl Into<String>, data_key: impl Into<String>) -> Self {
        Self::Bar(BarSeries {
            label: label.into(),
            data_key: data_key.into(),
            stack: None,
            color: None,
        })
    }

    /// An area series of `data_key`, labelled `label` in the legend.
    pub fn area(label: impl Into<String>, data_key: impl Into<String>) -> Self {
        Self::Area(AreaSeries {
            label: label.into(),
            data_key: data_key.into(),
            stack: None,
            color: None,
            curve_type: None,
        })
    }

    /// A line series of `data_key`, labelled `label` in the legend.
    pub fn line(label: impl Into<String>, data_key: impl Into<String>) -> Self {
        Self::Line(LineSeries {
            label: label.into(),
            data_key: data_key.into(),
            color: None,
            curve_type: None,
        })
    }

    /// Sets the color of any series kind.
    #[must_use]
    pub fn color(mut self, color: impl Into<Color>) -> Self {
        let color = Some(color.into());
        match &mut self {
            Self::Bar(series) => series.color = color,
            Self::Area(series) => series.color = color,
            Self::Line(series) => series.color = color,
        }
        self
    }

    /// Stacks bar or area series sharing `stack`; lines do not stack.
    #[must_use]
    pub fn stack(mut self, stack: impl Into<String>) -> Self {
        match &mut self {
            Self::Bar(series) => series.stack = Some(stack.into()),
            Self::Area(series) => series.stack = Some(stack.into()),
            Self::Line(_) => {}
        }
        self
    }

    /// Sets the interpolation of area and line series; bars have none.
    #[must_use]
    pub fn curve_type(mut self, curve: CurveType) -> Self {
        match &mut self {
            Self::Area(series) => series.curve_type = Some(curve),
            Self::Line(series) => series.curve_type = Some(curve),
            Self::Bar(_) => {}
        }
        self
    }
}

/// A string that is not one of a closed set of values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    type_name: &'static str,
    value: String,
    expected: &'static [&'static str],
}

impl UnknownValue {
    #[doc(hidden)]
    pub fn new(type_name: &'static str, value: &str, expected: &'static [&'static str]) -> Self {
        Self {
            type_name,
            value: value.to_owned(),
            expected,
        }
    }

    /// The rejected value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The accepted values.
    pub fn expected(&self) -> &'static [&'static str] {
        self.expected
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid {}; expected one of {}",
            self.value,
            self.type_name,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}
