//! Run with: cargo run -p example-widgets [name]
//!
//! Prints a widget of the gallery (`example_widgets::gallery`) as ChatKit
//! JSON, ready to paste into a `widget` thread item or the playground's
//! preview page. Names: `todo`, `weather`, `form`, or a gallery name in
//! lowercase with dashes (`sales-chart`); `all` prints the whole gallery.

fn slug(name: &str) -> String {
    name.to_lowercase().replace(' ', "-")
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "todo".to_owned());
    let gallery = example_widgets::gallery();
    let json = if which == "all" {
        let all: Vec<_> = gallery
            .iter()
            .map(|(name, widget)| serde_json::json!({ "name": name, "widget": widget }))
            .collect();
        serde_json::to_string_pretty(&all)
    } else {
        let wanted = match which.as_str() {
            "todo" => "task-list",
            "form" => "new-task-form",
            other => other,
        };
        let Some((_, widget)) = gallery.iter().find(|(name, _)| slug(name) == wanted) else {
            let names: Vec<_> = gallery.iter().map(|(name, _)| slug(name)).collect();
            eprintln!(
                "unknown widget `{which}`: choose todo, form, all or one of {}",
                names.join(", ")
            );
            std::process::exit(2);
        };
        serde_json::to_string_pretty(widget)
    };
    match json {
        Ok(json) => println!("{json}"),
        Err(err) => {
            eprintln!("could not serialize the widget: {err}");
            std::process::exit(1);
        }
    }
}
