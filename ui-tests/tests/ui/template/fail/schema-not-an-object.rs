widget_dsl::widget_template! {
    pub struct Data = "../../../../ui-tests/tests/ui/template/widgets/list_schema.widget";
}

fn main() {}
