//! `#[function_tool(name = "...", description = "...", strict = false, show_errors = true, crate = "...")]`

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens as _, quote};
use syn::parse::Parser as _;
use syn::{Expr, Lit, LitBool, LitStr};

use crate::common::ctxt::Ctxt;
use crate::common::suggest::closest;

const KEYS: &[&str] = &["name", "description", "strict", "show_errors", "crate"];

/// The attribute's arguments; absent keys keep their defaults.
#[derive(Default)]
pub(crate) struct ToolAttr {
    pub(crate) name: Option<LitStr>,
    pub(crate) description: Option<LitStr>,
    pub(crate) strict: Option<LitBool>,
    pub(crate) show_errors: Option<LitBool>,
    pub(crate) krate: Option<TokenStream>,
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
            // `strict`, `name(...)`: report the key, then skip to the next one.
            while !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                meta.input.parse::<proc_macro2::TokenTree>()?;
            }
            let example = match key.as_str() {
                "strict" | "show_errors" => format!("`{key} = true` or `{key} = false`"),
                "crate" => "`crate = \"::chatkit_runtime\"`".to_owned(),
                _ => format!("`{key} = \"...\"`"),
            };
            let message = if KEYS.contains(&key.as_str()) {
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
        if seen.contains(&key) {
            cx.error(
                span,
                format!("duplicate `#[function_tool]` key `{key}`\n\nhelp: remove one of the two"),
            );
            return Ok(());
        }
        seen.push(key.clone());
        match (key.as_str(), literal(&value)) {
            ("name", Some(Lit::Str(s))) => attr.name = Some(s),
            ("description", Some(Lit::Str(s))) => attr.description = Some(s),
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
            ("name" | "description", Some(Lit::Int(_) | Lit::Float(_) | Lit::Bool(_))) => {
                let text = value.to_token_stream();
                cx.push_spanned(
                    &value,
                    format!(
                        "`{key}` takes a string literal\n\nhelp: quote it: `{key} = \"{text}\"`"
                    ),
                );
            }
            ("name" | "description", _) => {
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
            (_, _) => cx.push_spanned(&value, format!("`{key}` takes `true` or `false`")),
        }
        Ok(())
    });
    if let Err(err) = parser.parse2(args) {
        cx.push(err);
    }
    attr
}

fn unknown_key_message(key: &str) -> String {
    let help = closest(key, KEYS.iter().copied()).map_or_else(
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

fn literal(expr: &Expr) -> Option<Lit> {
    match expr {
        Expr::Lit(lit) => Some(lit.lit.clone()),
        _ => None,
    }
}
