//! `__define_widgets!(crate)`: generates the typed widget tree of
//! `widget-dsl` from the catalogue, so the types and the `widget!` checks
//! cannot drift apart.
//!
//! Per component: a struct with public fields, a `new` taking the required
//! props, one builder method per prop, and hand-rolled serde impls (the `type`
//! tag first, `None` omitted, unknown props kept in `extra`). Per literal set:
//! an enum. Then the `WidgetComponent` / `WidgetRoot` / `WidgetNode` unions and
//! the `ChildOf` impls that type-check children.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::catalog::rust_types::{child_type, field_type, setter_param};
use crate::catalog::{
    self, COMPONENTS, ChildKind, Children, Component, ICON_PREFIX_REASON, ICONS, LITERAL_SETS,
    LiteralSet, PYTHON_ONLY_ICON, Placement, Prop, python_only_note,
};

pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let krate = if input.is_empty() {
        quote!(crate)
    } else {
        input
    };
    let enums = LITERAL_SETS
        .iter()
        .filter(|set| set.rust != ICONS.rust)
        .map(|set| literal_enum(set, &krate));
    let icons = icon_enum(&krate);
    let structs = COMPONENTS.iter().map(|c| component_struct(c, &krate));
    let unions = unions(&krate);
    let children = child_impls(&krate);
    let check_prop = check_prop_fn(&krate);
    quote! {
        #(#enums)*
        #icons
        #(#structs)*
        #unions
        #children
        #check_prop
    }
}

/// `check_prop(type, prop, value)`: whether `value` parses as the typed
/// field of that prop, for strict parsing that names the offending prop
/// (the typed unions fall back to `DynamicWidget` instead of failing).
fn check_prop_fn(krate: &TokenStream) -> TokenStream {
    let arms = COMPONENTS.iter().flat_map(|component| {
        let wire = component.name;
        component.all_props().map(move |prop| {
            let key = prop.wire_name();
            let ty = field_type(prop.kind, krate);
            quote! {
                (#wire, #key) => ::core::option::Option::Some(
                    <#ty as ::serde::Deserialize>::deserialize(value).map(|_| ()),
                ),
            }
        })
    });
    quote! {
        /// Parses `value` as the prop `prop` (wire name) of the component
        /// `component` (wire `type`); `None` if the component has no such prop.
        pub(crate) fn check_prop(
            component: &str,
            prop: &str,
            value: &::serde_json::Value,
        ) -> ::core::option::Option<::core::result::Result<(), ::serde_json::Error>> {
            match (component, prop) {
                #(#arms)*
                _ => ::core::option::Option::None,
            }
        }
    }
}

fn doc_attr(doc: &str) -> TokenStream {
    let doc = format!(" {doc}");
    quote!(#[doc = #doc])
}

/// `#[deprecated(note = ...)]` for what only the Python reference has, the
/// opt-in mechanism the catalogue's `Support::Python` asks for.
fn deprecated_attr(note: Option<String>) -> TokenStream {
    match note {
        Some(note) => quote!(#[deprecated(note = #note)]),
        None => quote!(),
    }
}

fn literal_enum(set: &LiteralSet, krate: &TokenStream) -> TokenStream {
    let name = format_ident!("{}", set.rust);
    let doc = doc_attr(set.doc);
    let variants: Vec<_> = set
        .values
        .iter()
        .map(|v| format_ident!("{}", set.variant(v)))
        .collect();
    let values = set.values;
    let variant_docs = values.iter().map(|v| doc_attr(&format!("`\"{v}\"`")));
    let rust_name = set.rust;
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #variant_docs #variants, )*
        }

        impl #name {
            /// Every value, in catalogue order.
            pub const ALL: &'static [Self] = &[#(Self::#variants),*];
            /// The wire spellings, in catalogue order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The wire spelling.
            pub const fn as_str(self) -> &'static str {
                match self { #(Self::#variants => #values,)* }
            }
        }

        impl ::core::str::FromStr for #name {
            type Err = #krate::UnknownValue;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                match value {
                    #(#values => ::core::result::Result::Ok(Self::#variants),)*
                    _ => ::core::result::Result::Err(#krate::UnknownValue::new(#rust_name, value, Self::VALUES)),
                }
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                #krate::__private::deserialize_literal(deserializer)
            }
        }
    }
}

