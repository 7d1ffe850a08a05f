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
    /// Whether the type must be `Deserialize` and `JsonSchema` itself: false
    /// when `field_attrs` deserialize it or describe it another way (`with`,
    /// `deserialize_with`, `schema_with`, `skip`).
    pub(crate) checked: bool,
}

/// One argument of the call to the user's fn, in order.
pub(crate) enum CallArg {
    Context,
    Param(Ident),
}

/// How the fn's return value becomes a tool output.
#[allow(clippy::large_enum_variant)] // one per macro call
pub(crate) enum Returns {
    /// No return type: `()`.
    Unit,
    /// A type whose last path segment is `Result`: `Ok` and `Err` are split.
    /// `ok` and `err` are the written-out type arguments, if any (an alias
    /// such as `anyhow::Result<T>` has no `err`).
    Result {
        ok: Option<Type>,
        err: Option<Type>,
        ty: Type,
    },
    /// Any other type.
    Value(Type),
}

/// The tool's MCP annotations as given; `None` fields are left out.
pub(crate) struct Annotations {
    pub(crate) title: Option<String>,
    pub(crate) read_only: Option<bool>,
    pub(crate) destructive: Option<bool>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) open_world: Option<bool>,
}

pub(crate) struct ToolFn {
    /// The fn is a method or an associated fn (it takes `self` or names
    /// `Self`): it sits in an `impl` block, where the tool type cannot go.
    pub(crate) in_impl: bool,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) strict: bool,
    pub(crate) show_errors: Option<bool>,
    /// The MCP annotations, if any key of them is given.
    pub(crate) annotations: Option<Annotations>,
    /// The `C` of `&AgentContext<C>`, if the fn takes a context.
    pub(crate) context: Option<Type>,
    pub(crate) params: Vec<Param>,
    pub(crate) call: Vec<CallArg>,
    pub(crate) returns: Returns,
}

/// Map types, which make open objects that OpenAI's strict mode rejects.
const OPEN_MAPS: &[&str] = &["HashMap", "BTreeMap", "IndexMap"];

/// `serde_json` types that accept any JSON (`Value`) or any object (`Map`).
/// Only recognised with a `serde_json::` path: a user type may be called
/// `Value` or `Map` too.
const OPEN_JSON: &[&str] = &["Value", "Map"];

