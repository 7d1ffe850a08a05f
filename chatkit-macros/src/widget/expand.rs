//! Code generation for a validated `widget!` body: typed builder calls, each
//! spanned at the user's tokens so rustc's own type errors land there too.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Expr, Lit};

use super::ast::{BodyItem, ChildNode, Element, Else, ExprChild, IfChain};
use super::validate::literal;
use crate::catalog::{self, Children, Component, Prop, PropKind};

pub(crate) struct Expander<'a> {
    pub(crate) krate: &'a TokenStream,
}

fn builder_ident() -> syn::Ident {
    syn::Ident::new("__chatkit_widget", Span::mixed_site())
}

fn children_ident() -> syn::Ident {
    syn::Ident::new("__chatkit_children", Span::mixed_site())
}

impl Expander<'_> {
    /// `Name { ... }` → an expression of type `krate::Name`. Only called on
    /// validated input, where every name resolves.
    pub(crate) fn element(&self, element: &Element) -> TokenStream {
        let Some(component) = catalog::by_name(&element.name.text) else {
            return quote!(::core::unreachable!());
        };
        let krate = self.krate;
        let ty = format_ident!("{}", component.rust, span = element.name.span);
        let props: Vec<(&'static Prop, &Expr)> = element
            .body
            .iter()
            .filter_map(|item| match item {
                BodyItem::Prop(attr) => component
                    .prop(&attr.name.to_string())
                    .map(|prop| (prop, &attr.value)),
                BodyItem::Child(_) => None,
            })
            .collect();
        let children: Vec<&ChildNode> = element
            .body
            .iter()
            .filter_map(|item| match item {
                BodyItem::Child(child) => Some(child),
                BodyItem::Prop(_) => None,
            })
            .collect();

        let mut args: Vec<TokenStream> = component
            .required_props()
            .filter_map(|required| {
                props
                    .iter()
                    .find(|(prop, _)| prop.name == required.name)
                    .map(|(prop, value)| self.value(prop, value))
            })
            .collect();
        if let (Children::Single, Some(child)) = (component.children, children.first()) {
            args.push(self.single_child(child));
        }
        // `<...>::new`, not `krate::Name::new`: a path starting at the user's
        // span keeps rustc's "required by this call" label off the whole macro
        // (`$crate` carries the span of `widget!`'s definition).
        let mut chain = quote_spanned!(element.name.span=> <#krate::#ty>::new(#(#args),*));
        for (prop, value) in props.iter().filter(|(prop, _)| !prop.required) {
            let method = format_ident!("{}", prop.name, span = value.span());
            let value = self.value(prop, value);
            chain = quote_spanned!(value.span()=> #chain.#method(#value));
        }

        if !matches!(component.children, Children::List { .. }) || children.is_empty() {
            return chain;
        }
        let builder = builder_ident();
        let list = children_ident();
        let pushes = self.pushes(&children, component);
        // Spanned at the component's name, so a type error about the whole
        // widget (a `Row` passed where a root is expected) points at the
        // user's tokens rather than into the `widget!` definition.
        quote_spanned! {element.name.span=>
            {
                let mut #builder = #chain;
                {
                    let #list = #krate::Container::children_mut(&mut #builder);
                    #pushes
                }
                #builder
            }
        }
    }

    /// Statements appending `children` to the list in scope.
    fn pushes(&self, children: &[&ChildNode], parent: &Component) -> TokenStream {
        children
            .iter()
            .map(|child| self.push(child, parent))
            .collect()
    }

    fn push(&self, child: &ChildNode, parent: &Component) -> TokenStream {
        let krate = self.krate;
        let list = children_ident();
        let parent_ty = format_ident!("{}", parent.rust);
        match child {
            ChildNode::Element(element) => {
                let value = self.element(element);
                quote_spanned! {element.name.span=>
                    <_ as #krate::ChildOf<#krate::#parent_ty>>::push_into(#value, #list);
                }
            }
            ChildNode::Expr(node) => {
                let value = expr_child(node);
                quote_spanned! {node.brace.span.join()=>
                    <_ as #krate::ChildOf<#krate::#parent_ty>>::push_into(#value, #list);
                }
            }
            ChildNode::For(node) => {
                let (for_token, pat, iter) = (&node.for_token, &node.pat, &node.iter);
                let body = self.flow_body(&node.body, parent);
                quote!(#for_token #pat in #iter { #body })
            }
            ChildNode::If(node) => self.if_chain(node, parent),
            ChildNode::Match(node) => {
                let (match_token, expr) = (&node.match_token, &node.expr);
                let arms = node.arms.iter().map(|arm| {
                    let pat = &arm.pat;
                    let guard = arm.guard.as_ref().map(|guard| quote!(if #guard));
                    let body = self.flow_body(&arm.body, parent);
                    quote!(#pat #guard => { #body })
                });
                quote!(#match_token #expr { #(#arms)* })
            }
        }
    }

    fn if_chain(&self, node: &IfChain, parent: &Component) -> TokenStream {
        let (if_token, cond) = (&node.if_token, &node.cond);
        let then = self.flow_body(&node.then, parent);
        let otherwise = match &node.otherwise {
            Some(Else::If(next)) => {
                let next = self.if_chain(next, parent);
                quote!(else #next)
            }
            Some(Else::Block(body)) => {
                let body = self.flow_body(body, parent);
                quote!(else { #body })
            }
            None => quote!(),
        };
        quote!(#if_token #cond { #then } #otherwise)
    }

    fn flow_body(&self, body: &[BodyItem], parent: &Component) -> TokenStream {
        let children: Vec<&ChildNode> = body
            .iter()
            .filter_map(|item| match item {
                BodyItem::Child(child) => Some(child),
                BodyItem::Prop(_) => None,
            })
            .collect();
        self.pushes(&children, parent)
    }

    /// The child of a `Transition`.
    fn single_child(&self, child: &ChildNode) -> TokenStream {
        match child {
            ChildNode::Element(element) => self.element(element),
            ChildNode::Expr(node) => expr_child(node),
            _ => quote!(::core::unreachable!()),
        }
    }

    /// A prop value: string literals of closed sets become enum variants,
    /// everything else goes to the setter as written.
    fn value(&self, prop: &Prop, value: &Expr) -> TokenStream {
        let krate = self.krate;
        let span = value.span();
        match (prop.kind, literal(value)) {
            (PropKind::Literal(set), Some(Lit::Str(s))) => {
                let ty = format_ident!("{}", set.rust, span = span);
                let variant = format_ident!("{}", set.variant(&s.value()), span = span);
                quote_spanned!(span=> #krate::#ty::#variant)
            }
            (PropKind::Icon, Some(Lit::Str(s))) => {
                let name = s.value();
                if let Some(rest) = name.strip_prefix("vendor:") {
                    quote_spanned!(span=> #krate::IconName::vendor(#rest))
                } else if let Some(rest) = name.strip_prefix("lucide:") {
                    quote_spanned!(span=> #krate::IconName::lucide(#rest))
                } else {
                    let variant = format_ident!("{}", catalog::ICONS.variant(&name), span = span);
                    quote_spanned!(span=> #krate::IconName::#variant)
                }
            }
            (PropKind::Limit, Some(Lit::Str(_))) => quote_spanned!(span=> #krate::ListLimit::Auto),
            (PropKind::Editable, Some(Lit::Bool(_))) => {
                quote_spanned!(span=> #krate::Editable::Disabled)
            }
            _ => quote!(#value),
        }
    }
}

/// The value of a `{expr}` child. A lone expression is emitted without its
/// braces, which rustc would otherwise flag as `unused_braces` at the user's
/// code; statements keep them.
fn expr_child(node: &ExprChild) -> TokenStream {
    match node.stmts.as_slice() {
        [syn::Stmt::Expr(expr, None)] => quote!(#expr),
        stmts => quote_spanned!(node.brace.span.join()=> { #(#stmts)* }),
    }
}

/// A value of the root's type for expansions that failed validation, so the
/// caller's code still type-checks and only the real errors are shown.
///
/// An unknown root gets a value of any type rather than the type of its
/// nearest name: a guess (`Tabel` → `Table`) would add a mismatched-types
/// error wherever the caller expects another type (`let l: Label = ...`).
/// rustc reports no "type annotations needed" for it once the macro's own
/// errors are out.
pub(crate) fn fallback(root: &Element, krate: &TokenStream) -> TokenStream {
    let ty = catalog::by_name(&root.name.text).map(|component| {
        let ident = format_ident!("{}", component.rust);
        quote!(#krate::#ident)
    });
    let f = syn::Ident::new("__chatkit_fallback", Span::mixed_site());
    match ty {
        Some(ty) => quote! {{
            fn #f() -> #ty { ::core::unreachable!() }
            #f()
        }},
        None => quote! {{
            fn #f<T>() -> T { ::core::unreachable!() }
            #f()
        }},
    }
}
