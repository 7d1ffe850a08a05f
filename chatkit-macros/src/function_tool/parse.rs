//! The tool as read from the user's fn: its name, description, context
//! parameter, model-visible parameters and return type. Every rule is
//! checked here, and every violation is collected.

use quote::ToTokens as _;
use syn::{Attribute, FnArg, GenericArgument, Ident, ItemFn, Pat, PathArguments, ReturnType, Type};

use super::attr::ToolAttr;
use super::docs;
use crate::common::ctxt::Ctxt;

/// A parameter the model fills in.
pub(crate) struct Param {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    /// The field's doc: the parameter's own doc comment, or its `# Arguments` entry.
    pub(crate) doc: Option<String>,
    /// `#[serde(...)]` and `#[schemars(...)]`, moved onto the args field.
    pub(crate) field_attrs: Vec<Attribute>,
}

/// One argument of the call to the user's fn, in order.
pub(crate) enum CallArg {
    Context,
    Param(Ident),
}

/// How the fn's return value becomes a tool output.
pub(crate) enum Returns {
    /// No return type: `()`.
    Unit,
    /// A type whose last path segment is `Result`: `Ok` and `Err` are split.
    Result { ok: Option<Type>, ty: Type },
    /// Any other type.
    Value(Type),
}

pub(crate) struct ToolFn {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) strict: bool,
    pub(crate) show_errors: Option<bool>,
    /// The `C` of `&AgentContext<C>`, if the fn takes a context.
    pub(crate) context: Option<Type>,
    pub(crate) params: Vec<Param>,
    pub(crate) call: Vec<CallArg>,
    pub(crate) returns: Returns,
}

/// Types that produce open objects, which OpenAI's strict mode rejects.
const OPEN_TYPES: &[&str] = &["HashMap", "BTreeMap", "IndexMap", "Value", "Map"];

pub(crate) fn analyze(attr: &ToolAttr, item: &mut ItemFn, cx: &mut Ctxt) -> ToolFn {
    let sig = &item.sig;
    if sig.asyncness.is_none() {
        cx.error(
            sig.fn_token.span,
            "`#[function_tool]` needs an `async fn`\n\nhelp: add `async`: `async fn`",
        );
    }
    if let syn::Safety::Unsafe(unsafety) = &sig.safety {
        cx.error(unsafety.span, "a tool cannot be an `unsafe fn`");
    }
    if let Some(constness) = &sig.constness {
        cx.error(constness.span, "a tool cannot be a `const fn`");
    }
    if let Some(abi) = &sig.abi {
        cx.push_spanned(abi, "a tool cannot have an `extern` ABI");
    }
    if !sig.generics.params.is_empty() {
        cx.push_spanned(
            &sig.generics.params,
            "a tool cannot be generic: its parameter types must be known to build its schema",
        );
    }
    if let Some(where_clause) = &sig.generics.where_clause {
        cx.push_spanned(where_clause, "a tool cannot have a `where` clause");
    }
    if let Some(variadic) = &sig.variadic {
        cx.push_spanned(variadic, "a tool cannot be variadic");
    }

    let ident_name = sig.ident.to_string().trim_start_matches("r#").to_owned();
    let name = attr.name.as_ref().map_or(ident_name, syn::LitStr::value);
    if !is_valid_tool_name(&name) {
        let span = attr
            .name
            .as_ref()
            .map_or(sig.ident.span(), syn::LitStr::span);
        cx.error(
            span,
            format!(
                "`{name}` is not a valid tool name: OpenAI accepts 1 to 64 ASCII letters, digits, `_` and `-`\n\nhelp: set another with `#[function_tool(name = \"...\")]`"
            ),
        );
    }
    let strict = attr.strict.as_ref().is_none_or(|b| b.value);

    let fn_docs = docs::fn_docs(&docs::doc_lines(&item.attrs));
    let description = attr
        .description
        .as_ref()
        .map_or(fn_docs.description, syn::LitStr::value);

    let mut context: Option<Type> = None;
    let mut params = Vec::new();
    let mut call = Vec::new();
    for input in &mut item.sig.inputs {
        let pat_type = match input {
            FnArg::Receiver(receiver) => {
                cx.push_spanned(
                    &*receiver,
                    "a tool cannot take `self`; write it as a free `async fn`",
                );
                continue;
            }
            FnArg::Typed(pat_type) => pat_type,
        };
        let (own_docs, field_attrs, kept) = split_param_attrs(std::mem::take(&mut pat_type.attrs));
        pat_type.attrs = kept;
        if let Some(context_type) = context_type(&pat_type.ty) {
            if context.is_some() {
                cx.push_spanned(
                    &pat_type.ty,
                    "a tool takes at most one `&AgentContext` parameter",
                );
            }
            context = Some(context_type);
            call.push(CallArg::Context);
            continue;
        }
        let ident = match &*pat_type.pat {
            Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => pat.ident.clone(),
            other => {
                cx.push_spanned(
                    other,
                    "a tool parameter must be a plain name: the name is the argument's key in the schema",
                );
                continue;
            }
        };
        check_param_type(&pat_type.ty, strict, cx);
        let doc_lines = docs::doc_lines(&own_docs);
        let doc = if doc_lines.is_empty() {
            let key = ident.to_string().trim_start_matches("r#").to_owned();
            fn_docs
                .arguments
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, text)| text.clone())
        } else {
            let lines: Vec<&str> = doc_lines.iter().map(String::as_str).collect();
            Some(docs::join_paragraphs(&lines))
        };
        call.push(CallArg::Param(ident.clone()));
        params.push(Param {
            ident,
            ty: (*pat_type.ty).clone(),
            doc,
            field_attrs,
        });
    }

    let returns = match &item.sig.output {
        ReturnType::Default => Returns::Unit,
        ReturnType::Type(_, ty) => match result_ok_type(ty) {
            Some(ok) => Returns::Result {
                ok,
                ty: (**ty).clone(),
            },
            None => Returns::Value((**ty).clone()),
        },
    };

    ToolFn {
        name,
        description,
        strict,
        show_errors: attr.show_errors.as_ref().map(|b| b.value),
        context,
        params,
        call,
        returns,
    }
}

