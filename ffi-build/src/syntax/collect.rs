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
    Object,
    Ctor,
    Method,
    Dtor,
    Event,
    Host,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::Library,
        Kind::Type,
        Kind::Object,
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
            Kind::Object => "ffi_object",
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

/// An `#[ffi] impl` block: the `pub fn`s it exports.
pub(crate) struct ImplBlock {
    pub self_ty: syn::Type,
    pub trait_: Option<syn::Path>,
    pub generics: syn::Generics,
    /// Its `pub fn`s, except those marked `#[ffi(skip)]`.
    pub fns: Vec<FnDecl>,
}

#[derive(Default)]
pub(crate) struct Collected {
    pub libraries: Vec<Annotated<syn::ItemStruct>>,
    pub types: Vec<Annotated<TypeItem>>,
    pub objects: Vec<Annotated<syn::ItemStruct>>,
    pub impls: Vec<Annotated<ImplBlock>>,
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
                        Kind::Object => out.objects.push(annotated(origin, attr, vis, s)),
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
            syn::Item::Impl(imp) => match annotation(&imp.attrs, &origin, errors) {
                Some((Kind::Method, attr)) => {
                    let block = impl_block(imp, &origin, errors);
                    out.impls
                        .push(annotated(origin, attr, syn::Visibility::Inherited, block));
                }
                Some((kind, attr)) => {
                    errors.push(misplaced(&origin, &attr, kind, "an impl block"));
                }
                None => {
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
                                "put `#[ffi]` on the impl block itself (of the `#[ffi_library]` \
                                 type or an `#[ffi_object]`): it exports every `pub fn` taking \
                                 `&self`",
                            ));
                        }
                    }
                }
            },
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

/// The exported functions of an `#[ffi] impl` block. Our attributes on its
/// functions are errors, except `#[ffi(skip)]`.
fn impl_block(imp: syn::ItemImpl, origin: &Origin, errors: &mut Vec<Diagnostic>) -> ImplBlock {
    let mut fns = Vec::new();
    for item in imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        if f.attrs.iter().any(is_ffi_skip) {
            continue;
        }
        if let Some((kind, attr)) = annotation(&f.attrs, origin, errors) {
            errors.push(origin.diag(
                attr.span(),
                format!(
                    "`#[{}]` on a function inside an `#[ffi]` impl block",
                    kind.attr_name()
                ),
                "remove it: the block's `#[ffi]` exports every `pub fn` taking `&self`; \
                 `#[ffi(skip)]` leaves one out",
            ));
            continue;
        }
        if !matches!(f.vis, syn::Visibility::Public(_)) {
            continue;
        }
        fns.push(FnDecl {
            body: Some(f.block.span()),
            attrs: f.attrs,
            vis: f.vis,
            sig: f.sig,
        });
    }
    ImplBlock {
        self_ty: *imp.self_ty,
        trait_: imp.trait_.map(|(_, path, _)| path),
        generics: imp.generics,
        fns,
    }
}

/// `#[ffi(skip)]`.
fn is_ffi_skip(attr: &syn::Attribute) -> bool {
    Kind::of(attr) == Some(Kind::Method)
        && attr
            .parse_args::<syn::Ident>()
            .is_ok_and(|arg| arg == "skip")
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
        Kind::Library | Kind::Type | Kind::Object => {
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
        Kind::Library | Kind::Object => "a struct",
        Kind::Type => "a struct with named fields or a fieldless enum",
        _ => "a free function or an impl block",
    };
    origin.diag(
        attr.span(),
        format!("`#[{}]` cannot be applied to {what}", kind.attr_name()),
        &format!("`#[{}]` goes on {expected}", kind.attr_name()),
    )
}
