//! Code generation for a checked `widget_template!`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use super::ast::TemplateInput;
use super::schema::{Model, Ty, TypeDef};
use super::validate::Checked;

/// `&'static WidgetTemplate`, loaded once from the embedded file.
fn template_expr(krate: &TokenStream, path: &str, span: Span) -> TokenStream {
    let cell = syn::Ident::new("__CHATKIT_TEMPLATE", Span::mixed_site());
    // `include_str!` makes cargo rebuild the crate when the file changes,
    // and embeds exactly the text that was checked.
    quote_spanned! {span=>
        {
            static #cell: ::std::sync::LazyLock<#krate::WidgetTemplate> = ::std::sync::LazyLock::new(|| {
                #krate::__private::checked_template(::core::include_str!(#path), #path)
            });
            &*#cell
        }
    }
}

pub(crate) fn expand(input: &TemplateInput, checked: &Checked) -> TokenStream {
    let krate = &input.krate;
    let span = input.path.span();
    let template = template_expr(krate, &checked.path, span);
    let (Some(data), Some(model)) = (&input.data, &checked.model) else {
        return template;
    };
    let name = &data.name;
    let types = types(model, &data.vis, krate);
    let attrs = &data.attrs;
    let relative = input.path.value();
    let doc = (!attrs.iter().any(|a| a.path().is_ident("doc"))).then(|| {
        let doc = format!(" The data of the widget template `{relative}`, from its `jsonSchema`.");
        quote!(#[doc = #doc])
    });
    let template_doc = format!(" The template, read from `{relative}` while compiling.");
    quote! {
        #doc
        #(#attrs)*
        #types

        impl #name {
            #[doc = #template_doc]
            pub fn template() -> &'static #krate::WidgetTemplate {
                #template
            }

            /// Renders the widget from this data.
            ///
            /// # Errors
            /// The data does not match the template's `jsonSchema` (such as
            /// a `minLength`), or the rendered output is not a valid widget.
            pub fn build(&self) -> ::core::result::Result<#krate::WidgetRoot, #krate::TemplateError> {
                Self::template().build(self)
            }
        }
    }
}

/// The structs and enums, each with a `Serialize` impl (written out, so the
/// user's crate needs no `serde` dependency of its own).
fn types(model: &Model, vis: &syn::Visibility, krate: &TokenStream) -> TokenStream {
    let serde = quote!(#krate::__private::serde);
    let mut out = TokenStream::new();
    for (i, def) in model.types.iter().enumerate() {
        match def {
            TypeDef::Struct { name, doc, fields } => {
                let ident = format_ident!("{}", name);
                // The root's docs are the user's attributes.
                let doc = (i > 0).then(|| {
                    let doc = format!(
                        " {}",
                        doc.clone()
                            .unwrap_or_else(|| format!("Part of the data: `{name}`."))
                    );
                    quote!(#[doc = #doc])
                });
                let decls = fields.iter().map(|field| {
                    let f = &field.ident;
                    let ty = rust_type(&field.ty, krate);
                    let ty = if field.required {
                        ty
                    } else {
                        quote!(::core::option::Option<#ty>)
                    };
                    let doc = format!(
                        " {}",
                        field.doc.clone().unwrap_or_else(|| format!(
                            "`{}`{}",
                            field.wire,
                            if field.required {
                                ""
                            } else {
                                "; `None` leaves it out"
                            }
                        ))
                    );
                    quote!(#[doc = #doc] pub #f: #ty,)
                });
                let entries = fields.iter().map(|field| {
                    let f = &field.ident;
                    let wire = &field.wire;
                    if field.required {
                        quote!(#serde::ser::SerializeMap::serialize_entry(&mut map, #wire, &self.#f)?;)
                    } else {
                        quote! {
                            if let ::core::option::Option::Some(value) = &self.#f {
                                #serde::ser::SerializeMap::serialize_entry(&mut map, #wire, value)?;
                            }
                        }
                    }
                });
                out.extend(quote! {
                    #doc
                    #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
                    #vis struct #ident {
                        #(#decls)*
                    }

                    impl #serde::Serialize for #ident {
                        fn serialize<S: #serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                            let mut map = serializer.serialize_map(::core::option::Option::None)?;
                            #(#entries)*
                            #serde::ser::SerializeMap::end(map)
                        }
                    }
                });
            }
            TypeDef::Enum {
                name,
                doc,
                variants,
            } => {
                let ident = format_ident!("{}", name);
                let doc = format!(
                    " {}",
                    doc.clone()
                        .unwrap_or_else(|| format!("One of the values `{name}` allows."))
                );
                let idents: Vec<_> = variants
                    .iter()
                    .map(|(_, v)| format_ident!("{}", v))
                    .collect();
                let wires: Vec<_> = variants.iter().map(|(w, _)| w).collect();
                let variant_docs = wires.iter().map(|w| format!(" `\"{w}\"`"));
                out.extend(quote! {
                    #[doc = #doc]
                    #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)]
                    #vis enum #ident {
                        #( #[doc = #variant_docs] #idents, )*
                    }

                    impl #serde::Serialize for #ident {
                        fn serialize<S: #serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                            serializer.serialize_str(match self { #( Self::#idents => #wires, )* })
                        }
                    }
                });
            }
        }
    }
    out
}

fn rust_type(ty: &Ty, krate: &TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(::std::string::String),
        Ty::Integer => quote!(i64),
        Ty::Number => quote!(f64),
        Ty::Bool => quote!(bool),
        Ty::Json => quote!(#krate::__private::JsonValue),
        Ty::Vec(item) => {
            let item = rust_type(item, krate);
            quote!(::std::vec::Vec<#item>)
        }
        Ty::Named(name) => {
            let ident = format_ident!("{}", name);
            quote!(#ident)
        }
        Ty::Nullable(inner) => {
            let inner = rust_type(inner, krate);
            quote!(::core::option::Option<#inner>)
        }
    }
}

/// After an error: the struct, if its model was built, so that code using
/// it type-checks and only the real errors show; or an expression of the
/// right type.
pub(crate) fn fallback(input: &TemplateInput, checked: Option<&Checked>) -> TokenStream {
    let krate = &input.krate;
    let f = syn::Ident::new("__chatkit_fallback", Span::mixed_site());
    let unreachable = quote! {{
        fn #f() -> &'static #krate::WidgetTemplate { ::core::unreachable!() }
        #f()
    }};
    let Some(data) = &input.data else {
        return unreachable;
    };
    let name = &data.name;
    let vis = &data.vis;
    let attrs = &data.attrs;
    let types = match checked.and_then(|c| c.model.as_ref()) {
        Some(model) => types(model, vis, krate),
        None => quote! {
            #vis struct #name {}
        },
    };
    quote! {
        #(#attrs)*
        #types

        impl #name {
            /// Unavailable: the template has errors.
            pub fn template() -> &'static #krate::WidgetTemplate #unreachable

            /// Unavailable: the template has errors.
            pub fn build(&self) -> ::core::result::Result<#krate::WidgetRoot, #krate::TemplateError> {
                ::core::unreachable!()
            }
        }
    }
}
