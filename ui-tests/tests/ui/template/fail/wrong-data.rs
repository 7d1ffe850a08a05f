// The data struct is typed: a wrong type or a missing field does not compile.
widget_dsl::widget_template! {
    pub struct CatProfile = "../../../../ui-tests/tests/ui/template/widgets/cat_profile.widget";
}

fn main() {
    let _ = CatProfile {
        name: "Whiskers".into(),
        photo: "https://example.com/w.png".into(),
        age: Some("three"),
        bio: "Likes boxes.".into(),
        breed: None,
    }
    .build();
    let _ = [CatProfileSize::Md, CatProfileSize::Huge];
}
