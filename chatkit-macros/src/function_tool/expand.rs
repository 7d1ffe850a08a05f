//! Code generation for a validated tool: the user's fn (unchanged but for
//! the parameter docs, which rustc rejects), a type named like the fn that
//! implements `Tool`, and an args struct for the schema and the parsing.
//!
//! What rustc checks in the expansion is spanned at the user's tokens, and
//! checked once:
//!
//! - each parameter type by an explicit `assert_parameter::<T>()`, whose
//!   `#[diagnostic::on_unimplemented]` says what to derive. The derives on
//!   the args struct only hold where every parameter type does (their
//!   bounds are higher-ranked, so rustc accepts them when they are false),
//!   and the `Tool` impl reaches them by autoref dispatch, which falls back
//!   to a stub instead of failing: a missing derive is one error, not five.
//! - the return type by `<T as IntoToolOutput>`, and a `Result`'s error type
//!   by `<E as Display>::fmt`, both written with the user's type.
//! - `Send` on the fn's future at the fn's name, where rustc's notes show
//!   the value held across an `.await`.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens as _, format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Ident, ItemFn, LitStr, Type};

use super::parse::{Annotations, CallArg, Returns, ToolFn};

fn ctx_ident() -> Ident {
    Ident::new("__chatkit_ctx", Span::mixed_site())
}

fn output_ident() -> Ident {
    Ident::new("__chatkit_output", Span::mixed_site())
}