pub(crate) fn analyze(attr: &ToolAttr, item: &mut ItemFn, cx: &mut Ctxt) -> ToolFn {
    let sig = &item.sig;
    if let Some(constness) = &sig.constness {
        // `const async fn` does not exist: one error says both things.
        cx.error(
            constness.span,
            "a tool must be an `async fn`, not a `const fn`\n\nhelp: replace `const` with `async`",
        );
    } else if sig.asyncness.is_none() {
        cx.error(
            sig.fn_token.span,
            "`#[function_tool]` needs an `async fn`\n\nhelp: add `async`: `async fn`",
        );
    }
    if let syn::Safety::Unsafe(unsafety) = &sig.safety {
        cx.error(
            unsafety.span,
            "a tool cannot be an `unsafe fn`: the model calls it, and cannot uphold a safety contract\n\nhelp: remove `unsafe`",
        );
    }
    if let Some(abi) = &sig.abi {
        cx.push_spanned(
            abi,
            "a tool cannot have an `extern` ABI: it is called from Rust\n\nhelp: remove it",
        );
    }
    check_generics(&sig.generics, cx);
    let mut in_impl = sig.receiver().is_some();
    if !in_impl && let Some(self_type) = find_self_type(sig.to_token_stream()) {
        in_impl = true;
        cx.error(
            self_type.span(),
            "a tool cannot be an associated fn: `#[function_tool]` goes on a free `async fn`\n\nhelp: move the fn out of the `impl` block, and name the type instead of `Self`",
        );
    }
    if let Some(variadic) = &sig.variadic {
        cx.push_spanned(variadic, "a tool cannot be variadic");
    }

    let ident_name = sig.ident.to_string().trim_start_matches("r#").to_owned();
    let annotations = annotations(attr, &ident_name, cx);
    let name = attr.name.as_ref().map_or(ident_name, syn::LitStr::value);
    if let Some(problem) = tool_name_problem(&name) {
        let (span, help) = match &attr.name {
            Some(lit) => (
                lit.span(),
                match sanitized_tool_name(&name) {
                    Some(near) if near != name => format!("such as `name = \"{near}\"`"),
                    _ if name.len() > 64 => "shorten it to at most 64 characters".to_owned(),
                    _ => "choose a name of 1 to 64 ASCII letters, digits, `_` and `-`".to_owned(),
                },
            ),
            None => (
                sig.ident.span(),
                "name the tool with `#[function_tool(name = \"...\")]`".to_owned(),
            ),
        };
        cx.error(span, format!("{problem}\n\nhelp: {help}"));
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
                    "a tool cannot be a method: `#[function_tool]` goes on a free `async fn`\n\nhelp: move the fn out of the `impl` block, without `self`",
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
                    "a tool takes at most one `&AgentContext` parameter\n\nhelp: remove this one and use the first",
                );
            } else {
                context = Some(context_type);
            }
            call.push(CallArg::Context);
            continue;
        }
        let Some(ident) = param_ident(&pat_type.pat, &pat_type.ty, cx) else {
            continue;
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
            checked: !field_attrs.iter().any(overrides_type),
            field_attrs,
        });
    }

    let returns = match &item.sig.output {
        ReturnType::Default => Returns::Unit,
        ReturnType::Type(_, ty) => match result_types(ty) {
            Some((ok, err)) => Returns::Result {
                ok,
                err,
                ty: (**ty).clone(),
            },
            None => Returns::Value((**ty).clone()),
        },
    };

    ToolFn {
        in_impl,
        name,
        description,
        strict,
        show_errors: attr.show_errors.as_ref().map(|b| b.value),
        annotations,
        context,
        params,
        call,
        returns,
    }
}

/// The MCP annotations of `attr`, if it gives any. An empty `title`, and a
/// read-only tool marked destructive, are refused.
fn annotations(attr: &ToolAttr, fn_name: &str, cx: &mut Ctxt) -> Option<Annotations> {
    if let Some(title) = &attr.title
        && title.value().trim().is_empty()
    {
        cx.error(
            title.span(),
            format!(
                "the tool title is empty: MCP clients show it in place of the tool's name\n\nhelp: give a title, such as `title = \"{}\"`, or remove `title`",
                humanize(fn_name)
            ),
        );
    }
    if let (Some(read_only), Some(destructive)) = (attr.read_only, attr.destructive)
        && read_only.value
        && destructive.value
    {
        cx.error(
            destructive.key,
            "a read-only tool cannot be destructive: MCP clients only read `destructiveHint` when `readOnlyHint` is false\n\nhelp: remove `destructive`, or `read_only` if the tool changes anything",
        );
    }
    let hints = [
        attr.read_only,
        attr.destructive,
        attr.idempotent,
        attr.open_world,
    ];
    if attr.title.is_none() && hints.iter().all(Option::is_none) {
        return None;
    }
    let [read_only, destructive, idempotent, open_world] = hints.map(|h| h.map(|h| h.value));
    Some(Annotations {
        title: attr.title.as_ref().map(syn::LitStr::value),
        read_only,
        destructive,
        idempotent,
        open_world,
    })
}

/// `list_tasks` as `List tasks`, for an example title.
fn humanize(fn_name: &str) -> String {
    let words = fn_name
        .split('_')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "My tool".to_owned(),
    }
}

