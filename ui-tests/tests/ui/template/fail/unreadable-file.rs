fn main() {
    let _ = widget_dsl::widget_template!("../../../../ui-tests/tests/ui/template/widgets/no_such.widget");
}
