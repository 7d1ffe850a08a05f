//! `#[function_tool(name = "...", description = "...", strict = false, show_errors = true, crate = "...")]`

use proc_macro2::{Span, TokenStream};
use quote::quote;
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
        let key = meta
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::");
        let span = meta
            .path
            .segments
            .first()
            .map_or_else(Span::call_site, |s| s.ident.span());
        let value: Expr = meta.value()?.parse()?;
        if !KEYS.contains(&key.as_str()) {
            let help = closest(&key, KEYS.iter().copied()).map_or_else(
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
            cx.error(
                span,
                format!("unknown `#[function_tool]` key `{key}`\n\nhelp: {help}"),
            );
            return Ok(());
        }
        if seen.contains(&key) {
            cx.error(span, format!("duplicate `#[function_tool]` key `{key}`"));
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
            ("crate", None) => match value {
                Expr::Path(path) => attr.krate = Some(quote!(#path)),
                other => cx.push_spanned(
                    &other,
                    "`crate` must be a path, such as `\"::chatkit_runtime\"`",
                ),
            },
            ("strict", Some(Lit::Bool(b))) => attr.strict = Some(b),
            ("show_errors", Some(Lit::Bool(b))) => attr.show_errors = Some(b),
            ("name" | "description", _) => {
                cx.push_spanned(&value, format!("`{key}` takes a string literal"))
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

fn literal(expr: &Expr) -> Option<Lit> {
    match expr {
        Expr::Lit(lit) => Some(lit.lit.clone()),
        _ => None,
    }
}
