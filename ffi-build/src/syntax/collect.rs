//! Finding the items that carry one of our attributes, and sorting them by
//! attribute. Everything else in the crate is left alone.

use ffi_abi::checks::FnKind;
use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;

use super::modules::{Located, Origin};
use crate::diagnostic::Diagnostic;

/// The attribute an item carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Library,
    Type,
    Ctor,
    Method,
    Dtor,
    Event,
    Host,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::Library,
        Kind::Type,
        Kind::Ctor,
        Kind::Method,
        Kind::Dtor,
        Kind::Event,
        Kind::Host,
    ];

    pub fn attr_name(self) -> &'static str {
        match self {
            Kind::Library => "ffi_library",
            Kind::Type => "ffi_type",
            Kind::Ctor => FnKind::Ctor.attr_name(),
            Kind::Method => FnKind::Method.attr_name(),
            Kind::Dtor => FnKind::Dtor.attr_name(),
            Kind::Event => FnKind::Event.attr_name(),
            Kind::Host => FnKind::Host.attr_name(),
        }
    }

    /// Recognised by the last path segment, so `ffi_core::ffi` works too.
    pub fn of(attr: &syn::Attribute) -> Option<Kind> {
        let last = attr.path().segments.last()?;
        Kind::ALL.into_iter().find(|k| last.ident == k.attr_name())
    }
}

/// A function, with or without a body (`#[ffi_event]`/`#[ffi_host]` have none).
pub(crate) struct FnDecl {
    pub attrs: Vec<syn::Attribute>,
    pub vis: syn::Visibility,
    pub sig: syn::Signature,
    /// The span of the body, when there is one.
    pub body: Option<Span>,
}

impl Parse for FnDecl {
    /// A bodyless `fn` at module level, which syn leaves as verbatim tokens.
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        input.parse::<syn::Token![;]>()?;
        Ok(FnDecl {
            attrs,
            vis,
            sig,
            body: None,
        })
    }
}

pub(crate) enum TypeItem {
    Struct(syn::ItemStruct),
    Enum(syn::ItemEnum),
}

impl TypeItem {
    pub fn ident(&self) -> &syn::Ident {
        match self {
            TypeItem::Struct(s) => &s.ident,
            TypeItem::Enum(e) => &e.ident,
        }
    }
}

/// An annotated item and where it was found.
pub(crate) struct Annotated<T> {
    pub origin: Origin,
    pub attr: syn::Attribute,
    pub vis: syn::Visibility,
    pub item: T,
}

#[derive(Default)]
pub(crate) struct Collected {
    pub libraries: Vec<Annotated<syn::ItemStruct>>,
    pub types: Vec<Annotated<TypeItem>>,
    pub ctors: Vec<Annotated<FnDecl>>,
    pub methods: Vec<Annotated<FnDecl>>,
    pub dtors: Vec<Annotated<FnDecl>>,
    pub events: Vec<Annotated<FnDecl>>,
    pub hosts: Vec<Annotated<FnDecl>>,
}

