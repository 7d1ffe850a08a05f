//! `#[function_tool(...)]`'s keys:
//!
//! - `name = "..."`, `description = "..."`: what the model sees.
//! - `strict = true|false`, `show_errors = true|false`.
//! - `crate = "..."` (or a bare path): where `chatkit-runtime` is.
//! - `title = "..."` and the hints `read_only`, `destructive`, `idempotent`,
//!   `open_world`: the tool's MCP annotations. A hint is written alone for
//!   `true`, or as `key = true|false`.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens as _, quote};
use syn::parse::Parser as _;
use syn::{Expr, Lit, LitBool, LitStr};

use crate::common::ctxt::Ctxt;
use crate::common::suggest::closest;

const KEYS: &[&str] = &[
    "name",
    "description",
    "strict",
    "show_errors",
    "crate",
    "title",
    "read_only",
    "destructive",
    "idempotent",
    "open_world",
];

/// The MCP annotation hints: booleans that may be written without a value.
const HINTS: &[&str] = &["read_only", "destructive", "idempotent", "open_world"];

/// A hint as written: its value, and where its key is.
#[derive(Clone, Copy)]
pub(crate) struct Hint {
    pub(crate) value: bool,
    pub(crate) key: Span,
}

/// The attribute's arguments; absent keys keep their defaults.
#[derive(Default)]
pub(crate) struct ToolAttr {
    pub(crate) name: Option<LitStr>,
    pub(crate) description: Option<LitStr>,
    pub(crate) strict: Option<LitBool>,
    pub(crate) show_errors: Option<LitBool>,
    pub(crate) krate: Option<TokenStream>,
    pub(crate) title: Option<LitStr>,
    pub(crate) read_only: Option<Hint>,
    pub(crate) destructive: Option<Hint>,
    pub(crate) idempotent: Option<Hint>,
    pub(crate) open_world: Option<Hint>,
}

impl ToolAttr {
    fn hint_mut(&mut self, key: &str) -> Option<&mut Option<Hint>> {
        match key {
            "read_only" => Some(&mut self.read_only),
            "destructive" => Some(&mut self.destructive),
            "idempotent" => Some(&mut self.idempotent),
            "open_world" => Some(&mut self.open_world),
            _ => None,
        }
    }
}