fn icon_enum(krate: &TokenStream) -> TokenStream {
    let doc = doc_attr(ICONS.doc);
    let variants: Vec<_> = ICONS
        .values
        .iter()
        .map(|v| format_ident!("{}", ICONS.variant(v)))
        .collect();
    let values = ICONS.values;
    let variant_docs = values.iter().map(|v| {
        let doc = doc_attr(&format!("`\"{v}\"`"));
        let deprecated = deprecated_attr(
            (*v == PYTHON_ONLY_ICON.0)
                .then(|| python_only_note(&format!("The icon `\"{v}\"`"), PYTHON_ONLY_ICON.1)),
        );
        quote!(#doc #deprecated)
    });
    let vendor_note = python_only_note("A `vendor:` icon", ICON_PREFIX_REASON);
    let lucide_note = python_only_note("A `lucide:` icon", ICON_PREFIX_REASON);
    quote! {
        #doc
        ///
        /// Besides the built-in names, `vendor:*` and `lucide:*` names are
        /// accepted; they hold the part after the prefix. They, and `Clock`,
        /// are only in the Python reference, so they are deprecated: an
        /// opt-in with `#[allow(deprecated)]`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum IconName {
            #( #variant_docs #variants, )*
            /// `"vendor:<name>"`: an icon supplied by the integrating app.
            #[deprecated(note = #vendor_note)]
            Vendor(::std::string::String),
            /// `"lucide:<name>"`: an icon of the Lucide set.
            #[deprecated(note = #lucide_note)]
            Lucide(::std::string::String),
        }

        #[allow(deprecated)]
        impl IconName {
            /// The built-in names, in catalogue order.
            pub const BUILT_IN: &'static [&'static str] = &[#(#values),*];

            /// An app-supplied icon, serialized as `"vendor:<name>"`.
            #[deprecated(note = #vendor_note)]
            pub fn vendor(name: impl ::core::convert::Into<::std::string::String>) -> Self {
                Self::Vendor(name.into())
            }

            /// A Lucide icon, serialized as `"lucide:<name>"`.
            #[deprecated(note = #lucide_note)]
            pub fn lucide(name: impl ::core::convert::Into<::std::string::String>) -> Self {
                Self::Lucide(name.into())
            }

            /// The wire spelling, borrowed where it can be.
            pub fn as_str(&self) -> ::std::borrow::Cow<'_, str> {
                match self {
                    #(Self::#variants => ::std::borrow::Cow::Borrowed(#values),)*
                    Self::Vendor(name) => ::std::borrow::Cow::Owned(::std::format!("vendor:{name}")),
                    Self::Lucide(name) => ::std::borrow::Cow::Owned(::std::format!("lucide:{name}")),
                }
            }
        }

        #[allow(deprecated)]
        impl ::core::str::FromStr for IconName {
            type Err = #krate::UnknownValue;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                match value {
                    #(#values => ::core::result::Result::Ok(Self::#variants),)*
                    _ => {
                        if let ::core::option::Option::Some(name) = value.strip_prefix("vendor:") {
                            ::core::result::Result::Ok(Self::Vendor(name.into()))
                        } else if let ::core::option::Option::Some(name) = value.strip_prefix("lucide:") {
                            ::core::result::Result::Ok(Self::Lucide(name.into()))
                        } else {
                            ::core::result::Result::Err(#krate::UnknownValue::new("IconName", value, Self::BUILT_IN))
                        }
                    }
                }
            }
        }

        impl ::core::fmt::Display for IconName {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&self.as_str())
            }
        }

        impl ::serde::Serialize for IconName {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for IconName {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                #krate::__private::deserialize_literal(deserializer)
            }
        }
    }
}

