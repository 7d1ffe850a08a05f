//! `#[function_tool]`: parse → validate → expand.

mod attr;
mod docs;
mod expand;
mod parse;

use proc_macro2::TokenStream;
use quote::quote;

use crate::common::ctxt::Ctxt;

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut item: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(err) => {
            let message = syn::Error::new(err.span(), "`#[function_tool]` goes on an `async fn`");
            let error = message.to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut cx = Ctxt::default();
    let attr = attr::parse(args, &mut cx);
    let krate = attr
        .krate
        .clone()
        .unwrap_or_else(|| quote!(::chatkit_runtime));
    let tool = parse::analyze(&attr, &mut item, &mut cx);
    match cx.into_compile_errors() {
        // A method sits in an `impl` block, where the tool type cannot go:
        // the error alone, and the method as written.
        Some(errors) if tool.in_impl => quote!(#errors #item),
        Some(errors) => {
            let fallback = expand::fallback(&item, &tool, &krate);
            quote!(#errors #fallback)
        }
        None => expand::tool(&item, &tool, &krate),
    }
}