/// Generics of any kind, and `where` clauses, are refused; each kind says
/// why.
fn check_generics(generics: &syn::Generics, cx: &mut Ctxt) {
    if !generics.params.is_empty() {
        let lifetimes_only = generics
            .params
            .iter()
            .all(|param| matches!(param, syn::GenericParam::Lifetime(_)));
        let message = if lifetimes_only {
            "a tool cannot have lifetime parameters: it owns its arguments, which are parsed from the model's JSON\n\nhelp: remove them, and take owned types such as `String`"
        } else {
            "a tool cannot be generic: its parameter types must be known to build its schema\n\nhelp: remove the generic parameters and use concrete types"
        };
        cx.push_spanned(&generics.params, message);
    }
    if let Some(where_clause) = &generics.where_clause {
        cx.push_spanned(
            where_clause,
            "a tool cannot have a `where` clause: its types are concrete\n\nhelp: remove it",
        );
    }
}

/// What makes `name` a tool name OpenAI rejects (it accepts 1 to 64 of
/// `[A-Za-z0-9_-]`), if anything.
fn tool_name_problem(name: &str) -> Option<String> {
    let is_valid_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if name.is_empty() {
        Some(
            "the tool name is empty: OpenAI accepts 1 to 64 ASCII letters, digits, `_` and `-`"
                .to_owned(),
        )
    } else if !name.chars().all(is_valid_char) {
        Some(format!(
            "`{name}` is not a valid tool name: OpenAI accepts only ASCII letters, digits, `_` and `-`"
        ))
    } else if name.len() > 64 {
        Some(format!(
            "the tool name `{name}` is {} characters long: OpenAI accepts at most 64",
            name.len()
        ))
    } else {
        None
    }
}

/// `name` with each run of characters OpenAI rejects turned into one `_`,
/// when that leaves a valid name.
fn sanitized_tool_name(name: &str) -> Option<String> {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_owned();
    tool_name_problem(&out).is_none().then_some(out)
}

/// The name of a parameter: a plain binding (`mut` is fine). Anything else
/// is reported, with a fix for its kind.
fn param_ident(pat: &Pat, ty: &Type, cx: &mut Ctxt) -> Option<Ident> {
    let ty = pretty(ty);
    let message = match pat {
        Pat::Ident(pat) if pat.subpat.is_some() => {
            "a tool parameter cannot have a `@` pattern: the name is the argument's key in the schema\n\nhelp: bind a plain name, and match on it in the body".to_owned()
        }
        Pat::Ident(pat) if pat.by_ref.is_some() => {
            "a tool parameter cannot bind by `ref`: the tool owns its arguments\n\nhelp: remove `ref`".to_owned()
        }
        Pat::Ident(pat) => return Some(pat.ident.clone()),
        Pat::Wild(_) => format!(
            "a tool parameter needs a name: the name is the argument's key in the schema\n\nhelp: name it, such as `value: {ty}`"
        ),
        _ => format!(
            "a tool parameter must be a plain name, not a pattern: the name is the argument's key in the schema\n\nhelp: name it, such as `value: {ty}`, and destructure it in the body"
        ),
    };
    cx.push_spanned(pat, message);
    None
}

/// Whether a parameter's `#[serde]`/`#[schemars]` attribute takes over how
/// its type is deserialized or described, so that the type needs neither
/// `Deserialize` nor `JsonSchema` itself. Unreadable attributes count too:
/// the derives report those.
fn overrides_type(attr: &Attribute) -> bool {
    const OVERRIDES: &[&str] = &[
        "with",
        "deserialize_with",
        "schema_with",
        "skip",
        "skip_deserializing",
    ];
    let mut overrides = false;
    let parsed = attr.parse_nested_meta(|meta| {
        if OVERRIDES.iter().any(|key| meta.path.is_ident(key)) {
            overrides = true;
        }
        // Skip the value, whatever it is: `= "..."`, `(...)` or nothing.
        while !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
            meta.input.parse::<proc_macro2::TokenTree>()?;
        }
        Ok(())
    });
    overrides || parsed.is_err()
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