fn component_struct(component: &Component, krate: &TokenStream) -> TokenStream {
    let name = format_ident!("{}", component.rust);
    let wire = component.name;
    let mut doc = component.doc.to_owned();
    if let Placement::Only(parent) = component.placement {
        let parent = catalog::by_name(parent).map_or(parent, |p| p.rust);
        doc.push_str(&format!(" Only valid directly inside [`{parent}`]."));
    }
    if let Some(support) = component.support.doc() {
        doc.push_str(&format!("\n\n{support}"));
    }
    let struct_doc = doc_attr(&doc);
    let new_deprecated = deprecated_attr(
        component
            .support
            .deprecation(&format!("The `{}` component", component.rust)),
    );
    let prop_deprecated = |prop: &Prop| {
        deprecated_attr(
            prop.support
                .deprecation(&format!("The `{}` prop of `{}`", prop.name, component.rust)),
        )
    };
    let prop_doc = |prop: &Prop| match prop.support.doc() {
        Some(support) => format!("{}\n\n{support}", prop.doc),
        None => prop.doc.to_owned(),
    };
    let wire_doc = doc_attr(&format!("Serialized with `\"type\": \"{wire}\"`."));

    let props: Vec<&Prop> = component.all_props().collect();
    let fields = props.iter().map(|prop| {
        let ident = format_ident!("{}", prop.name);
        let ty = field_type(prop.kind, krate);
        let doc = doc_attr(&prop_doc(prop));
        let deprecated = prop_deprecated(prop);
        if prop.required {
            quote!(#doc #deprecated pub #ident: #ty,)
        } else {
            quote!(#doc #deprecated pub #ident: ::core::option::Option<#ty>,)
        }
    });

    let child_ty = child_type(component, krate);
    let children_field = match (&component.children, &child_ty) {
        (Children::Single, Some(ty)) => quote! {
            /// The single animated child.
            pub children: ::std::boxed::Box<#ty>,
        },
        (Children::List { required: true, .. }, Some(ty)) => quote! {
            /// The children, in order.
            pub children: ::std::vec::Vec<#ty>,
        },
        (
            Children::List {
                required: false, ..
            },
            Some(ty),
        ) => quote! {
            /// The children, in order; `None` leaves the prop out of the JSON.
            pub children: ::core::option::Option<::std::vec::Vec<#ty>>,
        },
        _ => quote!(),
    };

    // `new` takes the required props in catalogue order (and the child of a `Transition`).
    let required: Vec<&Prop> = props.iter().copied().filter(|p| p.required).collect();
    let mut new_params = Vec::new();
    let mut new_inits = Vec::new();
    for prop in &required {
        let ident = format_ident!("{}", prop.name);
        let (param, convert) = setter_param(prop.kind, krate);
        new_params.push(quote!(#ident: #param));
        new_inits.push(quote!(#ident: { let value = #ident; #convert },));
    }
    for prop in props.iter().filter(|p| !p.required) {
        let ident = format_ident!("{}", prop.name);
        new_inits.push(quote!(#ident: ::core::option::Option::None,));
    }
    match (&component.children, &child_ty) {
        (Children::Single, Some(ty)) => {
            new_params.push(quote!(child: impl ::core::convert::Into<#ty>));
            new_inits.push(quote!(children: ::std::boxed::Box::new(child.into()),));
        }
        (Children::List { required: true, .. }, _) => {
            new_inits.push(quote!(children: ::std::vec::Vec::new(),));
        }
        (
            Children::List {
                required: false, ..
            },
            _,
        ) => {
            new_inits.push(quote!(children: ::core::option::Option::None,));
        }
        _ => {}
    }
    let new_doc = if required.is_empty() && component.children != Children::Single {
        "An empty component; add props with the builder methods.".to_owned()
    } else {
        let mut args: Vec<String> = required.iter().map(|p| format!("`{}`", p.name)).collect();
        if component.children == Children::Single {
            args.push("its child".to_owned());
        }
        format!(
            "A new component from its required props: {}.",
            args.join(", ")
        )
    };
    let new_doc = doc_attr(&new_doc);

    let setters = props.iter().map(|prop| {
        let ident = format_ident!("{}", prop.name);
        let (param, convert) = setter_param(prop.kind, krate);
        let doc = doc_attr(&format!("Sets `{}`: {}", prop.wire_name(), prop_doc(prop)));
        let deprecated = prop_deprecated(prop);
        let store = if prop.required {
            quote!(self.#ident = #convert;)
        } else {
            quote!(self.#ident = ::core::option::Option::Some(#convert);)
        };
        quote! {
            #doc
            #deprecated
            #[must_use]
            pub fn #ident(mut self, value: #param) -> Self {
                #store
                self
            }
        }
    });

    let child_methods = match (&component.children, &child_ty) {
        (Children::List { required, .. }, Some(ty)) => {
            let target = if *required {
                quote!(self.children)
            } else {
                quote!(self.children.get_or_insert_with(::std::vec::Vec::new))
            };
            quote! {
                /// Appends a child.
                #[must_use]
                pub fn child(mut self, child: impl ::core::convert::Into<#ty>) -> Self {
                    #target.push(child.into());
                    self
                }

                /// Appends children.
                #[must_use]
                pub fn children<C: ::core::convert::Into<#ty>>(mut self, children: impl ::core::iter::IntoIterator<Item = C>) -> Self {
                    #target.extend(children.into_iter().map(::core::convert::Into::into));
                    self
                }
            }
        }
        (Children::Single, Some(ty)) => quote! {
            /// Replaces the child.
            #[must_use]
            pub fn child(mut self, child: impl ::core::convert::Into<#ty>) -> Self {
                self.children = ::std::boxed::Box::new(child.into());
                self
            }
        },
        _ => quote!(),
    };

    let default_impl = if new_params.is_empty() {
        quote! {
            #[allow(deprecated)]
            impl ::core::default::Default for #name {
                fn default() -> Self { Self::new() }
            }
        }
    } else {
        quote!()
    };

    let serialize = serialize_impl(component, &props);
    let deserialize = deserialize_impl(component, &props, krate);

    quote! {
        #struct_doc
        ///
        #wire_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #children_field
            /// Props this version does not know, kept verbatim so a round trip loses nothing.
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }

        // The Python-only props are deprecated for users; the generated code
        // that builds, reads and writes them is not a use.
        #[allow(deprecated)]
        impl #name {
            /// The wire `type` of this component.
            pub const TYPE: &'static str = #wire;

            #new_doc
            #new_deprecated
            pub fn new(#(#new_params),*) -> Self {
                Self {
                    #(#new_inits)*
                    extra: ::serde_json::Map::new(),
                }
            }

            #(#setters)*
            #child_methods

            /// Sets a prop this version does not know, verbatim.
            #[must_use]
            pub fn extra_prop(mut self, name: impl ::core::convert::Into<::std::string::String>, value: impl ::core::convert::Into<::serde_json::Value>) -> Self {
                self.extra.insert(name.into(), value.into());
                self
            }
        }

        #default_impl
        #serialize
        #deserialize
    }
}

fn serialize_impl(component: &Component, props: &[&Prop]) -> TokenStream {
    let name = format_ident!("{}", component.rust);
    let wire = component.name;
    let entries = props.iter().map(|prop| {
        let ident = format_ident!("{}", prop.name);
        let key = prop.wire_name();
        if prop.required {
            quote!(map.serialize_entry(#key, &self.#ident)?;)
        } else {
            quote! {
                if let ::core::option::Option::Some(value) = &self.#ident {
                    map.serialize_entry(#key, value)?;
                }
            }
        }
    });
    let children = match component.children {
        Children::None => quote!(),
        Children::Single | Children::List { required: true, .. } => {
            quote!(map.serialize_entry("children", &self.children)?;)
        }
        Children::List {
            required: false, ..
        } => quote! {
            if let ::core::option::Option::Some(children) = &self.children {
                map.serialize_entry("children", children)?;
            }
        },
    };
    quote! {
        #[allow(deprecated)]
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::core::option::Option::None)?;
                map.serialize_entry("type", #wire)?;
                #(#entries)*
                #children
                for (key, value) in &self.extra {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

fn deserialize_impl(component: &Component, props: &[&Prop], krate: &TokenStream) -> TokenStream {
    let name = format_ident!("{}", component.rust);
    let wire = component.name;
    let expecting = format!("a `{wire}` widget object");
    let idents: Vec<_> = props
        .iter()
        .map(|p| format_ident!("__{}", p.name))
        .collect();
    let keys: Vec<_> = props.iter().map(|p| p.wire_name()).collect();
    let types: Vec<_> = props.iter().map(|p| field_type(p.kind, krate)).collect();
    let finish = props.iter().zip(&idents).zip(&keys).map(|((prop, ident), key)| {
        let field = format_ident!("{}", prop.name);
        if prop.required {
            quote!(#field: #ident.ok_or_else(|| <A::Error as ::serde::de::Error>::missing_field(#key))?,)
        } else {
            quote!(#field: #ident,)
        }
    });
    let (children_decl, children_arm, children_finish) = match component.children {
        Children::None => (quote!(), quote!(), quote!()),
        _ => {
            let ty = match component.children {
                Children::Single => {
                    let child = child_type(component, krate);
                    quote!(::std::boxed::Box<#child>)
                }
                _ => {
                    let child = child_type(component, krate);
                    quote!(::std::vec::Vec<#child>)
                }
            };
            let finish = match component.children {
                Children::List {
                    required: false, ..
                } => quote!(children: __children,),
                _ => quote! {
                    children: __children.ok_or_else(|| <A::Error as ::serde::de::Error>::missing_field("children"))?,
                },
            };
            (
                quote!(let mut __children: ::core::option::Option<#ty> = ::core::option::Option::None;),
                quote! {
                    "children" => {
                        if __children.is_some() {
                            return ::core::result::Result::Err(<A::Error as ::serde::de::Error>::duplicate_field("children"));
                        }
                        __children = map.next_value::<::core::option::Option<#ty>>()?;
                    }
                },
                finish,
            )
        }
    };
    let unexpected_type = Literal::string(wire);
    quote! {
        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<#name, A::Error> {
                        let mut __type_seen = false;
                        #(let mut #idents: ::core::option::Option<#types> = ::core::option::Option::None;)*
                        #children_decl
                        let mut extra = ::serde_json::Map::new();
                        while let ::core::option::Option::Some(key) = map.next_key::<#krate::__private::Key<'de>>()? {
                            match key.as_str() {
                                "type" => {
                                    let tag = map.next_value::<#krate::__private::Key<'de>>()?;
                                    if tag.as_str() != #wire {
                                        return ::core::result::Result::Err(<A::Error as ::serde::de::Error>::invalid_value(
                                            ::serde::de::Unexpected::Str(tag.as_str()),
                                            &#unexpected_type,
                                        ));
                                    }
                                    __type_seen = true;
                                }
                                #(
                                    #keys => {
                                        if #idents.is_some() {
                                            return ::core::result::Result::Err(<A::Error as ::serde::de::Error>::duplicate_field(#keys));
                                        }
                                        #idents = map.next_value::<::core::option::Option<#types>>()?;
                                    }
                                )*
                                #children_arm
                                _ => {
                                    let value = map.next_value::<::serde_json::Value>()?;
                                    extra.insert(key.into_string(), value);
                                }
                            }
                        }
                        if !__type_seen {
                            return ::core::result::Result::Err(<A::Error as ::serde::de::Error>::missing_field("type"));
                        }
                        ::core::result::Result::Ok(#name {
                            #(#finish)*
                            #children_finish
                            extra,
                        })
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}

/// `WidgetComponent`, `WidgetRoot`, `WidgetNode` and their conversions.
fn unions(krate: &TokenStream) -> TokenStream {
    let components: Vec<&Component> = COMPONENTS
        .iter()
        .copied()
        .filter(|c| c.placement == Placement::Component)
        .collect();
    let roots: Vec<&Component> = COMPONENTS
        .iter()
        .copied()
        .filter(|c| c.placement == Placement::Root)
        .collect();
    let union = |name: &str, doc: &str, members: &[&Component]| {
        let ident = format_ident!("{}", name);
        let variants: Vec<_> = members
            .iter()
            .map(|c| format_ident!("{}", c.rust))
            .collect();
        let wires: Vec<_> = members.iter().map(|c| c.name).collect();
        let doc = doc_attr(doc);
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #ident {
                #( #[doc = concat!(" A `", #wires, "`.")] #variants(#variants), )*
                /// A widget this version does not know, or one whose props did
                /// not fit the typed component; kept verbatim.
                Dynamic(#krate::DynamicWidget),
            }

            impl #ident {
                /// The wire `type` of the widget.
                pub fn type_name(&self) -> &str {
                    match self {
                        #( Self::#variants(_) => #wires, )*
                        Self::Dynamic(widget) => widget.type_name(),
                    }
                }

                /// The widget's `id`, if it has one.
                pub fn id(&self) -> ::core::option::Option<&str> {
                    match self {
                        #( Self::#variants(widget) => widget.id.as_deref(), )*
                        Self::Dynamic(widget) => widget.id(),
                    }
                }

                /// The widget's `key`, if it has one.
                pub fn key(&self) -> ::core::option::Option<&str> {
                    match self {
                        #( Self::#variants(widget) => widget.key.as_deref(), )*
                        Self::Dynamic(widget) => widget.key(),
                    }
                }

                /// Parses a JSON object whose `type` is known, falling back
                /// to `Dynamic` when the object does not fit the typed component.
                pub(crate) fn from_object(object: ::serde_json::Map<::std::string::String, ::serde_json::Value>) -> Self {
                    let value = ::serde_json::Value::Object(object);
                    let typed = match value.get("type").and_then(::serde_json::Value::as_str) {
                        #( ::core::option::Option::Some(#wires) => <#variants as ::serde::Deserialize>::deserialize(&value).ok().map(Self::#variants), )*
                        _ => ::core::option::Option::None,
                    };
                    match typed {
                        ::core::option::Option::Some(widget) => widget,
                        ::core::option::Option::None => match value {
                            ::serde_json::Value::Object(object) => Self::Dynamic(#krate::DynamicWidget::from_object(object)),
                            _ => ::core::unreachable!("constructed from an object above"),
                        },
                    }
                }
            }

            impl ::serde::Serialize for #ident {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    match self {
                        #( Self::#variants(widget) => widget.serialize(serializer), )*
                        Self::Dynamic(widget) => widget.serialize(serializer),
                    }
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #ident {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let object = #krate::__private::deserialize_widget_object(deserializer)?;
                    ::core::result::Result::Ok(Self::from_object(object))
                }
            }

            #(
                impl ::core::convert::From<#variants> for #ident {
                    fn from(widget: #variants) -> Self { Self::#variants(widget) }
                }
            )*

            impl ::core::convert::From<#krate::DynamicWidget> for #ident {
                fn from(widget: #krate::DynamicWidget) -> Self { Self::Dynamic(widget) }
            }
        }
    };
    let component_union = union(
        "WidgetComponent",
        "Any component that can appear inside a container.",
        &components,
    );
    let root_union = union(
        "WidgetRoot",
        "A widget that can be sent to ChatKit on its own: `Card`, `ListView` or `Basic`.",
        &roots,
    );
    let root_wires: Vec<_> = roots.iter().map(|c| c.name).collect();
    let node_from = components.iter().chain(&roots).map(|c| {
        let ident = format_ident!("{}", c.rust);
        let via = if c.placement == Placement::Root {
            quote!(WidgetRoot)
        } else {
            quote!(WidgetComponent)
        };
        quote! {
            impl ::core::convert::From<#ident> for WidgetNode {
                fn from(widget: #ident) -> Self { Self::#via(widget.into()) }
            }
        }
    });
    quote! {
        #component_union
        #root_union

        /// A child of `Basic`: a component or a whole root widget.
        #[derive(Debug, Clone, PartialEq)]
        pub enum WidgetNode {
            /// A root widget (`Card`, `ListView`, `Basic`).
            WidgetRoot(WidgetRoot),
            /// Any other component.
            WidgetComponent(WidgetComponent),
        }

        impl ::serde::Serialize for WidgetNode {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    Self::WidgetRoot(widget) => widget.serialize(serializer),
                    Self::WidgetComponent(widget) => widget.serialize(serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for WidgetNode {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let object = #krate::__private::deserialize_widget_object(deserializer)?;
                ::core::result::Result::Ok(match object.get("type").and_then(::serde_json::Value::as_str) {
                    ::core::option::Option::Some(#(#root_wires)|*) => Self::WidgetRoot(WidgetRoot::from_object(object)),
                    _ => Self::WidgetComponent(WidgetComponent::from_object(object)),
                })
            }
        }

        impl ::core::convert::From<WidgetRoot> for WidgetNode {
            fn from(widget: WidgetRoot) -> Self { Self::WidgetRoot(widget) }
        }

        impl ::core::convert::From<WidgetComponent> for WidgetNode {
            fn from(widget: WidgetComponent) -> Self { Self::WidgetComponent(widget) }
        }

        impl ::core::convert::From<#krate::DynamicWidget> for WidgetNode {
            fn from(widget: #krate::DynamicWidget) -> Self { Self::WidgetComponent(widget.into()) }
        }

        #(#node_from)*
    }
}

/// `Container` for every component with a child list, and `ChildOf` for
/// every child type each one accepts.
fn child_impls(krate: &TokenStream) -> TokenStream {
    let mut out = TokenStream::new();
    for parent in COMPONENTS {
        let Children::List { of, required } = parent.children else {
            continue;
        };
        let parent_ident = format_ident!("{}", parent.rust);
        let Some(child_ty) = child_type(parent, krate) else {
            continue;
        };
        let list = if required {
            quote!(&mut self.children)
        } else {
            quote!(self.children.get_or_insert_with(::std::vec::Vec::new))
        };
        out.extend(quote! {
            impl #krate::Container for #parent_ident {
                type Child = #child_ty;
                fn children_mut(&mut self) -> &mut ::std::vec::Vec<#child_ty> {
                    #list
                }
            }
        });
        let mut accepted: Vec<TokenStream> = COMPONENTS
            .iter()
            .filter(|child| parent.accepts(child))
            .map(|child| {
                let ident = format_ident!("{}", child.rust);
                quote!(#ident)
            })
            .collect();
        match of {
            ChildKind::Component => {
                accepted.extend([quote!(WidgetComponent), quote!(#krate::DynamicWidget)]);
            }
            ChildKind::Node => accepted.extend([
                quote!(WidgetComponent),
                quote!(WidgetRoot),
                quote!(WidgetNode),
                quote!(#krate::DynamicWidget),
            ]),
            ChildKind::Only(_) => {}
        }
        for child in accepted {
            out.extend(quote! {
                impl #krate::ChildOf<#parent_ident> for #child {
                    fn push_into(self, children: &mut ::std::vec::Vec<#child_ty>) {
                        children.push(self.into());
                    }
                }
            });
        }
    }
    out
}
