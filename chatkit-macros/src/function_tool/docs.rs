//! Descriptions from doc comments: the tool's from the fn's docs, each
//! parameter's from its own doc comment or from a rustdoc `# Arguments` list.

use syn::{Attribute, Expr, Lit, Meta};

/// The text of the `#[doc = "..."]` attributes, one line each, with the
/// single space rustdoc puts after `///` removed.
pub(crate) fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(lit) => match &lit.lit {
                    Lit::Str(s) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .flat_map(|text| {
            text.split('\n')
                .map(|line| line.trim_end_matches('\r').to_owned())
                .collect::<Vec<_>>()
        })
        .map(|line| line.strip_prefix(' ').map(str::to_owned).unwrap_or(line))
        .collect()
}

/// A fn's docs split into the tool description and the `# Arguments` entries.
pub(crate) struct FnDocs {
    /// The text before the first `#` heading, trimmed.
    pub(crate) description: String,
    /// `(name, description)` from a `# Arguments` (or `# Parameters`) list.
    pub(crate) arguments: Vec<(String, String)>,
}

/// Splits fn docs. The description is what comes before the first heading:
/// `# Errors` or `# Examples` sections are for Rust readers, not the model.
pub(crate) fn fn_docs(lines: &[String]) -> FnDocs {
    let mut description = Vec::new();
    let mut arguments: Vec<(String, String)> = Vec::new();
    let mut section: Option<String> = None;
    for line in lines {
        let trimmed = line.trim();
        if let Some(heading) = trimmed.strip_prefix('#') {
            section = Some(heading.trim_start_matches('#').trim().to_ascii_lowercase());
            continue;
        }
        match section.as_deref() {
            None => description.push(line.as_str()),
            Some("arguments" | "parameters" | "args") => {
                if let Some((name, text)) = argument_item(trimmed) {
                    arguments.push((name, text));
                } else if !trimmed.is_empty() {
                    // A continuation line of the previous item.
                    if let Some((_, text)) = arguments.last_mut() {
                        text.push(' ');
                        text.push_str(trimmed);
                    }
                }
            }
            Some(_) => {}
        }
    }
    FnDocs {
        description: join_paragraphs(&description),
        arguments,
    }
}

/// `* `name` - text`, `- name: text`, `* name — text`.
fn argument_item(line: &str) -> Option<(String, String)> {
    let rest = line
        .strip_prefix('*')
        .or_else(|| line.strip_prefix('-'))?
        .trim_start();
    let (name, text) = if let Some(quoted) = rest.strip_prefix('`') {
        let end = quoted.find('`')?;
        (&quoted[..end], &quoted[end + 1..])
    } else {
        let start = if rest.starts_with("r#") { 2 } else { 0 };
        let end = start + rest[start..].find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
        (&rest[..end], &rest[end..])
    };
    let text = text
        .trim_start()
        .trim_start_matches(['-', ':', '—', '–'])
        .trim();
    if name.is_empty() {
        return None;
    }
    Some((name.trim_start_matches("r#").to_owned(), text.to_owned()))
}

/// Joins doc lines into text: lines of a paragraph with spaces, paragraphs
/// with a blank line.
pub(crate) fn join_paragraphs(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { " " });
        }
        out.push_str(line);
        blank = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn description_stops_at_the_first_heading() {
        let docs = fn_docs(&lines(
            "Add a task\nto the list.\n\nSecond paragraph.\n\n# Errors\n\nWhen the store fails.",
        ));
        assert_eq!(
            docs.description,
            "Add a task to the list.\n\nSecond paragraph."
        );
        assert!(docs.arguments.is_empty());
    }

    #[test]
    fn arguments_lists_in_common_styles() {
        let docs = fn_docs(&lines(
            "Add a task.\n\n# Arguments\n\n* `title` - Short title\n  of the task\n- description: Longer text\n* r#type — The kind\n\n# Errors\n* `nope` - ignored",
        ));
        assert_eq!(
            docs.arguments,
            [
                ("title".to_owned(), "Short title of the task".to_owned()),
                ("description".to_owned(), "Longer text".to_owned()),
                ("type".to_owned(), "The kind".to_owned()),
            ]
        );
    }
}
