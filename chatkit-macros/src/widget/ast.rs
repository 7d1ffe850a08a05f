//! The syntax tree of `widget!`, parsed leniently: the grammar is checked
//! here, everything the catalogue knows (names, props, values, nesting) is
//! checked by `validate`.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned as _;
use syn::{Expr, Ident, Pat, Token, braced, token};

/// `$crate; Card { ... }`: the path of `widget-dsl` (forwarded by the
/// `widget!` wrapper macro), then exactly one element.
pub(crate) struct WidgetInput {
    pub(crate) krate: TokenStream,
    pub(crate) root: Element,
}

impl Parse for WidgetInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut krate = TokenStream::new();
        while !input.peek(Token![;]) {
            if input.is_empty() {
                return Err(input.error("expected the crate path before `;`"));
            }
            krate.extend([input.parse::<TokenTree>()?]);
        }
        input.parse::<Token![;]>()?;
        if input.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                "`widget!` is empty: expected a widget, such as `Card { Text { value: \"Hello\" } }`",
            ));
        }
        let root: Element = input.parse()?;
        if !input.is_empty() {
            return Err(input.error(
                "`widget!` takes exactly one widget; put several inside a container such as `Col { ... }`",
            ));
        }
        Ok(Self { krate, root })
    }
}

/// The name of a component: `Card`, `TableRow`, or the wire form `Table.Row`.
pub(crate) struct ElementName {
    pub(crate) text: String,
    pub(crate) span: Span,
}

/// `Name { props and children }`
pub(crate) struct Element {
    pub(crate) name: ElementName,
    pub(crate) brace: token::Brace,
    pub(crate) body: Vec<BodyItem>,
}

/// One entry of an element's body.
pub(crate) enum BodyItem {
    /// `size: "md"` or the shorthand `value` (for `value: value`).
    Prop(PropAttr),
    Child(ChildNode),
}

pub(crate) struct PropAttr {
    pub(crate) name: Ident,
    pub(crate) value: Expr,
}

pub(crate) enum ChildNode {
    /// `Text { ... }`
    Element(Element),
    /// `for item in items { ... }`
    For(ForLoop),
    /// `if cond { ... } else { ... }`, including `if let`.
    If(IfChain),
    /// `match value { pattern => { ... } }`
    Match(MatchNode),
    /// `{expr}`: a widget, or an iterator of widgets.
    Expr(ExprChild),
}

impl ChildNode {
    pub(crate) fn span(&self) -> Span {
        match self {
            Self::Element(element) => element.name.span,
            Self::For(node) => node.for_token.span,
            Self::If(node) => node.if_token.span,
            Self::Match(node) => node.match_token.span,
            Self::Expr(node) => node.brace.span.join(),
        }
    }
}

pub(crate) struct ForLoop {
    pub(crate) for_token: Token![for],
    pub(crate) pat: Pat,
    pub(crate) iter: Expr,
    pub(crate) body: Vec<BodyItem>,
}

pub(crate) struct IfChain {
    pub(crate) if_token: Token![if],
    /// The condition, `let` patterns included, re-emitted verbatim.
    pub(crate) cond: TokenStream,
    pub(crate) then: Vec<BodyItem>,
    pub(crate) otherwise: Option<Else>,
}

pub(crate) enum Else {
    If(Box<IfChain>),
    Block(Vec<BodyItem>),
}

pub(crate) struct MatchNode {
    pub(crate) match_token: Token![match],
    pub(crate) expr: Expr,
    pub(crate) arms: Vec<MatchArm>,
}

pub(crate) struct MatchArm {
    pub(crate) pat: Pat,
    pub(crate) guard: Option<Expr>,
    pub(crate) body: Vec<BodyItem>,
}

pub(crate) struct ExprChild {
    pub(crate) brace: token::Brace,
    pub(crate) stmts: Vec<syn::Stmt>,
}

