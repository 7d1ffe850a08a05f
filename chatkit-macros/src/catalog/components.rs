//! Every component of the catalogue with every prop.

use super::PropKind::*;
use super::literals::*;
use super::{ChildKind, Children, Component, Placement, Prop, PropKind, Support};

const fn opt(name: &'static str, kind: PropKind, doc: &'static str) -> Prop {
    Prop {
        name,
        kind,
        required: false,
        doc,
        support: Support::Both,
    }
}

const fn req(name: &'static str, kind: PropKind, doc: &'static str) -> Prop {
    Prop {
        name,
        kind,
        required: true,
        doc,
        support: Support::Both,
    }
}

const COMPONENT_CHILDREN: Children = Children::List {
    of: ChildKind::Component,
    required: false,
};
const REQUIRED_COMPONENT_CHILDREN: Children = Children::List {
    of: ChildKind::Component,
    required: true,
};

/// Size props shared by boxes, images and charts.
const SIZES: &[Prop] = &[
    opt(
        "height",
        Dimension,
        "Height: a number of pixels or a CSS length.",
    ),
    opt(
        "width",
        Dimension,
        "Width: a number of pixels or a CSS length.",
    ),
    opt("size", Dimension, "Width and height at once."),
    opt("min_height", Dimension, "Minimum height."),
    opt("min_width", Dimension, "Minimum width."),
    opt("min_size", Dimension, "Minimum width and height."),
    opt("max_height", Dimension, "Maximum height."),
    opt("max_width", Dimension, "Maximum width."),
    opt("max_size", Dimension, "Maximum width and height."),
    opt(
        "aspect_ratio",
        Dimension,
        "Width-to-height ratio, such as `1.5` or `\"16 / 9\"`.",
    ),
];

/// With `SIZES`, the `BlockProps` of the frontend types.
const BLOCK_EDGES: &[Prop] = &[
    opt("radius", Literal(&RADIUS), "Corner radius."),
    opt("margin", Padding, "Outer spacing: one value or per side."),
];

/// Flex container props (`BoxBaseProps` in the frontend types).
const BOX_BASE: &[Prop] = &[
    opt(
        "align",
        Literal(&ALIGNMENT),
        "Cross-axis alignment of the children.",
    ),
    opt(
        "justify",
        Literal(&JUSTIFICATION),
        "Main-axis distribution of the children.",
    ),
    opt(
        "wrap",
        Literal(&WRAP),
        "Whether children wrap onto new lines.",
    ),
    opt("flex", Dimension, "Flex grow factor or a CSS `flex` value."),
    opt("gap", Dimension, "Space between children."),
    opt("padding", Padding, "Inner spacing: one value or per side."),
    opt(
        "border",
        Border,
        "Border: a width, a `Border` or per-side `Borders`.",
    ),
    opt("background", Color, "Background color."),
];

/// Props shared by `Text`, `Title` and `Caption` (`BaseTextProps`).
const TEXT_BASE: &[Prop] = &[
    opt(
        "color",
        Color,
        "Text color: a named color (`\"secondary\"`, `\"blue-500\"`) or a `ThemeColor`.",
    ),
    opt("weight", Literal(&FONT_WEIGHT), "Font weight."),
    opt("text_align", Literal(&TEXT_ALIGN), "Horizontal alignment."),
    opt("truncate", Bool, "Cut overflowing text with an ellipsis."),
    opt("max_lines", Count, "Clamp the text to this many lines."),
];

const ACTION_DOC: &str = "Action sent when the user activates the component.";

// Why each component or prop that only one reference has is allowed, or is
// an opt-in. The frontend renders widgets, so what only it has is allowed;
// what only the Python reference has fails the frontend's types, so it is
// `#[deprecated]` in `widget-dsl` with this reason (see `Support`).

const CARD_BORDER: &str = "The Python reference's strict `Card` has no `border`: a Python server that re-parses a stored card drops it. chatkit-rs keeps it.";
const TABLE: &str = "The Python reference has no table components: it keeps a table only as an untyped dynamic widget. chatkit-rs types it.";
const CHART: &str = "`@openai/chatkit` 1.9.0's `WidgetComponent` has no `Chart`, so its types reject the whole widget.";
const IMAGE_BACKGROUND: &str = "The frontend's `Image` type has no `background`, so its types reject the widget; set the background on an enclosing `Box` instead.";
const IMAGE_FLEX: &str = "The frontend's `Image` type has no `flex`, so its types reject the widget; wrap the image in a `Box { flex: ... }` instead.";
const SELECT_SEARCHABLE: &str =
    "The frontend's `Select` type has no `searchable`, so its types reject the widget.";

