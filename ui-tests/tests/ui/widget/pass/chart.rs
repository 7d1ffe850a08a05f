// `Chart`: data rows, every series kind and both forms of the x axis.

// Python-only props, values and components are opt-ins (deprecated, see
// the catalogue's decisions); this file exercises them.
#![allow(deprecated)]

use serde_json::json;
use widget_dsl::{widget, ChartDatum, ChartValue, CurveType, Series, XAxisConfig};

fn datum(month: &str, sales: i64, returns: f64) -> ChartDatum {
    [
        ("month".to_owned(), ChartValue::from(month)),
        ("sales".to_owned(), ChartValue::Int(sales)),
        ("returns".to_owned(), ChartValue::from(returns)),
    ]
    .into_iter()
    .collect()
}

fn main() {
    let data = vec![datum("Jan", 10, 0.5), datum("Feb", 12, 1.0)];
    let chart = widget! {
        Chart {
            data: data.clone(),
            series: [
                Series::bar("Sales", "sales").stack("a").color("blue-500"),
                Series::area("Returns", "returns").curve_type(CurveType::MonotoneX),
                Series::line("Trend", "sales").curve_type(CurveType::StepAfter),
            ],
            x_axis: "month",
            show_y_axis: true,
            show_legend: false,
            show_tooltip: true,
            bar_gap: 2,
            bar_category_gap: 8,
            flex: 1,
            height: 240,
            width: "100%",
            size: 300,
            min_height: 100,
            min_width: 100,
            min_size: 100,
            max_height: 500,
            max_width: 800,
            max_size: 800,
            aspect_ratio: 2,
        }
    };
    assert_eq!(
        serde_json::to_value(&chart).unwrap(),
        json!({
            "type": "Chart",
            "data": [
                { "month": "Jan", "sales": 10, "returns": 0.5 },
                { "month": "Feb", "sales": 12, "returns": 1.0 },
            ],
            "series": [
                { "type": "bar", "label": "Sales", "dataKey": "sales", "stack": "a", "color": "blue-500" },
                { "type": "area", "label": "Returns", "dataKey": "returns", "curveType": "monotoneX" },
                { "type": "line", "label": "Trend", "dataKey": "sales", "curveType": "stepAfter" },
            ],
            "xAxis": "month",
            "showYAxis": true,
            "showLegend": false,
            "showTooltip": true,
            "barGap": 2,
            "barCategoryGap": 8,
            "flex": 1,
            "height": 240,
            "width": "100%",
            "size": 300,
            "minHeight": 100,
            "minWidth": 100,
            "minSize": 100,
            "maxHeight": 500,
            "maxWidth": 800,
            "maxSize": 800,
            "aspectRatio": 2,
        }),
    );

    let axis = XAxisConfig::new("month")
        .hide(false)
        .labels([("Jan".to_owned(), "January".to_owned())]);
    let configured = widget! {
        Chart { data, series: vec![Series::line("Sales", "sales")], x_axis: axis }
    };
    assert_eq!(
        serde_json::to_value(&configured).unwrap()["xAxis"],
        json!({ "dataKey": "month", "hide": false, "labels": { "Jan": "January" } }),
    );
}
