// `Table`, `TableRow` and `TableCell` in both spellings (`TableRow` and the
// wire form `Table.Row`), with every cell prop.

use serde_json::json;
use widget_dsl::{widget, Spacing};

fn main() {
    let rows = [("Apples", 3), ("Pears", 5)];
    let table = widget! {
        Table {
            Table.Row {
                header: true,
                Table.Cell { Text { value: "Fruit", weight: "bold" } }
                TableCell { align: "end", Text { value: "Count" } }
            }
            for (fruit, count) in rows {
                TableRow {
                    key: fruit,
                    TableCell {
                        width: 120,
                        padding: Spacing::new().x(2),
                        col_span: 1,
                        row_span: 1,
                        align: "start",
                        v_align: "center",
                        col_size: "lg",
                        Text { value: fruit }
                    }
                    Table.Cell { align: "center", v_align: "end", Text { value: count.to_string() } }
                }
            }
            TableRow {}
        }
    };
    assert_eq!(
        serde_json::to_value(&table).unwrap(),
        json!({
            "type": "Table",
            "children": [
                {
                    "type": "Table.Row",
                    "header": true,
                    "children": [
                        { "type": "Table.Cell", "children": [{ "type": "Text", "value": "Fruit", "weight": "bold" }] },
                        { "type": "Table.Cell", "align": "end", "children": [{ "type": "Text", "value": "Count" }] },
                    ],
                },
                {
                    "type": "Table.Row",
                    "key": "Apples",
                    "children": [
                        {
                            "type": "Table.Cell",
                            "width": 120,
                            "padding": { "x": 2 },
                            "colSpan": 1,
                            "rowSpan": 1,
                            "align": "start",
                            "vAlign": "center",
                            "colSize": "lg",
                            "children": [{ "type": "Text", "value": "Apples" }],
                        },
                        {
                            "type": "Table.Cell",
                            "align": "center",
                            "vAlign": "end",
                            "children": [{ "type": "Text", "value": "3" }],
                        },
                    ],
                },
                {
                    "type": "Table.Row",
                    "key": "Pears",
                    "children": [
                        {
                            "type": "Table.Cell",
                            "width": 120,
                            "padding": { "x": 2 },
                            "colSpan": 1,
                            "rowSpan": 1,
                            "align": "start",
                            "vAlign": "center",
                            "colSize": "lg",
                            "children": [{ "type": "Text", "value": "Pears" }],
                        },
                        {
                            "type": "Table.Cell",
                            "align": "center",
                            "vAlign": "end",
                            "children": [{ "type": "Text", "value": "5" }],
                        },
                    ],
                },
                { "type": "Table.Row" },
            ],
        }),
    );

    // Every `TableColSize`, and a table with no rows at all.
    let sizes = widget! {
        TableRow {
            TableCell { col_size: "xs" }
            TableCell { col_size: "sm" }
            TableCell { col_size: "md" }
            TableCell { col_size: "xl" }
        }
    };
    assert_eq!(sizes.children.unwrap().len(), 4);
    let empty = widget! { Table {} };
    assert_eq!(serde_json::to_value(&empty).unwrap(), json!({ "type": "Table" }));
}
