//! Procedural macros of chatkit-rs.
//!
//! This crate is an implementation detail: use `widget!` through
//! [`widget-dsl`](https://docs.rs/widget-dsl) or `chatkit-runtime`, which
//! re-export it with the right paths.
#![warn(clippy::unwrap_used)]

mod catalog;
mod common;
mod define;
mod function_tool;
mod template;
mod widget;

use proc_macro::TokenStream;

/// The implementation of `widget_dsl::widget!`. Its input starts with the path
/// of `widget-dsl` and a `;`, which the `widget!` wrapper supplies.
#[doc(hidden)]
#[proc_macro]
pub fn __widget(input: TokenStream) -> TokenStream {
    widget::expand(input.into()).into()
}

/// The implementation of `widget_dsl::widget_template!`; its input starts
/// with the path of `widget-dsl` and a `;`.
#[doc(hidden)]
#[proc_macro]
pub fn __widget_template(input: TokenStream) -> TokenStream {
    template::expand(input.into()).into()
}

/// Generates the typed widget tree of `widget-dsl` from the catalogue.
#[doc(hidden)]
#[proc_macro]
pub fn __define_widgets(input: TokenStream) -> TokenStream {
    define::expand(input.into()).into()
}

/// The widget catalogue as a JSON string literal, for conformance tests.
#[doc(hidden)]
#[proc_macro]
pub fn __catalog_json(_input: TokenStream) -> TokenStream {
    let json = catalog::export::to_json();
    quote::quote!(#json).into()
}

/// Turns an `async fn` into a tool; documented on `chatkit_runtime::function_tool`.
#[proc_macro_attribute]
pub fn function_tool(args: TokenStream, item: TokenStream) -> TokenStream {
    function_tool::expand(args.into(), item.into()).into()
}