/// The `T` and `E` of a `Result<T, E>`-like return type (any path ending in
/// `Result`, such as `anyhow::Result<T>`), each `None` when not written out.
#[allow(clippy::type_complexity)]
fn result_types(ty: &Type) -> Option<(Option<Type>, Option<Type>)> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let mut types = match &last.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
    .into_iter();
    Some((types.next(), types.next()))
}

/// Types a tool parameter cannot have: borrowed, `impl Trait`, the context
/// by value, and (in strict mode) open maps.
fn check_param_type(ty: &Type, strict: bool, cx: &mut Ctxt) {
    match ty {
        Type::Reference(reference) => {
            let owned = match &*reference.elem {
                Type::Path(path) if path.path.is_ident("str") => "String".to_owned(),
                Type::Slice(slice) => format!("Vec<{}>", pretty(&slice.elem)),
                other => pretty(other),
            };
            cx.push_spanned(
                ty,
                format!(
                    "a tool parameter must be an owned type: it is deserialized from the model's arguments\n\nhelp: take `{owned}`"
                ),
            );
        }
        Type::ImplTrait(_) => cx.push_spanned(
            ty,
            "a tool parameter cannot be `impl Trait`: its type must be known to build the schema\n\nhelp: use a concrete type",
        ),
        Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "AgentContext") => {
            cx.push_spanned(
                ty,
                format!(
                    "a tool takes the context by reference\n\nhelp: take `&{}`",
                    pretty(ty)
                ),
            );
        }
        _ => {
            if strict && let Some((open, path)) = find_open_type(ty) {
                let what = if open == "Value" {
                    "accepts any JSON value"
                } else {
                    "makes an open object"
                };
                cx.push_spanned(
                    ty,
                    format!(
                        "`{path}` {what}, which OpenAI's strict mode rejects\n\nhelp: use a struct (or a `Vec` of key-value structs), or opt out with `#[function_tool(strict = false)]`"
                    ),
                );
            }
            if contains_impl_trait(ty) {
                cx.push_spanned(
                    ty,
                    "a tool parameter cannot contain `impl Trait`: its type must be known to build the schema\n\nhelp: use a concrete type",
                );
            }
        }
    }
}

/// The first open type named anywhere in `ty` (`Option<HashMap<..>>` too):
/// its name and the path as written, without generic arguments.
fn find_open_type(ty: &Type) -> Option<(String, String)> {
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
    let name = last.ident.to_string();
    let in_serde_json = path.path.segments.iter().any(|s| s.ident == "serde_json");
    if OPEN_MAPS.contains(&name.as_str()) || (in_serde_json && OPEN_JSON.contains(&name.as_str())) {
        let written = crate::common::path_to_string(&path.path);
        return Some((name, written));
    }
    match &last.arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            GenericArgument::Type(ty) => find_open_type(ty),
            _ => None,
        }),
        _ => None,
    }
}

/// The first `Self` in `tokens`.
fn find_self_type(tokens: proc_macro2::TokenStream) -> Option<Ident> {
    tokens.into_iter().find_map(|tt| match tt {
        proc_macro2::TokenTree::Ident(ident) if ident == "Self" => Some(ident),
        proc_macro2::TokenTree::Group(group) => find_self_type(group.stream()),
        _ => None,
    })
}

/// A type as a person writes it (`Vec<u8>`, not `Vec < u8 >`), for help text.
fn pretty(ty: &impl quote::ToTokens) -> String {
    let text = ty.to_token_stream().to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let prev = out.chars().last();
            let next = chars.peek().copied();
            let glue_before = matches!(prev, Some('<' | '&' | '(' | '[' | ':'));
            let glue_after = matches!(next, Some('<' | '>' | ',' | ')' | ']' | ':' | ';'));
            if glue_before || glue_after {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn contains_impl_trait(ty: &Type) -> bool {
    ty.to_token_stream()
        .into_iter()
        .any(|tt| matches!(tt, proc_macro2::TokenTree::Ident(ident) if ident == "impl"))
}