impl Parse for Element {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let first = input.call(Ident::parse_any)?;
        let mut text = first.to_string();
        let mut span = first.span();
        // `Table.Row`: the wire spelling of a two-part name.
        if input.peek(Token![.]) && input.peek2(Ident) {
            input.parse::<Token![.]>()?;
            let second: Ident = input.parse()?;
            text = format!("{text}.{second}");
            span = first.span().join(second.span()).unwrap_or(span);
        }
        if !input.peek(token::Brace) {
            return Err(syn::Error::new(
                span,
                format!("expected `{{` after `{text}`: components are written `{text} {{ ... }}`"),
            ));
        }
        let content;
        let brace = braced!(content in input);
        let body = parse_body(&content)?;
        Ok(Self {
            name: ElementName { text, span },
            brace,
            body,
        })
    }
}

/// Parses props and children up to the end of a brace group.
///
/// The rules, checked in this order:
/// - `for`, `if`, `match` start control flow;
/// - `{` starts a child expression;
/// - `ident:` (not `ident::`) is a prop, `ident` followed by `,` or the end
///   is a shorthand prop;
/// - `Ident {` and `Ident.Ident {` are elements;
/// - anything else is an error that says what was expected.
fn parse_body(input: ParseStream<'_>) -> syn::Result<Vec<BodyItem>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        let item = parse_item(input)?;
        let is_prop = matches!(item, BodyItem::Prop(_));
        items.push(item);
        if input.is_empty() {
            break;
        }
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        } else if is_prop {
            return Err(input.error("expected `,` after the prop's value; did you forget a comma?"));
        }
    }
    Ok(items)
}

fn parse_item(input: ParseStream<'_>) -> syn::Result<BodyItem> {
    if input.peek(Token![for]) {
        return input
            .parse()
            .map(|node| BodyItem::Child(ChildNode::For(node)));
    }
    if input.peek(Token![if]) {
        return input
            .parse()
            .map(|node| BodyItem::Child(ChildNode::If(node)));
    }
    if input.peek(Token![match]) {
        return input
            .parse()
            .map(|node| BodyItem::Child(ChildNode::Match(node)));
    }
    if input.peek(token::Brace) {
        return input
            .parse()
            .map(|node| BodyItem::Child(ChildNode::Expr(node)));
    }
    if input.peek(syn::LitStr) {
        let lit: syn::LitStr = input.parse()?;
        return Err(syn::Error::new(
            lit.span(),
            format!(
                "bare text is not a widget; write `Text {{ value: {} }}`",
                lit.token()
            ),
        ));
    }
    if input.peek(Ident::peek_any) {
        let fork = input.fork();
        let ident = fork.call(Ident::parse_any)?;
        if fork.peek(Token![:]) && !fork.peek(Token![::]) {
            let name = input.call(Ident::parse_any)?;
            input.parse::<Token![:]>()?;
            if input.is_empty() || input.peek(Token![,]) {
                return Err(syn::Error::new(
                    name.span(),
                    format!("expected a value after `{name}:`"),
                ));
            }
            let value: Expr = input.parse()?;
            return Ok(BodyItem::Prop(PropAttr { name, value }));
        }
        if fork.peek(token::Brace) || (fork.peek(Token![.]) && fork.peek2(Ident)) {
            return input
                .parse()
                .map(|node| BodyItem::Child(ChildNode::Element(node)));
        }
        if fork.is_empty() || fork.peek(Token![,]) {
            let name = input.call(Ident::parse_any)?;
            if name
                .to_string()
                .starts_with(|c: char| c.is_ascii_uppercase())
            {
                return Err(syn::Error::new(
                    name.span(),
                    format!(
                        "expected `{{` after `{name}`: components are written `{name} {{}}` even without props"
                    ),
                ));
            }
            let value = Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: name.clone().into(),
            });
            return Ok(BodyItem::Prop(PropAttr { name, value }));
        }
        return Err(syn::Error::new(
            ident.span(),
            format!(
                "unexpected `{ident}`: expected a prop (`name: value`), a component (`Name {{ ... }}`), \
                 `for`, `if`, `match`, or an expression in braces (`{{expr}}`)"
            ),
        ));
    }
    Err(input.error(
        "expected a prop (`name: value`), a component (`Name { ... }`), `for`, `if`, `match`, \
         or an expression in braces (`{expr}`)",
    ))
}

