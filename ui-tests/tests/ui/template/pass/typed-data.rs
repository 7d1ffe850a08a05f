// The struct form: a typed data struct from the template's `jsonSchema`,
// built into the widget the template renders. (Paths are relative to the
// crate's Cargo.toml; trybuild builds these tests in
// target/tests/trybuild/ui-tests, hence the `../`s.)

widget_dsl::widget_template! {
    /// A cat's profile card.
    pub struct CatProfile = "../../../../ui-tests/tests/ui/template/widgets/cat_profile.widget";
}

widget_dsl::widget_template! {
    struct Tasks = "../../../../ui-tests/tests/ui/template/widgets/task_list.widget";
}

fn main() {
    let cat = CatProfile {
        name: "Whiskers".into(),
        photo: "https://example.com/w.png".into(),
        age: None,
        bio: "Likes boxes.".into(),
        breed: None,
        size: Some(CatProfileSize::Sm),
    };
    let json = serde_json::to_value(cat.build().unwrap()).unwrap();
    assert_eq!(json["size"], "sm");
    assert_eq!(json["children"][0]["children"][1]["children"][1]["value"], "Age unknown");
    assert_eq!(CatProfile::template().name(), "cat_profile");

    let tasks = Tasks {
        tasks: vec![TasksTasksItem { id: 1, title: "Buy milk".into(), done: true }],
        limit: Some(3),
    };
    let json = serde_json::to_value(tasks.build().unwrap()).unwrap();
    assert_eq!(json["limit"], 3);
    assert_eq!(json["children"][0]["children"][0]["children"][1]["lineThrough"], true);

    // The expression form.
    let template: &'static widget_dsl::WidgetTemplate = widget_dsl::widget_template!("../../../../ui-tests/tests/ui/template/widgets/task_list.widget");
    assert!(template.build(serde_json::json!({"tasks": []})).is_ok());
}
