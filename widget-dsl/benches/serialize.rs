//! Serialization throughput of a 100-item ListView (target: well under 100 µs),
//! with parsing and diffing of the same widget for context.
//!
//! Run with `cargo bench -p widget-dsl`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use widget_dsl::{ActionConfig, ListView, WidgetRoot, diff_widget, widget};

fn task_list(items: usize) -> ListView {
    let tasks: Vec<(usize, String, bool)> = (0..items)
        .map(|i| (i, format!("Task number {i}"), i % 3 == 0))
        .collect();
    widget! {
        ListView {
            limit: "auto",
            for (id, title, done) in &tasks {
                ListViewItem {
                    gap: 2,
                    on_click_action: ActionConfig::new("task.toggle").payload(serde_json::json!({ "id": id })),
                    Row {
                        gap: 2,
                        align: "center",
                        Icon { name: if *done { "check-circle-filled" } else { "empty-circle" }.parse::<widget_dsl::IconName>().unwrap_or(widget_dsl::IconName::Dot) }
                        Text { value: title.as_str(), weight: "semibold", line_through: *done }
                        Spacer {}
                        Badge { label: format!("#{id}"), color: "info" }
                    }
                }
            }
        }
    }
}

fn benches(c: &mut Criterion) {
    let list = task_list(100);
    let json = serde_json::to_vec(&list).unwrap();
    let mut group = c.benchmark_group("listview_100");
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("serialize", |b| {
        b.iter(|| serde_json::to_vec(black_box(&list)).unwrap())
    });
    let mut buffer = Vec::with_capacity(json.len());
    group.bench_function("serialize_reused_buffer", |b| {
        b.iter(|| {
            buffer.clear();
            serde_json::to_writer(&mut buffer, black_box(&list)).unwrap();
        })
    });
    group.bench_function("deserialize", |b| {
        b.iter(|| serde_json::from_slice::<WidgetRoot>(black_box(&json)).unwrap())
    });
    group.bench_function("deserialize_untyped_value_baseline", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&json)).unwrap())
    });
    group.bench_function("build_with_widget_macro", |b| {
        b.iter(|| task_list(black_box(100)))
    });
    let before: WidgetRoot = list.clone().into();
    let mut changed = list.clone();
    changed.children[50].gap = Some(3.into());
    let after: WidgetRoot = changed.into();
    group.bench_function("diff_one_change", |b| {
        b.iter(|| diff_widget(black_box(&before), black_box(&after)))
    });
    group.finish();
}

criterion_group!(serialize, benches);
criterion_main!(serialize);
