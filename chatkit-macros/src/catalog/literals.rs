//! The closed string sets of the widget catalogue.

use super::LiteralSet;

macro_rules! sets {
    ($($ident:ident = $rust:literal, $doc:literal, [$($value:literal),* $(,)?] $(, renames [$(($from:literal, $to:literal)),*])?;)*) => {
        $(
            pub(crate) const $ident: LiteralSet = LiteralSet {
                rust: $rust,
                doc: $doc,
                values: &[$($value),*],
                renames: &[$($(($from, $to)),*)?],
            };
        )*
        pub(crate) const LITERAL_SETS: &[&LiteralSet] = &[$(&$ident),*];
    };
}

sets! {
    CARD_SIZE = "CardSize", "Width of a `Card`.", ["sm", "md", "lg", "full"];
    THEME = "Theme", "Color scheme a root widget forces.", ["light", "dark"];
    ALIGNMENT = "Alignment", "Cross-axis alignment of a flex container's children.",
        ["start", "center", "end", "baseline", "stretch"];
    JUSTIFICATION = "Justification", "Main-axis distribution of a flex container's children.",
        ["start", "center", "end", "between", "around", "evenly", "stretch"];
    WRAP = "Wrap", "Whether a flex container wraps its children.", ["nowrap", "wrap", "wrap-reverse"];
    DIRECTION = "Direction", "Direction of a flex container.", ["row", "col"];
    RADIUS = "Radius", "Corner radius.",
        ["2xs", "xs", "sm", "md", "lg", "xl", "2xl", "3xl", "4xl", "full", "100%", "none"];
    TEXT_ALIGN = "TextAlign", "Horizontal alignment of text.", ["start", "center", "end"];
    TEXT_SIZE = "TextSize", "Size of `Text` and `Label`.", ["xs", "sm", "md", "lg", "xl"];
    TITLE_SIZE = "TitleSize", "Size of a `Title`.", ["sm", "md", "lg", "xl", "2xl", "3xl", "4xl", "5xl"];
    CAPTION_SIZE = "CaptionSize", "Size of a `Caption`.", ["sm", "md", "lg"];
    ICON_SIZE = "IconSize", "Size of an `Icon`.", ["xs", "sm", "md", "lg", "xl", "2xl", "3xl"];
    FONT_WEIGHT = "FontWeight", "Font weight.", ["normal", "medium", "semibold", "bold"];
    BADGE_COLOR = "BadgeColor", "Color of a `Badge`.",
        ["secondary", "success", "danger", "warning", "info", "discovery"];
    BADGE_VARIANT = "BadgeVariant", "Fill style of a `Badge`.", ["solid", "soft", "outline"];
    BADGE_SIZE = "BadgeSize", "Size of a `Badge`.", ["sm", "md", "lg"];
    BUTTON_STYLE = "ButtonStyle", "Emphasis of a `Button`.", ["primary", "secondary"];
    BUTTON_ICON_SIZE = "ButtonIconSize", "Size of a `Button`'s icons.", ["sm", "md", "lg", "xl", "2xl"];
    BUTTON_COLOR = "ButtonColor", "Color of a `Button`.",
        ["primary", "secondary", "info", "discovery", "success", "caution", "warning", "danger"];
    CONTROL_VARIANT = "ControlVariant", "Fill style of a control.", ["solid", "soft", "outline", "ghost"];
    CONTROL_SIZE = "ControlSize", "Size of a control.",
        ["3xs", "2xs", "xs", "sm", "md", "lg", "xl", "2xl", "3xl"];
    IMAGE_FIT = "ImageFit", "How an `Image` fills its box (CSS `object-fit`).",
        ["cover", "contain", "fill", "scale-down", "none"];
    IMAGE_POSITION = "ImagePosition", "Where an `Image` sits in its box (CSS `object-position`).",
        ["top left", "top", "top right", "left", "center", "right", "bottom left", "bottom", "bottom right"];
    INPUT_TYPE = "InputType", "Kind of value an `Input` takes.",
        ["number", "email", "text", "password", "tel", "url"];
    INPUT_VARIANT = "InputVariant", "Fill style of an `Input` or `Textarea`.", ["soft", "outline"];
    GUTTER_SIZE = "GutterSize", "Inner horizontal padding of an `Input` or `Textarea`.",
        ["2xs", "xs", "sm", "md", "lg", "xl"];
    POPOVER_SIDE = "PopoverSide", "Side of a `DatePicker` its calendar opens on.",
        ["top", "bottom", "left", "right"];
    POPOVER_ALIGN = "PopoverAlign", "Alignment of a `DatePicker`'s calendar along its side.",
        ["start", "center", "end"];
    BORDER_STYLE = "BorderStyle", "Line style of a `Border`.",
        ["solid", "dashed", "dotted", "double", "groove", "ridge", "inset", "outset"];
    CURVE_TYPE = "CurveType", "Interpolation of an area or line chart series.",
        ["basis", "basisClosed", "basisOpen", "bumpX", "bumpY", "bump", "linear", "linearClosed",
         "natural", "monotoneX", "monotoneY", "monotone", "step", "stepBefore", "stepAfter"];
    TABLE_CELL_ALIGN = "TableCellAlign", "Alignment of a `TableCell`'s content.", ["start", "center", "end"];
    TABLE_COL_SIZE = "TableColSize", "Width class of a table column.", ["xs", "sm", "md", "lg", "xl"];
    HANDLER = "Handler", "Who handles a widget action: the server (default) or the page's `widgets.onAction`.",
        ["client", "server"];
    LOADING_BEHAVIOR = "LoadingBehavior", "What shows a loading state while an action runs.",
        ["auto", "none", "self", "container"], renames [("self", "OwnComponent")];
    ICON_NAMES = "IconName", "A built-in ChatKit icon.",
        ["agent", "analytics", "atom", "batch", "bolt", "book-open", "book-closed", "book-clock", "bug",
         "calendar", "chart", "check", "check-circle", "check-circle-filled", "chevron-left",
         "chevron-right", "circle-question", "clock", "compass", "confetti", "cube", "desktop",
         "document", "dot", "dots-horizontal", "dots-vertical", "empty-circle", "external-link",
         "globe", "keys", "lab", "images", "info", "lifesaver", "lightbulb", "mail", "map-pin",
         "maps", "mobile", "name", "notebook", "notebook-pencil", "page-blank", "phone", "play",
         "plus", "profile", "profile-card", "reload", "star", "star-filled", "search", "sparkle",
         "sparkle-double", "square-code", "square-image", "square-text", "suitcase",
         "settings-slider", "user", "wreath", "write", "write-alt", "write-alt2"];
}

/// The icon set; `IconName` also takes `vendor:*` and `lucide:*` names.
pub(crate) const ICONS: &LiteralSet = &ICON_NAMES;

/// Prefixes of icon names outside the built-in set.
pub(crate) const ICON_PREFIXES: &[&str] = &["vendor:", "lucide:"];