pub(crate) fn tool(item: &ItemFn, tool: &ToolFn, krate: &TokenStream) -> TokenStream {
    let fn_ident = &item.sig.ident;
    let vis = &item.vis;
    let name = &tool.name;
    let description = &tool.description;
    let strict = tool.strict;
    let struct_doc = format!(" The `{name}` tool. Give it to an agent with `{fn_ident}::tool()`.");
    let krate_path = krate.to_string().replace(' ', "");

    // The args struct. Its lifetime only gives schemars generics to hang the
    // `bound` on; the derives' bounds name each checked type by an alias,
    // so that no type is turned into a string.
    let args = format_ident!("__ChatkitArgs", span = Span::mixed_site());
    let lifetime = syn::Lifetime::new("'__chatkit", Span::call_site());
    let marker = Ident::new("__chatkit_marker", Span::mixed_site());
    let fields = tool.params.iter().map(|param| {
        let ident = &param.ident;
        let ty = &param.ty;
        let attrs = &param.field_attrs;
        let doc = param.doc.as_ref().map(|doc| quote!(#[doc = #doc]));
        quote!(#doc #(#attrs)* #ident: #ty,)
    });
    let checked: Vec<(Ident, &Type)> = tool
        .params
        .iter()
        .filter(|param| param.checked)
        .enumerate()
        .map(|(i, param)| {
            (
                format_ident!("__ChatkitParam{}", i, span = Span::call_site()),
                &param.ty,
            )
        })
        .collect();
    let aliases = checked.iter().map(|(alias, ty)| quote!(type #alias = #ty;));
    // `<Alias as Same>::Type` rather than the type itself: a type that does
    // not resolve is then reported once, by the alias, as rustc dedups it
    // with the fn's own error (a path in an expression would come with a
    // different suggestion). `<` and `Type` take the type's first and last
    // tokens' places, so the whole type is underlined.
    let same = Ident::new("__ChatkitSame", Span::mixed_site());
    let assertions = checked.iter().map(|(alias, ty)| {
        let (first, last) = first_and_last_span(ty);
        let krate = respan(krate, first);
        let lt = quote_spanned!(first=> <);
        let assoc = Ident::new("Type", last);
        quote_spanned! {first=>
            const _: () = #krate::__private::assert_parameter::<#lt #alias as #same>::#assoc>();
        }
    });
    let same_trait = (!checked.is_empty()).then(|| {
        quote! {
            trait #same {
                type Type: ?::core::marker::Sized;
            }

            impl<T: ?::core::marker::Sized> #same for T {
                type Type = T;
            }
        }
    });
    let bound = checked
        .iter()
        .map(|(alias, _)| {
            format!("for<'__chatkit_bound> {alias}: {krate_path}::__private::ToolParameter")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let bound = LitStr::new(&bound, Span::call_site());
    let serde_path = format!("{krate_path}::__private::serde");
    let schemars_path = format!("{krate_path}::__private::schemars");

    let field_idents: Vec<&Ident> = tool.params.iter().map(|p| &p.ident).collect();
    let ctx = ctx_ident();
    let call_args = tool.call.iter().map(|arg| match arg {
        CallArg::Context => quote!(#ctx),
        CallArg::Param(ident) => quote!(#ident),
    });
    let output = output_ident();
    let convert = match &tool.returns {
        Returns::Unit => quote!(#krate::__private::IntoToolOutput::into_tool_output(#output)),
        Returns::Value(ty) => into_tool_output(Some(ty), ty, &output, krate),
        Returns::Result { ok, err, ty } => {
            let value = Ident::new("__chatkit_value", Span::mixed_site());
            let error = Ident::new("__chatkit_error", Span::mixed_site());
            let ok_conversion = into_tool_output(ok.as_ref(), ty, &value, krate);
            let err_conversion = failed(err.as_ref(), ty, &error, krate);
            quote! {
                match #output {
                    ::core::result::Result::Ok(#value) => #ok_conversion,
                    ::core::result::Result::Err(#error) => #err_conversion,
                }
            }
        }
    };
    let (impl_generics, context_ty) = impl_context(tool);
    let visibility = match tool.show_errors {
        Some(true) => quote!(::core::option::Option::Some(#krate::tool::ErrorVisibility::Shown)),
        Some(false) => {
            quote!(::core::option::Option::Some(#krate::tool::ErrorVisibility::Redacted))
        }
        None => quote!(::core::option::Option::None),
    };
    let annotations = tool
        .annotations
        .as_ref()
        .map(|annotations| annotations_fn(annotations, krate));
    let schema_cache = Ident::new("__CHATKIT_SCHEMA", Span::mixed_site());
    let arguments = Ident::new("__chatkit_arguments", Span::mixed_site());
    let dialect = Ident::new("__chatkit_dialect", Span::mixed_site());
    let cache = Ident::new("__chatkit_cache", Span::mixed_site());
    let probe = Ident::new("__ChatkitProbe", Span::mixed_site());
    let valid = Ident::new("__ChatkitArgsHold", Span::mixed_site());
    let invalid = Ident::new("__ChatkitArgsFail", Span::mixed_site());
    let call = quote_spanned!(fn_ident.span()=> #fn_ident(#(#call_args),*).await);

    let body = quote! {
        let #args { #(#field_idents,)* .. } =
            match (&#probe).__chatkit_parse(&#schema_cache, #arguments) {
                ::core::result::Result::Ok(args) => args,
                ::core::result::Result::Err(output) => return output,
            };
        #krate::__private::catch_panic(async move {
            let #output = #call;
            #convert
        })
        .await
    };
    // Spanned at the fn's name: a future that is not `Send` is reported
    // there, with rustc's notes pointing into the fn's body.
    let boxed = {
        let span = fn_ident.span();
        quote_spanned!(span=> ::std::boxed::Box::pin(async move { #body }))
    };
    let args_trait_sig = quote! {
        fn __chatkit_schema(
            &self,
            #cache: &#krate::__private::SchemaCache,
            #dialect: #krate::tool::SchemaDialect,
        ) -> ::core::result::Result<#krate::__private::serde_json::Value, #krate::tool::SchemaError>
    };
    let args_trait_parse = quote! {
        fn __chatkit_parse(
            &self,
            #cache: &#krate::__private::SchemaCache,
            #arguments: &str,
        ) -> ::core::result::Result<#args<'static>, #krate::tool::ToolOutput>
    };

    quote! {
        #item

        #[doc = #struct_doc]
        #[allow(non_camel_case_types)]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug, ::core::default::Default)]
        #vis struct #fn_ident {
            _private: (),
        }

        impl #fn_ident {
            /// The tool, ready to give to an agent.
            #[allow(dead_code)]
            #vis const fn tool() -> Self {
                Self { _private: () }
            }
        }

        #[doc(hidden)]
        #[allow(
            non_camel_case_types,
            dead_code,
            unused_imports,
            unused_qualifications,
            clippy::all
        )]
        const _: () = {
            // serde_json's `json!`, in schemars' derive, calls `.into()`:
            // this keeps a `#[no_implicit_prelude]` module working.
            use ::core::convert::Into as _;

            #(#aliases)*
            #same_trait
            #(#assertions)*

            #[derive(#krate::__private::serde::Deserialize, #krate::__private::schemars::JsonSchema)]
            #[serde(crate = #serde_path, deny_unknown_fields, bound(deserialize = #bound))]
            #[schemars(crate = #schemars_path, bound = #bound)]
            struct #args<#lifetime> {
                #(#fields)*
                #[serde(skip)]
                #marker: ::core::marker::PhantomData<&#lifetime ()>,
            }

            static #schema_cache: #krate::__private::SchemaCache = #krate::__private::SchemaCache::new();

            // Autoref dispatch: `(&#probe).method()` takes the impl on
            // `#probe` when the args derive and the fallback on `&#probe`
            // when they do not, which the assertions above already report.
            struct #probe;

            trait #valid {
                #args_trait_sig;
                #args_trait_parse;
            }

            impl #valid for #probe
            where
                for<'__chatkit_bound> #args<'__chatkit_bound>:
                    #krate::__private::serde::de::DeserializeOwned + #krate::__private::schemars::JsonSchema,
            {
                #args_trait_sig {
                    #cache.get::<#args<'static>>(#dialect, #strict)
                }

                #args_trait_parse {
                    #cache.parse::<#args<'static>>(#name, #strict, #arguments)
                }
            }

            trait #invalid {
                #args_trait_sig {
                    ::core::unreachable!()
                }

                #args_trait_parse {
                    ::core::unreachable!()
                }
            }

            impl #invalid for &#probe {}

            #[automatically_derived]
            impl #impl_generics #krate::tool::Tool<#context_ty> for #fn_ident {
                fn name(&self) -> &str {
                    #name
                }

                fn description(&self) -> &str {
                    #description
                }

                fn strict(&self) -> bool {
                    #strict
                }

                fn parameters(
                    &self,
                    #dialect: #krate::tool::SchemaDialect,
                ) -> ::core::result::Result<#krate::__private::serde_json::Value, #krate::tool::SchemaError> {
                    (&#probe).__chatkit_schema(&#schema_cache, #dialect)
                }

                fn error_visibility(&self) -> ::core::option::Option<#krate::tool::ErrorVisibility> {
                    #visibility
                }

                #annotations

                fn call<'a>(
                    &'a self,
                    #ctx: &'a #krate::AgentContext<#context_ty>,
                    #arguments: &'a str,
                ) -> #krate::__private::BoxFuture<'a, #krate::tool::ToolOutput> {
                    #boxed
                }
            }
        };
    }
}