pub(crate) const COMPONENTS: &[&Component] = &[
    &Component {
        name: "Card",
        rust: "Card",
        doc: "A bordered root container, the most common widget.",
        placement: Placement::Root,
        support: Support::Both,
        children: REQUIRED_COMPONENT_CHILDREN,
        props: &[&[
            opt(
                "as_form",
                Bool,
                "Treat the card as a form: `confirm` submits its fields.",
            ),
            opt("background", Color, "Background color."),
            opt(
                "border",
                Border,
                "Border: a width, a `Border` or per-side `Borders`.",
            )
            .frontend_only(CARD_BORDER),
            opt("size", Literal(&CARD_SIZE), "Width of the card."),
            opt("padding", Padding, "Inner spacing: one value or per side."),
            opt("status", Status, "Status line shown above the card."),
            opt("collapsed", Bool, "Render the card collapsed."),
            opt(
                "confirm",
                CardAction,
                "Primary button at the bottom of the card.",
            ),
            opt(
                "cancel",
                CardAction,
                "Secondary button at the bottom of the card.",
            ),
            opt("theme", Literal(&THEME), "Force a color scheme."),
        ]],
    },
    &Component {
        name: "ListView",
        rust: "ListView",
        doc: "A root list of `ListViewItem`s, with an optional status header.",
        placement: Placement::Root,
        support: Support::Both,
        children: Children::List {
            of: ChildKind::Only("ListViewItem"),
            required: true,
        },
        props: &[&[
            opt(
                "limit",
                Limit,
                "Show at most this many items (`\"auto\"` lets the client decide).",
            ),
            opt("status", Status, "Status header shown above the list."),
            opt("theme", Literal(&THEME), "Force a color scheme."),
        ]],
    },
    &Component {
        name: "Basic",
        rust: "Basic",
        doc: "A borderless root, used for entity previews.",
        placement: Placement::Root,
        support: Support::Both,
        children: Children::List {
            of: ChildKind::Node,
            required: true,
        },
        props: &[&[
            opt("theme", Literal(&THEME), "Force a color scheme."),
            opt(
                "direction",
                Literal(&DIRECTION),
                "Layout direction of the children.",
            ),
            opt("gap", Dimension, "Space between children."),
            opt("padding", Padding, "Inner spacing: one value or per side."),
            opt(
                "align",
                Literal(&ALIGNMENT),
                "Cross-axis alignment of the children.",
            ),
            opt(
                "justify",
                Literal(&JUSTIFICATION),
                "Main-axis distribution of the children.",
            ),
        ]],
    },
    &Component {
        name: "ListViewItem",
        rust: "ListViewItem",
        doc: "One row of a `ListView`; appears only directly inside a `ListView`.",
        placement: Placement::Only("ListView"),
        support: Support::Both,
        children: REQUIRED_COMPONENT_CHILDREN,
        props: &[&[
            opt(
                "on_click_action",
                Action,
                "Action sent when the item is clicked.",
            ),
            opt("gap", Dimension, "Space between children."),
            opt(
                "align",
                Literal(&ALIGNMENT),
                "Cross-axis alignment of the children.",
            ),
        ]],
    },
    &Component {
        name: "Box",
        rust: "Box",
        doc: "A flex container whose direction is a prop.",
        placement: Placement::Component,
        support: Support::Both,
        children: COMPONENT_CHILDREN,
        props: &[
            &[opt("direction", Literal(&DIRECTION), "Layout direction.")],
            BOX_BASE,
            SIZES,
            BLOCK_EDGES,
        ],
    },
    &Component {
        name: "Row",
        rust: "Row",
        doc: "A horizontal flex container.",
        placement: Placement::Component,
        support: Support::Both,
        children: COMPONENT_CHILDREN,
        props: &[BOX_BASE, SIZES, BLOCK_EDGES],
    },
    &Component {
        name: "Col",
        rust: "Col",
        doc: "A vertical flex container.",
        placement: Placement::Component,
        support: Support::Both,
        children: COMPONENT_CHILDREN,
        props: &[BOX_BASE, SIZES, BLOCK_EDGES],
    },
    &Component {
        name: "Form",
        rust: "Form",
        doc: "A flex container whose fields are submitted together.",
        placement: Placement::Component,
        support: Support::Both,
        children: COMPONENT_CHILDREN,
        props: &[
            &[
                opt(
                    "on_submit_action",
                    Action,
                    "Action sent on submit; field values are merged into its payload by `name`.",
                ),
                opt("direction", Literal(&DIRECTION), "Layout direction."),
            ],
            BOX_BASE,
            SIZES,
            BLOCK_EDGES,
        ],
    },
    &Component {
        name: "Spacer",
        rust: "Spacer",
        doc: "Flexible empty space that pushes its siblings apart.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[opt("min_size", Dimension, "Minimum size of the space.")]],
    },
    &Component {
        name: "Divider",
        rust: "Divider",
        doc: "A horizontal rule.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            opt("color", Color, "Line color."),
            opt("size", Dimension, "Line thickness."),
            opt("spacing", Dimension, "Space above and below the line."),
            opt("flush", Bool, "Extend the line to the container's edges."),
        ]],
    },
    &Component {
        name: "Transition",
        rust: "Transition",
        doc: "Animates changes of its single child.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::Single,
        props: &[],
    },
    &Component {
        name: "Title",
        rust: "Title",
        doc: "Heading text.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[
            &[
                req("value", Str, "The heading."),
                opt("size", Literal(&TITLE_SIZE), "Heading size."),
            ],
            TEXT_BASE,
        ],
    },
    &Component {
        name: "Caption",
        rust: "Caption",
        doc: "Small secondary text.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[
            &[
                req("value", Str, "The caption."),
                opt("size", Literal(&CAPTION_SIZE), "Caption size."),
            ],
            TEXT_BASE,
        ],
    },
    &Component {
        name: "Text",
        rust: "Text",
        doc: "Body text; with an `id` and `streaming`, its value can be streamed as deltas.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[
            &[
                req("value", Str, "The text."),
                opt("streaming", Bool, "The value is still being streamed."),
                opt("italic", Bool, "Italic style."),
                opt("line_through", Bool, "Strike the text through."),
                opt("width", Dimension, "Width of the text block."),
                opt("size", Literal(&TEXT_SIZE), "Text size."),
                opt("min_lines", Count, "Reserve at least this many lines."),
                opt(
                    "editable",
                    Editable,
                    "`false`, or the props of an inline editor whose value is submitted under `name`.",
                ),
            ],
            TEXT_BASE,
        ],
    },
    &Component {
        name: "Markdown",
        rust: "Markdown",
        doc: "Markdown-formatted text; streamable like `Text`.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            req("value", Str, "The Markdown source."),
            opt("streaming", Bool, "The value is still being streamed."),
        ]],
    },
    &Component {
        name: "Badge",
        rust: "Badge",
        doc: "A small label for a status, a count or an id.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            req("label", Str, "The label."),
            opt("color", Literal(&BADGE_COLOR), "Color."),
            opt("variant", Literal(&BADGE_VARIANT), "Fill style."),
            opt("size", Literal(&BADGE_SIZE), "Size."),
            opt("pill", Bool, "Fully rounded ends."),
        ]],
    },
    &Component {
        name: "Icon",
        rust: "Icon",
        doc: "A built-in icon.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            req("name", Icon, "The icon."),
            opt("color", Color, "Icon color."),
            opt("size", Literal(&ICON_SIZE), "Icon size."),
        ]],
    },
    &Component {
        name: "Image",
        rust: "Image",
        doc: "An image.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[
            &[
                req("src", Str, "Image URL."),
                opt("alt", Str, "Alternative text."),
                opt("frame", Bool, "Draw a frame around the image."),
                opt("fit", Literal(&IMAGE_FIT), "How the image fills its box."),
                opt(
                    "position",
                    Literal(&IMAGE_POSITION),
                    "Where the image sits in its box.",
                ),
                opt("flush", Bool, "Extend the image to the container's edges."),
                opt("background", Color, "Background color.").python_only(IMAGE_BACKGROUND),
                opt("flex", Dimension, "Flex grow factor.").python_only(IMAGE_FLEX),
            ],
            SIZES,
            BLOCK_EDGES,
        ],
    },
    &Component {
        name: "Button",
        rust: "Button",
        doc: "A button that sends an action.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            opt("submit", Bool, "Submit the enclosing form."),
            opt("label", Str, "Button text."),
            opt("on_click_action", Action, ACTION_DOC),
            opt("icon_start", Icon, "Icon before the label."),
            opt("icon_end", Icon, "Icon after the label."),
            opt("style", Literal(&BUTTON_STYLE), "Emphasis."),
            opt("icon_size", Literal(&BUTTON_ICON_SIZE), "Icon size."),
            opt("color", Literal(&BUTTON_COLOR), "Color."),
            opt("variant", Literal(&CONTROL_VARIANT), "Fill style."),
            opt("size", Literal(&CONTROL_SIZE), "Size."),
            opt("pill", Bool, "Fully rounded ends."),
            opt("uniform", Bool, "Equal width and height (icon buttons)."),
            opt("block", Bool, "Take the full width."),
            opt("disabled", Bool, "Disable the button."),
        ]],
    },
    &Component {
        name: "Table",
        rust: "Table",
        doc: "A table of `TableRow`s.",
        placement: Placement::Component,
        support: Support::Frontend(TABLE),
        children: Children::List {
            of: ChildKind::Only("Table.Row"),
            required: false,
        },
        props: &[],
    },
    &Component {
        name: "Table.Row",
        rust: "TableRow",
        doc: "A row of `TableCell`s; appears only directly inside a `Table`.",
        placement: Placement::Only("Table"),
        support: Support::Frontend(TABLE),
        children: Children::List {
            of: ChildKind::Only("Table.Cell"),
            required: false,
        },
        props: &[&[opt("header", Bool, "This is a header row.")]],
    },
    &Component {
        name: "Table.Cell",
        rust: "TableCell",
        doc: "A table cell; appears only directly inside a `TableRow`.",
        placement: Placement::Only("Table.Row"),
        support: Support::Frontend(TABLE),
        children: COMPONENT_CHILDREN,
        props: &[&[
            opt("width", Dimension, "Cell width."),
            opt("padding", Spacing, "Per-side inner spacing."),
            opt("col_span", Count, "Number of columns the cell spans."),
            opt("row_span", Count, "Number of rows the cell spans."),
            opt("align", Literal(&TABLE_CELL_ALIGN), "Horizontal alignment."),
            opt("v_align", Literal(&TABLE_CELL_ALIGN), "Vertical alignment."),
            opt(
                "col_size",
                Literal(&TABLE_COL_SIZE),
                "Width class of the column.",
            ),
        ]],
    },
    &Component {
        name: "Input",
        rust: "Input",
        doc: "A single-line text field.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            req("name", Str, "Field name; the value is submitted under it."),
            opt("input_type", Literal(&INPUT_TYPE), "Kind of value."),
            opt("default_value", Str, "Initial value."),
            opt("required", Bool, "The field must be filled."),
            opt("pattern", Str, "Regular expression the value must match."),
            opt("placeholder", Str, "Placeholder text."),
            opt(
                "allow_autofill_extensions",
                Bool,
                "Let browser autofill extensions fill the field.",
            ),
            opt("auto_select", Bool, "Select the value on focus."),
            opt("auto_focus", Bool, "Focus the field when shown."),
            opt("disabled", Bool, "Disable the field."),
            opt("variant", Literal(&INPUT_VARIANT), "Fill style."),
            opt("size", Literal(&CONTROL_SIZE), "Size."),
            opt(
                "gutter_size",
                Literal(&GUTTER_SIZE),
                "Inner horizontal padding.",
            ),
            opt("pill", Bool, "Fully rounded ends."),
        ]],
    },
    &Component {
        name: "Textarea",
        rust: "Textarea",
        doc: "A multi-line text field.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            req("name", Str, "Field name; the value is submitted under it."),
            opt("default_value", Str, "Initial value."),
            opt("required", Bool, "The field must be filled."),
            opt("pattern", Str, "Regular expression the value must match."),
            opt("placeholder", Str, "Placeholder text."),
            opt("auto_select", Bool, "Select the value on focus."),
            opt("auto_focus", Bool, "Focus the field when shown."),
            opt("disabled", Bool, "Disable the field."),
            opt("variant", Literal(&INPUT_VARIANT), "Fill style."),
            opt("size", Literal(&CONTROL_SIZE), "Size."),
            opt(
                "gutter_size",
                Literal(&GUTTER_SIZE),
                "Inner horizontal padding.",
            ),
            opt("rows", Count, "Visible rows."),
            opt("auto_resize", Bool, "Grow with the content."),
            opt("max_rows", Count, "Maximum rows when auto-resizing."),
            opt(
                "allow_autofill_extensions",
                Bool,
                "Let browser autofill extensions fill the field.",
            ),
        ]],
    },
    &Component {
        name: "Select",
        rust: "Select",
        doc: "A drop-down choice.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            req("name", Str, "Field name; the value is submitted under it."),
            req("options", SelectOptions, "The choices."),
            opt(
                "on_change_action",
                Action,
                "Action sent when the choice changes.",
            ),
            opt("placeholder", Str, "Placeholder text."),
            opt("default_value", Str, "Initially selected value."),
            opt("variant", Literal(&CONTROL_VARIANT), "Fill style."),
            opt("size", Literal(&CONTROL_SIZE), "Size."),
            opt("pill", Bool, "Fully rounded ends."),
            opt("block", Bool, "Take the full width."),
            opt("clearable", Bool, "Offer a button that clears the choice."),
            opt("disabled", Bool, "Disable the control."),
            opt("searchable", Bool, "Filter the options by typing.").python_only(SELECT_SEARCHABLE),
        ]],
    },
    &Component {
        name: "DatePicker",
        rust: "DatePicker",
        doc: "A date picker.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            req("name", Str, "Field name; the value is submitted under it."),
            opt(
                "on_change_action",
                Action,
                "Action sent when the date changes.",
            ),
            opt("placeholder", Str, "Placeholder text."),
            opt(
                "default_value",
                DateTime,
                "Initial date, ISO 8601 (`\"2026-01-01T00:00:00\"`).",
            ),
            opt("min", DateTime, "Earliest selectable date, ISO 8601."),
            opt("max", DateTime, "Latest selectable date, ISO 8601."),
            opt("variant", Literal(&CONTROL_VARIANT), "Fill style."),
            opt("size", Literal(&CONTROL_SIZE), "Size."),
            opt(
                "side",
                Literal(&POPOVER_SIDE),
                "Side the calendar opens on.",
            ),
            opt(
                "align",
                Literal(&POPOVER_ALIGN),
                "Alignment of the calendar.",
            ),
            opt("pill", Bool, "Fully rounded ends."),
            opt("block", Bool, "Take the full width."),
            opt("clearable", Bool, "Offer a button that clears the date."),
            opt("disabled", Bool, "Disable the control."),
        ]],
    },
    &Component {
        name: "Checkbox",
        rust: "Checkbox",
        doc: "A checkbox.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            req("name", Str, "Field name; the value is submitted under it."),
            opt("label", Str, "Label next to the box."),
            opt("default_checked", Bool, "Initially checked."),
            opt(
                "on_change_action",
                Action,
                "Action sent when the box is toggled.",
            ),
            opt("disabled", Bool, "Disable the control."),
            opt("required", Bool, "The box must be checked."),
        ]],
    },
    &Component {
        name: "RadioGroup",
        rust: "RadioGroup",
        doc: "A set of mutually exclusive options.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            req("name", Str, "Field name; the value is submitted under it."),
            opt("options", RadioOptions, "The options."),
            opt("aria_label", Str, "Accessible label of the group."),
            opt(
                "on_change_action",
                Action,
                "Action sent when the choice changes.",
            ),
            opt("default_value", Str, "Initially selected value."),
            opt(
                "direction",
                Literal(&DIRECTION),
                "Layout direction of the options.",
            ),
            opt("disabled", Bool, "Disable the control."),
            opt("required", Bool, "A choice must be made."),
        ]],
    },
    &Component {
        name: "Label",
        rust: "Label",
        doc: "A label for a form field.",
        placement: Placement::Component,
        support: Support::Both,
        children: Children::None,
        props: &[&[
            req("value", Str, "The label text."),
            req(
                "field_name",
                Str,
                "`name` of the field this label belongs to.",
            ),
            opt("size", Literal(&TEXT_SIZE), "Text size."),
            opt("weight", Literal(&FONT_WEIGHT), "Font weight."),
            opt("text_align", Literal(&TEXT_ALIGN), "Horizontal alignment."),
            opt("color", Color, "Text color."),
        ]],
    },
    &Component {
        name: "Chart",
        rust: "Chart",
        doc: "A bar, area or line chart.",
        placement: Placement::Component,
        support: Support::Python(CHART),
        children: Children::None,
        props: &[
            &[
                req(
                    "data",
                    ChartData,
                    "Data rows: one map from data key to value per x position.",
                ),
                req("series", Series, "The series to plot."),
                req(
                    "x_axis",
                    XAxis,
                    "The x axis: a data key or an `XAxisConfig`.",
                ),
                opt("show_y_axis", Bool, "Show the y axis."),
                opt("show_legend", Bool, "Show the legend."),
                opt("show_tooltip", Bool, "Show tooltips."),
                opt("bar_gap", Count, "Gap between bars of one category."),
                opt("bar_category_gap", Count, "Gap between bar categories."),
                opt("flex", Dimension, "Flex grow factor."),
            ],
            SIZES,
        ],
    },
];
