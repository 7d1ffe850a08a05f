//! How each prop kind is spelled in Rust: the field type, the setter
//! parameter, and the conversion from one to the other.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Component, PropKind};

/// The type stored in the struct field (without the `Option` of optional props).
pub(crate) fn field_type(kind: PropKind, krate: &TokenStream) -> TokenStream {
    match kind {
        PropKind::Str | PropKind::DateTime => quote!(::std::string::String),
        PropKind::Bool => quote!(bool),
        PropKind::Count => quote!(u32),
        PropKind::Dimension => quote!(#krate::Dimension),
        PropKind::Color => quote!(#krate::Color),
        PropKind::Padding => quote!(#krate::Padding),
        PropKind::Spacing => quote!(#krate::Spacing),
        PropKind::Border => quote!(#krate::BorderValue),
        PropKind::Literal(set) => {
            let ident = format_ident!("{}", set.rust);
            quote!(#krate::#ident)
        }
        PropKind::Icon => quote!(#krate::IconName),
        PropKind::Action => quote!(#krate::ActionConfig),
        PropKind::Status => quote!(#krate::WidgetStatus),
        PropKind::CardAction => quote!(#krate::CardAction),
        PropKind::Editable => quote!(#krate::Editable),
        PropKind::SelectOptions => quote!(::std::vec::Vec<#krate::SelectOption>),
        PropKind::RadioOptions => quote!(::std::vec::Vec<#krate::RadioOption>),
        PropKind::Limit => quote!(#krate::ListLimit),
        PropKind::ChartData => quote!(::std::vec::Vec<#krate::ChartDatum>),
        PropKind::Series => quote!(::std::vec::Vec<#krate::Series>),
        PropKind::XAxis => quote!(#krate::XAxis),
    }
}

/// The setter's parameter type and the expression turning `value` into the field type.
pub(crate) fn setter_param(kind: PropKind, krate: &TokenStream) -> (TokenStream, TokenStream) {
    let field = field_type(kind, krate);
    match kind {
        // Exact types give "expected `TextSize`, found ..." rather than a trait-bound error.
        PropKind::Bool
        | PropKind::Count
        | PropKind::Literal(_)
        | PropKind::Spacing
        | PropKind::Action
        | PropKind::CardAction => (field, quote!(value)),
        PropKind::SelectOptions => (
            quote!(impl ::core::iter::IntoIterator<Item = #krate::SelectOption>),
            quote!(value.into_iter().collect()),
        ),
        PropKind::RadioOptions => (
            quote!(impl ::core::iter::IntoIterator<Item = #krate::RadioOption>),
            quote!(value.into_iter().collect()),
        ),
        PropKind::ChartData => (
            quote!(impl ::core::iter::IntoIterator<Item = #krate::ChartDatum>),
            quote!(value.into_iter().collect()),
        ),
        PropKind::Series => (
            quote!(impl ::core::iter::IntoIterator<Item = #krate::Series>),
            quote!(value.into_iter().collect()),
        ),
        _ => (
            quote!(impl ::core::convert::Into<#field>),
            quote!(value.into()),
        ),
    }
}

/// The Rust type that a component's children are stored as.
pub(crate) fn child_type(component: &Component, krate: &TokenStream) -> Option<TokenStream> {
    use super::{ChildKind, Children};
    match component.children {
        Children::None => None,
        Children::Single => Some(quote!(#krate::WidgetComponent)),
        Children::List { of, .. } => Some(match of {
            ChildKind::Component => quote!(#krate::WidgetComponent),
            ChildKind::Node => quote!(#krate::WidgetNode),
            ChildKind::Only(name) => {
                let child = super::by_name(name).map_or(name, |c| c.rust);
                let ident = format_ident!("{}", child);
                quote!(#krate::#ident)
            }
        }),
    }
}