/// `Tool::annotations`, returning the keys given; the others stay `None`.
fn annotations_fn(annotations: &Annotations, krate: &TokenStream) -> TokenStream {
    let some = |value: TokenStream| quote!(::core::option::Option::Some(#value));
    let title = annotations.title.as_ref().map(|title| {
        let title = some(quote!(::std::borrow::ToOwned::to_owned(#title)));
        quote!(title: #title,)
    });
    let hints = [
        ("read_only", annotations.read_only),
        ("destructive", annotations.destructive),
        ("idempotent", annotations.idempotent),
        ("open_world", annotations.open_world),
    ]
    .into_iter()
    .filter_map(|(field, value)| {
        let value = value?;
        let field = Ident::new(field, Span::call_site());
        let value = some(quote!(#value));
        Some(quote!(#field: #value,))
    });
    quote! {
        fn annotations(&self) -> #krate::tool::ToolAnnotations {
            #krate::tool::ToolAnnotations {
                #title
                #(#hints)*
                ..::core::default::Default::default()
            }
        }
    }
}

/// The `Tool` impl's generics and context type: the fn's `C`, or any `C`
/// for a fn without a context.
fn impl_context(tool: &ToolFn) -> (TokenStream, TokenStream) {
    match &tool.context {
        Some(ty) => (quote!(), quote!(#ty)),
        None => {
            let c = Ident::new("__ChatkitContext", Span::mixed_site());
            (
                quote!(<#c: ::core::marker::Send + ::core::marker::Sync + 'static>),
                quote!(#c),
            )
        }
    }
}

/// `value` as a tool output. With its type written out, the conversion
/// names it, so that a type that is not a tool output is reported there.
fn into_tool_output(
    ty: Option<&Type>,
    whole: &Type,
    value: &Ident,
    krate: &TokenStream,
) -> TokenStream {
    match ty {
        Some(ty) if !contains_impl_trait(ty) => {
            let span = ty.span();
            let krate = respan(krate, span);
            quote_spanned! {span=>
                <#ty as #krate::__private::IntoToolOutput>::into_tool_output(#value)
            }
        }
        _ => {
            let span = whole.span();
            let krate = respan(krate, span);
            quote_spanned! {span=>
                #krate::__private::IntoToolOutput::into_tool_output(#value)
            }
        }
    }
}

/// `error` as a failed tool output. With the error type written out, its
/// `Display` is required through `<E as Display>::fmt`, reported at `E` (by
/// rustc's own "doesn't implement `Display`"), and only there.
fn failed(err: Option<&Type>, whole: &Type, error: &Ident, krate: &TokenStream) -> TokenStream {
    match err {
        Some(err) if !contains_impl_trait(err) => {
            let span = err.span();
            let krate = respan(krate, span);
            let display = Ident::new("__chatkit_display", Span::mixed_site());
            let f = Ident::new("__chatkit_f", Span::mixed_site());
            quote_spanned! {span=>
                {
                    let #display = <#err as ::core::fmt::Display>::fmt;
                    #krate::__private::failed(::core::fmt::from_fn(move |#f| #display(&#error, #f)))
                }
            }
        }
        _ => {
            let span = whole.span();
            let krate = respan(krate, span);
            quote_spanned! {span=> #krate::__private::failed(#error) }
        }
    }
}

fn contains_impl_trait(ty: &Type) -> bool {
    fn walk(tokens: TokenStream) -> bool {
        tokens.into_iter().any(|tt| match tt {
            TokenTree::Ident(ident) => ident == "impl",
            TokenTree::Group(group) => walk(group.stream()),
            _ => false,
        })
    }
    walk(ty.to_token_stream())
}

/// Where `ty`'s first and last tokens are.
fn first_and_last_span(ty: &Type) -> (Span, Span) {
    let mut tokens = ty.to_token_stream().into_iter();
    let first = tokens.next().map_or_else(Span::call_site, |tt| tt.span());
    let last = tokens.last().map_or(first, |tt| tt.span());
    (first, last)
}

/// `tokens` (a path such as the crate's) reported at `span`, resolved as
/// before.
fn respan(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut tt| {
            if let TokenTree::Group(group) = &tt {
                let mut new =
                    proc_macro2::Group::new(group.delimiter(), respan(&group.stream(), span));
                new.set_span(group.span().located_at(span));
                tt = TokenTree::Group(new);
            } else {
                tt.set_span(tt.span().located_at(span));
            }
            tt
        })
        .collect()
}

/// The user's fn and a stand-in tool type, for inputs with errors: uses of
/// `my_tool::tool()` still type-check (with the same context type as the
/// real impl would have), so only the real errors show.
pub(crate) fn fallback(item: &ItemFn, tool: &ToolFn, krate: &TokenStream) -> TokenStream {
    let fn_ident = &item.sig.ident;
    let vis = &item.vis;
    let (impl_generics, context_ty) = impl_context(tool);
    quote! {
        #item

        #[allow(non_camel_case_types, dead_code, missing_docs)]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug, ::core::default::Default)]
        #vis struct #fn_ident {
            _private: (),
        }

        impl #fn_ident {
            #[allow(dead_code, missing_docs)]
            #vis const fn tool() -> Self {
                Self { _private: () }
            }
        }

        impl #impl_generics #krate::tool::Tool<#context_ty> for #fn_ident {
            fn name(&self) -> &str {
                ::core::unreachable!()
            }
            fn description(&self) -> &str {
                ::core::unreachable!()
            }
            fn parameters(
                &self,
                _: #krate::tool::SchemaDialect,
            ) -> ::core::result::Result<#krate::__private::serde_json::Value, #krate::tool::SchemaError> {
                ::core::unreachable!()
            }
            fn call<'a>(
                &'a self,
                _: &'a #krate::AgentContext<#context_ty>,
                _: &'a str,
            ) -> #krate::__private::BoxFuture<'a, #krate::tool::ToolOutput> {
                ::core::unreachable!()
            }
        }
    }
}
