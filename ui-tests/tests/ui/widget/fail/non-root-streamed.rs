// A component that is not a root, where a widget root is expected.
use chatkit_runtime::AgentContext;
use widget_dsl::widget;

async fn show(ctx: &AgentContext) {
    let _ = ctx.stream_widget(widget! { Row { Text { value: "hi" } } }, None).await;
    let row = widget! { Row { Text { value: "hi" } } };
    let _ = ctx.stream_widget(row, None).await;
    let item = widget_dsl::ListViewItem::new();
    let _ = ctx.stream_widget(item, None).await;
}

fn main() {
    let _ = show;
}
