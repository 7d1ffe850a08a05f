//! `widget!`: parse → validate → expand.

mod ast;
mod expand;
mod validate;

use proc_macro2::TokenStream;

use crate::common::ctxt::Ctxt;

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let input: ast::WidgetInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(err) => return err.to_compile_error(),
    };
    let mut cx = Ctxt::default();
    validate::check_root(&input.root, &mut cx);
    match cx.into_compile_errors() {
        Some(errors) => {
            let fallback = expand::fallback(&input.root, &input.krate);
            quote::quote! {{
                #errors
                #fallback
            }}
        }
        None => expand::Expander {
            krate: &input.krate,
        }
        .element(&input.root),
    }
}
