//! The input of `widget_template!`, after the `$crate;` the wrapper adds:
//!
//! - `"widgets/x.widget"`: an expression, `&'static WidgetTemplate`;
//! - `#[attrs] pub struct Name = "widgets/x.widget";`: an item, the data
//!   struct generated from the template's `jsonSchema`.

use proc_macro2::{TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, LitStr, Token, Visibility};

pub(crate) struct TemplateInput {
    pub(crate) krate: TokenStream,
    pub(crate) path: LitStr,
    /// `Some` in the struct form.
    pub(crate) data: Option<DataStruct>,
}

/// `#[attrs] pub struct Name`
pub(crate) struct DataStruct {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) name: Ident,
}

impl Parse for TemplateInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut krate = TokenStream::new();
        while !input.peek(Token![;]) {
            if input.is_empty() {
                return Err(input.error("expected the crate path before `;`"));
            }
            krate.extend([input.parse::<TokenTree>()?]);
        }
        input.parse::<Token![;]>()?;
        if input.peek(LitStr) {
            let path = input.parse()?;
            if !input.is_empty() {
                return Err(input.error(
                    "expected only the path; to declare a data struct, write \
                     `widget_template! { pub struct Name = \"path\"; }`",
                ));
            }
            return Ok(Self {
                krate,
                path,
                data: None,
            });
        }
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        if !input.peek(Token![struct]) {
            return Err(input.error(
                "expected a path (`\"widgets/x.widget\"`) or a struct \
                 (`pub struct Name = \"widgets/x.widget\";`)",
            ));
        }
        input.parse::<Token![struct]>()?;
        let name: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let path = input.parse()?;
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
        }
        if !input.is_empty() {
            return Err(input.error("`widget_template!` declares one struct"));
        }
        Ok(Self {
            krate,
            path,
            data: Some(DataStruct { attrs, vis, name }),
        })
    }
}
