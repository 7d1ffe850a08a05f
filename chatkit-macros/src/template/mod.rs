//! `widget_template!`: parse → validate → expand.
//!
//! Parsing reads the macro input (a path, or a struct declaration and a
//! path). Validation reads the `.widget` file and checks everything
//! `WidgetTemplate::from_str` would check at run time, plus the preview
//! against the catalogue, and builds the data model from `jsonSchema`; every
//! problem becomes an error spanned at the path literal. Expansion embeds
//! the file with `include_str!`, so cargo rebuilds the crate when it changes.

mod ast;
mod expand;
mod schema;
mod validate;

use proc_macro2::TokenStream;

use crate::common::ctxt::Ctxt;

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let input: ast::TemplateInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error(),
    };
    let mut cx = Ctxt::default();
    let checked = validate::check(&input, &mut cx);
    match (cx.into_compile_errors(), checked) {
        (None, Some(checked)) => expand::expand(&input, &checked),
        (errors, checked) => {
            let fallback = expand::fallback(&input, checked.as_ref());
            if input.data.is_some() {
                // Items: the errors, then the struct.
                quote::quote! {
                    #errors
                    #fallback
                }
            } else {
                // An expression: one block.
                quote::quote! {{
                    #errors
                    #fallback
                }}
            }
        }
    }
}
