use widget_dsl::ActionConfig;

fn main() {
    let _ = ActionConfig::new("task.complete").payload(7);
    let _ = ActionConfig::new("task.complete").payload(vec![1, 2]);
    let _ = ActionConfig::new("task.complete").payload("id");
}
