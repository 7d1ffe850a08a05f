// Every problem of the preview is reported, each with its JSON path.
fn main() {
    let _ = widget_dsl::widget_template!("../../../../ui-tests/tests/ui/template/widgets/bad_preview.widget");
}