pub(crate) fn parse(args: TokenStream, cx: &mut Ctxt) -> ToolAttr {
    let mut attr = ToolAttr::default();
    let mut seen: Vec<String> = Vec::new();
    let parser = syn::meta::parser(|meta| {
        // `crate` is a keyword; path segments still hold it as an ident.
        let key = crate::common::path_to_string(&meta.path);
        let span = meta
            .path
            .segments
            .first()
            .map_or_else(Span::call_site, |s| s.ident.span());
        if !meta.input.peek(syn::Token![=]) {
            let alone = meta.input.is_empty() || meta.input.peek(syn::Token![,]);
            if alone && HINTS.contains(&key.as_str()) {
                // `read_only`: the hint is `true`.
                if first_time(&mut seen, &key, span, cx)
                    && let Some(slot) = attr.hint_mut(&key)
                {
                    *slot = Some(Hint {
                        value: true,
                        key: span,
                    });
                }
                return Ok(());
            }
            // `strict`, `name(...)`: report the key, then skip to the next one.
            while !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                meta.input.parse::<proc_macro2::TokenTree>()?;
            }
            let message = if HINTS.contains(&key.as_str()) {
                format!(
                    "`{key}` takes no arguments\n\nhelp: write `{key}` (or `{key} = true`), or `{key} = false`"
                )
            } else if KEYS.contains(&key.as_str()) {
                let example = match key.as_str() {
                    "strict" | "show_errors" => format!("`{key} = true` or `{key} = false`"),
                    "crate" => "`crate = \"::chatkit_runtime\"`".to_owned(),
                    _ => format!("`{key} = \"...\"`"),
                };
                format!("`{key}` needs a value\n\nhelp: write {example}")
            } else {
                unknown_key_message(&key)
            };
            cx.error(span, message);
            return Ok(());
        }
        let value: Expr = meta.value()?.parse()?;
        if !KEYS.contains(&key.as_str()) {
            cx.error(span, unknown_key_message(&key));
            return Ok(());
        }
        if !first_time(&mut seen, &key, span, cx) {
            return Ok(());
        }
        match (key.as_str(), literal(&value)) {
            ("name", Some(Lit::Str(s))) => attr.name = Some(s),
            ("description", Some(Lit::Str(s))) => attr.description = Some(s),
            ("title", Some(Lit::Str(s))) => attr.title = Some(s),
            ("crate", Some(Lit::Str(s))) => match s.parse::<syn::Path>() {
                Ok(path) => attr.krate = Some(quote!(#path)),
                Err(_) => cx.error(
                    s.span(),
                    "`crate` must be a path, such as `\"::chatkit_runtime\"`",
                ),
            },
            ("crate", Some(_)) => cx.push_spanned(
                &value,
                "`crate` must be a path, such as `\"::chatkit_runtime\"`",
            ),
            ("crate", None) => match value {
                Expr::Path(path) => attr.krate = Some(quote!(#path)),
                other => cx.push_spanned(
                    &other,
                    "`crate` must be a path, such as `\"::chatkit_runtime\"`",
                ),
            },
            ("strict", Some(Lit::Bool(b))) => attr.strict = Some(b),
            ("show_errors", Some(Lit::Bool(b))) => attr.show_errors = Some(b),
            (hint, Some(Lit::Bool(b))) if HINTS.contains(&hint) => {
                if let Some(slot) = attr.hint_mut(hint) {
                    *slot = Some(Hint {
                        value: b.value,
                        key: span,
                    });
                }
            }
            (
                "name" | "description" | "title",
                Some(Lit::Int(_) | Lit::Float(_) | Lit::Bool(_)),
            ) => {
                let text = value.to_token_stream();
                cx.push_spanned(
                    &value,
                    format!(
                        "`{key}` takes a string literal\n\nhelp: quote it: `{key} = \"{text}\"`"
                    ),
                );
            }
            ("name" | "description" | "title", _) => {
                cx.push_spanned(&value, format!("`{key}` takes a string literal"));
            }
            (_, Some(Lit::Str(s))) if s.value() == "true" || s.value() == "false" => {
                let unquoted = s.value();
                cx.push_spanned(
                    &value,
                    format!(
                        "`{key}` takes `true` or `false`, not a string\n\nhelp: remove the quotes: `{key} = {unquoted}`"
                    ),
                );
            }
            (hint, _) if HINTS.contains(&hint) => cx.push_spanned(
                &value,
                format!(
                    "`{key}` takes `true` or `false`\n\nhelp: write `{key}` alone for `{key} = true`"
                ),
            ),
            (_, _) => cx.push_spanned(&value, format!("`{key}` takes `true` or `false`")),
        }
        Ok(())
    });
    if let Err(err) = parser.parse2(args) {
        cx.push(err);
    }
    attr
}

/// Whether `key` is seen for the first time; reports it at `span` if not.
fn first_time(seen: &mut Vec<String>, key: &str, span: Span, cx: &mut Ctxt) -> bool {
    if seen.iter().any(|k| k == key) {
        cx.error(
            span,
            format!("duplicate `#[function_tool]` key `{key}`\n\nhelp: remove one of the two"),
        );
        return false;
    }
    seen.push(key.to_owned());
    true
}

fn unknown_key_message(key: &str) -> String {
    let near = mcp_hint_key(key).or_else(|| closest(key, KEYS.iter().copied()));
    let help = near.map_or_else(
        || {
            format!(
                "the keys are {}",
                KEYS.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        |near| format!("did you mean `{near}`?"),
    );
    format!("unknown `#[function_tool]` key `{key}`\n\nhelp: {help}")
}

/// The key for an MCP annotation written by its MCP name, such as
/// `readOnlyHint` or `read_only_hint`.
fn mcp_hint_key(key: &str) -> Option<&'static str> {
    let mut snake = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() && !snake.is_empty() && !snake.ends_with('_') {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    let stem = snake.strip_suffix("_hint")?;
    HINTS.iter().copied().find(|hint| *hint == stem)
}

fn literal(expr: &Expr) -> Option<Lit> {
    match expr {
        Expr::Lit(lit) => Some(lit.lit.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{mcp_hint_key, unknown_key_message};

    #[test]
    fn mcp_names_suggest_the_keys() {
        assert_eq!(mcp_hint_key("readOnlyHint"), Some("read_only"));
        assert_eq!(mcp_hint_key("open_world_hint"), Some("open_world"));
        assert_eq!(mcp_hint_key("destructiveHint"), Some("destructive"));
        assert_eq!(mcp_hint_key("read_only"), None);
        assert_eq!(mcp_hint_key("titleHint"), None);
        assert!(unknown_key_message("readonly").ends_with("did you mean `read_only`?"));
        assert!(unknown_key_message("idempotentHint").ends_with("did you mean `idempotent`?"));
    }
}