pub(crate) fn collect(items: Vec<Located>, errors: &mut Vec<Diagnostic>) -> Collected {
    let mut out = Collected::default();
    for Located { origin, item } in items {
        match item {
            syn::Item::Struct(s) => {
                if let Some((kind, attr)) = annotation(&s.attrs, &origin, errors) {
                    let vis = s.vis.clone();
                    match kind {
                        Kind::Library => out.libraries.push(annotated(origin, attr, vis, s)),
                        Kind::Type => {
                            let item = TypeItem::Struct(s);
                            out.types.push(annotated(origin, attr, vis, item));
                        }
                        _ => errors.push(misplaced(&origin, &attr, kind, "a struct")),
                    }
                }
            }
            syn::Item::Enum(e) => {
                if let Some((kind, attr)) = annotation(&e.attrs, &origin, errors) {
                    match kind {
                        Kind::Type => {
                            let vis = e.vis.clone();
                            out.types
                                .push(annotated(origin, attr, vis, TypeItem::Enum(e)));
                        }
                        _ => errors.push(misplaced(&origin, &attr, kind, "an enum")),
                    }
                }
            }
            syn::Item::Fn(f) => {
                let decl = FnDecl {
                    body: Some(f.block.span()),
                    attrs: f.attrs,
                    vis: f.vis,
                    sig: f.sig,
                };
                push_fn(decl, origin, &mut out, errors);
            }
            syn::Item::Verbatim(tokens) => {
                if let Ok(decl) = syn::parse2::<FnDecl>(tokens) {
                    push_fn(decl, origin, &mut out, errors);
                }
            }
            syn::Item::Impl(imp) => {
                for f in imp.items.iter().filter_map(|i| match i {
                    syn::ImplItem::Fn(f) => Some(f),
                    _ => None,
                }) {
                    if let Some((kind, attr)) = annotation(&f.attrs, &origin, errors) {
                        errors.push(origin.diag(
                            attr.span(),
                            format!(
                                "`#[{}]` cannot be used on a function inside an `impl` block",
                                kind.attr_name()
                            ),
                            "make it a free function at module level that takes the state as \
                             its first parameter, e.g. `pub fn name(state: &State, ..)`",
                        ));
                    }
                }
            }
            other => {
                let attrs: &[syn::Attribute] = match &other {
                    syn::Item::Const(i) => &i.attrs,
                    syn::Item::Static(i) => &i.attrs,
                    syn::Item::Type(i) => &i.attrs,
                    syn::Item::Union(i) => &i.attrs,
                    syn::Item::Trait(i) => &i.attrs,
                    syn::Item::Use(i) => &i.attrs,
                    _ => &[],
                };
                if let Some((kind, attr)) = annotation(attrs, &origin, errors) {
                    errors.push(misplaced(&origin, &attr, kind, "this kind of item"));
                }
            }
        }
    }
    out
}

fn annotated<T>(
    origin: Origin,
    attr: syn::Attribute,
    vis: syn::Visibility,
    item: T,
) -> Annotated<T> {
    Annotated {
        origin,
        attr,
        vis,
        item,
    }
}

fn push_fn(decl: FnDecl, origin: Origin, out: &mut Collected, errors: &mut Vec<Diagnostic>) {
    let Some((kind, attr)) = annotation(&decl.attrs, &origin, errors) else {
        return;
    };
    let vis = decl.vis.clone();
    let list = match kind {
        Kind::Ctor => &mut out.ctors,
        Kind::Method => &mut out.methods,
        Kind::Dtor => &mut out.dtors,
        Kind::Event => &mut out.events,
        Kind::Host => &mut out.hosts,
        Kind::Library | Kind::Type => {
            errors.push(misplaced(&origin, &attr, kind, "a function"));
            return;
        }
    };
    list.push(annotated(origin, attr, vis, decl));
}

/// The one attribute of ours on an item, if any; a second one is an error.
fn annotation(
    attrs: &[syn::Attribute],
    origin: &Origin,
    errors: &mut Vec<Diagnostic>,
) -> Option<(Kind, syn::Attribute)> {
    let mut found = attrs.iter().filter_map(|a| Kind::of(a).map(|k| (k, a)));
    let (kind, attr) = found.next()?;
    for (other, extra) in found {
        errors.push(origin.diag(
            extra.span(),
            format!(
                "`#[{}]` cannot be combined with `#[{}]` on the same item",
                other.attr_name(),
                kind.attr_name()
            ),
            "keep one ffi attribute per item",
        ));
    }
    Some((kind, attr.clone()))
}

fn misplaced(origin: &Origin, attr: &syn::Attribute, kind: Kind, what: &str) -> Diagnostic {
    let expected = match kind {
        Kind::Library => "a struct with named fields",
        Kind::Type => "a struct with named fields or a fieldless enum",
        _ => "a free function",
    };
    origin.diag(
        attr.span(),
        format!("`#[{}]` cannot be applied to {what}", kind.attr_name()),
        &format!("`#[{}]` goes on {expected}", kind.attr_name()),
    )
}
