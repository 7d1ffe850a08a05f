//! Building a 100-item `ListView` from a `.widget` template: checking the
//! data against the schema, rendering the Jinja template, parsing and
//! strictly checking the output. For comparison, `benches/serialize.rs`
//! builds the same kind of list with `widget!`.
//!
//! Run with `cargo bench -p widget-dsl --bench template`.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::hint::black_box;
use widget_dsl::WidgetTemplate;

fn benches(c: &mut Criterion) {
    let template = WidgetTemplate::from_str(include_str!("../tests/templates/task_list.widget"))
        .expect("the corpus template loads");
    let tasks: Vec<_> = (0..100)
        .map(|i| json!({"id": i, "title": format!("Task number {i}"), "done": i % 3 == 0}))
        .collect();
    let data = json!({ "tasks": tasks });
    let root = template.build(&data).expect("the template builds");
    assert_eq!(
        serde_json::to_value(&root).expect("serializes")["children"]
            .as_array()
            .map(Vec::len),
        Some(100)
    );
    c.bench_function("template_listview_100/build", |b| {
        b.iter(|| template.build(black_box(&data)).expect("builds"))
    });
}

criterion_group!(template, benches);
criterion_main!(template);