impl Parse for ForLoop {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let for_token = input.parse()?;
        let pat = Pat::parse_multi_with_leading_vert(input)?;
        input.parse::<Token![in]>()?;
        let iter = Expr::parse_without_eager_brace(input)?;
        let content;
        braced!(content in input);
        let body = parse_body(&content)?;
        Ok(Self {
            for_token,
            pat,
            iter,
            body,
        })
    }
}

impl Parse for IfChain {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let if_token = input.parse()?;
        let cond = parse_condition(input)?;
        let content;
        braced!(content in input);
        let then = parse_body(&content)?;
        let otherwise = if input.peek(Token![else]) {
            input.parse::<Token![else]>()?;
            if input.peek(Token![if]) {
                Some(Else::If(Box::new(input.parse()?)))
            } else {
                let content;
                braced!(content in input);
                Some(Else::Block(parse_body(&content)?))
            }
        } else {
            None
        };
        Ok(Self {
            if_token,
            cond,
            then,
            otherwise,
        })
    }
}

/// An `if` condition: an expression, or `let PAT = EXPR`, joined by `&&`.
fn parse_condition(input: ParseStream<'_>) -> syn::Result<TokenStream> {
    let mut out = TokenStream::new();
    loop {
        if input.peek(Token![let]) {
            let let_token: Token![let] = input.parse()?;
            let pat = Pat::parse_multi_with_leading_vert(input)?;
            let eq: Token![=] = input.parse()?;
            let expr = parse_operand(input)?;
            out.extend(quote::quote!(#let_token #pat #eq #expr));
        } else {
            let expr = parse_operand(input)?;
            out.extend(quote::quote!(#expr));
        }
        if input.peek(Token![&&]) {
            let and: Token![&&] = input.parse()?;
            out.extend(quote::quote!(#and));
        } else {
            return Ok(out);
        }
    }
}

/// One operand of an `if` condition. A plain expression parse would swallow
/// `a && let ...`, so operands are split at top-level `&&` first.
fn parse_operand(input: ParseStream<'_>) -> syn::Result<Expr> {
    let mut tokens = TokenStream::new();
    while !input.is_empty() && !input.peek(token::Brace) && !input.peek(Token![&&]) {
        tokens.extend([input.parse::<TokenTree>()?]);
    }
    let span = tokens.span();
    syn::parse2::<Expr>(tokens).map_err(|err| syn::Error::new(span, err.to_string()))
}

impl Parse for MatchNode {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let match_token = input.parse()?;
        let expr = Expr::parse_without_eager_brace(input)?;
        let content;
        braced!(content in input);
        let mut arms = Vec::new();
        while !content.is_empty() {
            let pat = Pat::parse_multi_with_leading_vert(&content)?;
            let guard = if content.peek(Token![if]) {
                content.parse::<Token![if]>()?;
                Some(content.parse()?)
            } else {
                None
            };
            content.parse::<Token![=>]>()?;
            // `pattern => { children }` or `pattern => Component { ... }`.
            let body = if content.peek(token::Brace) {
                let inner;
                braced!(inner in content);
                parse_body(&inner)?
            } else {
                vec![parse_item(&content)?]
            };
            arms.push(MatchArm { pat, guard, body });
            if content.peek(Token![,]) {
                content.parse::<Token![,]>()?;
            }
        }
        Ok(Self {
            match_token,
            expr,
            arms,
        })
    }
}

impl Parse for ExprChild {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let content;
        let brace = braced!(content in input);
        let stmts = content.call(syn::Block::parse_within)?;
        if stmts.is_empty() {
            return Err(syn::Error::new(brace.span.join(), "empty child expression"));
        }
        Ok(Self { brace, stmts })
    }
}
