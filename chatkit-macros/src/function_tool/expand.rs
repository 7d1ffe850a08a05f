//! Code generation for a validated tool: the user's fn (unchanged but for
//! the parameter docs, which rustc rejects), a type named like the fn that
//! implements `Tool`, and an args struct for the schema and the parsing.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Ident, ItemFn};

use super::parse::{CallArg, Returns, ToolFn};

fn ctx_ident() -> Ident {
    Ident::new("__chatkit_ctx", Span::mixed_site())
}

pub(crate) fn tool(item: &ItemFn, tool: &ToolFn, krate: &TokenStream) -> TokenStream {
    let fn_ident = &item.sig.ident;
    let vis = &item.vis;
    let name = &tool.name;
    let description = &tool.description;
    let strict = tool.strict;
    let struct_doc = format!(" The `{name}` tool. Give it to an agent with `{fn_ident}::tool()`.");

    let args = format_ident!("__ChatkitArgs", span = Span::mixed_site());
    let fields = tool.params.iter().map(|param| {
        let ident = &param.ident;
        let ty = &param.ty;
        let attrs = &param.field_attrs;
        let doc = param.doc.as_ref().map(|doc| quote!(#[doc = #doc]));
        quote!(#doc #(#attrs)* #ident: #ty,)
    });
    let field_idents: Vec<&Ident> = tool.params.iter().map(|p| &p.ident).collect();
    let ctx = ctx_ident();
    let call_args = tool.call.iter().map(|arg| match arg {
        CallArg::Context => quote!(#ctx),
        CallArg::Param(ident) => quote!(#ident),
    });
    let output = ctx_ident_output();
    let convert = match &tool.returns {
        Returns::Unit => quote!(#krate::__private::IntoToolOutput::into_tool_output(#output)),
        Returns::Value(ty) => quote_spanned! {ty.span()=>
            #krate::__private::IntoToolOutput::into_tool_output(#output)
        },
        Returns::Result { ok, ty } => {
            let ok_span = ok.as_ref().map_or(ty.span(), syn::spanned::Spanned::span);
            let ok_conversion = quote_spanned! {ok_span=>
                #krate::__private::IntoToolOutput::into_tool_output(value)
            };
            let err_conversion = quote_spanned! {ty.span()=> #krate::__private::failed(error) };
            quote! {
                match #output {
                    ::core::result::Result::Ok(value) => #ok_conversion,
                    ::core::result::Result::Err(error) => #err_conversion,
                }
            }
        }
    };
    let (impl_generics, context_ty) = match &tool.context {
        Some(ty) => (quote!(), quote!(#ty)),
        None => {
            let c = Ident::new("__ChatkitContext", Span::mixed_site());
            (
                quote!(<#c: ::core::marker::Send + ::core::marker::Sync + 'static>),
                quote!(#c),
            )
        }
    };
    let visibility = match tool.show_errors {
        Some(true) => quote!(::core::option::Option::Some(#krate::tool::ErrorVisibility::Shown)),
        Some(false) => {
            quote!(::core::option::Option::Some(#krate::tool::ErrorVisibility::Redacted))
        }
        None => quote!(::core::option::Option::None),
    };
    let serde_path = format!("{}::__private::serde", krate.to_string().replace(' ', ""));
    let schemars_path = format!(
        "{}::__private::schemars",
        krate.to_string().replace(' ', "")
    );
    let schema_cache = Ident::new("__CHATKIT_SCHEMA", Span::mixed_site());
    let arguments = Ident::new("__chatkit_arguments", Span::mixed_site());
    let call = quote_spanned!(fn_ident.span()=> #fn_ident(#(#call_args),*).await);

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
        #[allow(non_camel_case_types, unused_qualifications, clippy::all)]
        const _: () = {
            #[derive(#krate::__private::serde::Deserialize, #krate::__private::schemars::JsonSchema)]
            #[serde(crate = #serde_path, deny_unknown_fields)]
            #[schemars(crate = #schemars_path)]
            struct #args {
                #(#fields)*
            }

            static #schema_cache: #krate::__private::SchemaCache = #krate::__private::SchemaCache::new();

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
                    dialect: #krate::tool::SchemaDialect,
                ) -> ::core::result::Result<#krate::__private::serde_json::Value, #krate::tool::SchemaError> {
                    #schema_cache.get::<#args>(dialect, #strict)
                }

                fn error_visibility(&self) -> ::core::option::Option<#krate::tool::ErrorVisibility> {
                    #visibility
                }

                fn call<'a>(
                    &'a self,
                    #ctx: &'a #krate::AgentContext<#context_ty>,
                    #arguments: &'a str,
                ) -> #krate::__private::BoxFuture<'a, #krate::tool::ToolOutput> {
                    ::std::boxed::Box::pin(async move {
                        let #args { #(#field_idents),* } =
                            match #krate::__private::parse_arguments::<#args>(#name, #arguments) {
                                ::core::result::Result::Ok(args) => args,
                                ::core::result::Result::Err(output) => return output,
                            };
                        #krate::__private::catch_panic(async move {
                            let #output = #call;
                            #convert
                        })
                        .await
                    })
                }
            }
        };
    }
}

fn ctx_ident_output() -> Ident {
    Ident::new("__chatkit_output", Span::mixed_site())
}

/// The user's fn and a stand-in tool type, for inputs with errors: uses of
/// `my_tool::tool()` still type-check, so only the real errors show.
pub(crate) fn fallback(item: &ItemFn, krate: &TokenStream) -> TokenStream {
    let fn_ident = &item.sig.ident;
    let vis = &item.vis;
    let c = Ident::new("__ChatkitContext", Span::mixed_site());
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

        impl<#c: ::core::marker::Send + ::core::marker::Sync + 'static> #krate::tool::Tool<#c> for #fn_ident {
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
                _: &'a #krate::AgentContext<#c>,
                _: &'a str,
            ) -> #krate::__private::BoxFuture<'a, #krate::tool::ToolOutput> {
                ::core::unreachable!()
            }
        }
    }
}
