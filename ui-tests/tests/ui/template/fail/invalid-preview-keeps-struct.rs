// With a bad preview the struct is still declared, so only the template's
// errors show, not errors wherever the struct is used.
widget_dsl::widget_template! {
    pub struct CatProfile = "../../../../ui-tests/tests/ui/template/widgets/bad_preview.widget";
}

fn main() {
    let cat = CatProfile {
        name: "Whiskers".into(),
        photo: "p".into(),
        age: None,
        bio: "b".into(),
        breed: None,
        size: None,
    };
    let _ = cat.build();
}