fn is_valid_tool_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Splits a parameter's attributes into its doc comment, the attributes that
/// belong on the args field (`serde`, `schemars`), and the rest (lints, `cfg`),
/// which stay on the fn.
fn split_param_attrs(attrs: Vec<Attribute>) -> (Vec<Attribute>, Vec<Attribute>, Vec<Attribute>) {
    let mut docs = Vec::new();
    let mut field = Vec::new();
    let mut kept = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("doc") {
            docs.push(attr);
        } else if attr.path().is_ident("serde") || attr.path().is_ident("schemars") {
            field.push(attr);
        } else {
            kept.push(attr);
        }
    }
    (docs, field, kept)
}

/// `&AgentContext` or `&AgentContext<C>` → `C` (`()` when omitted).
fn context_type(ty: &Type) -> Option<Type> {
    let Type::Reference(reference) = ty else {
        return None;
    };
    let Type::Path(path) = &*reference.elem else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "AgentContext" {
        return None;
    }
    match &last.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty.clone()),
            _ => None,
        }),
        _ => Some(syn::parse_quote!(())),
    }
}

/// The `T` of a `Result<T, E>`-like return type (any path ending in `Result`,
/// such as `anyhow::Result<T>`); `Some(None)` when `T` is not written out.
fn result_ok_type(ty: &Type) -> Option<Option<Type>> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    Some(match &last.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty.clone()),
            _ => None,
        }),
        _ => None,
    })
}

/// Types a tool parameter cannot have: borrowed, `impl Trait`, the context
/// by value, and (in strict mode) open maps.
fn check_param_type(ty: &Type, strict: bool, cx: &mut Ctxt) {
    match ty {
        Type::Reference(_) => cx.push_spanned(
            ty,
            "a tool parameter must be an owned type: it is deserialized from the model's arguments\n\nhelp: use `String` for `&str`, `Vec<T>` for `&[T]`",
        ),
        Type::ImplTrait(_) => cx.push_spanned(
            ty,
            "a tool parameter cannot be `impl Trait`: its type must be known to build the schema",
        ),
        Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "AgentContext") => {
            cx.push_spanned(ty, "take the context by reference: `&AgentContext`");
        }
        _ => {
            if strict {
                if let Some(open) = find_open_type(ty) {
                    cx.push_spanned(
                        ty,
                        format!(
                            "`{open}` makes an open object, which OpenAI's strict mode rejects\n\nhelp: use a struct (or a `Vec` of key-value structs), or opt out with `#[function_tool(strict = false)]`"
                        ),
                    );
                }
            }
            if contains_impl_trait(ty) {
                cx.push_spanned(ty, "a tool parameter cannot contain `impl Trait`");
            }
        }
    }
}

/// The first open-map type named anywhere in `ty` (`Option<HashMap<..>>` too).
fn find_open_type(ty: &Type) -> Option<String> {
    let Type::Path(path) = ty else {
        return match ty {
            Type::Array(array) => find_open_type(&array.elem),
            Type::Slice(slice) => find_open_type(&slice.elem),
            Type::Tuple(tuple) => tuple.elems.iter().find_map(find_open_type),
            Type::Paren(paren) => find_open_type(&paren.elem),
            Type::Group(group) => find_open_type(&group.elem),
            _ => None,
        };
    };
    let last = path.path.segments.last()?;
    if OPEN_TYPES.contains(&last.ident.to_string().as_str()) {
        return Some(last.ident.to_string());
    }
    match &last.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            GenericArgument::Type(ty) => find_open_type(ty),
            _ => None,
        }),
        _ => None,
    }
}

fn contains_impl_trait(ty: &Type) -> bool {
    ty.to_token_stream()
        .into_iter()
        .any(|tt| matches!(tt, proc_macro2::TokenTree::Ident(ident) if ident == "impl"))
}
