//! `#[ffi] impl` blocks: which type they belong to, and the functions they
//! export (lowered like free methods, with `&self` as the receiver).

use ffi_abi::checks::unraw;
use syn::spanned::Spanned;

use super::collect::{Annotated, FnDecl, ImplBlock};
use crate::diagnostic::Diagnostic;
use crate::ir::Object;

/// The type an `#[ffi] impl` block adds methods to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Library,
    /// By index into the objects.
    Object(usize),
}

/// The block's type, or an error when it is neither the `#[ffi_library]`
/// type nor an `#[ffi_object]` (or the block is generic or a trait impl).
pub(crate) fn target(
    block: &Annotated<ImplBlock>,
    state: Option<&str>,
    objects: &[Object],
    errors: &mut Vec<Diagnostic>,
) -> Option<Target> {
    let b = &block.item;
    if let Some(t) = &b.trait_ {
        errors.push(block.origin.diag(
            t.span(),
            "`#[ffi]` cannot export a trait impl",
            "put `#[ffi]` on an inherent `impl Type { .. }` block; call the trait's methods \
             from there",
        ));
        return None;
    }
    let ident = match &b.self_ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    };
    let Some(ident) = ident else {
        errors.push(block.origin.diag(
            b.self_ty.span(),
            "`#[ffi]` impl of a type that is not a plain name",
            "write `#[ffi] impl Name { .. }` for the `#[ffi_library]` type or an `#[ffi_object]`",
        ));
        return None;
    };
    let mut problems = Vec::new();
    ffi_abi::checks::no_generics(&b.generics, "`#[ffi]` impl block", ident, &mut problems);
    if !problems.is_empty() {
        super::common::report(&block.origin, problems, errors);
        return None;
    }
    let name = unraw(ident);
    if state == Some(name.as_str()) {
        return Some(Target::Library);
    }
    if let Some(i) = objects.iter().position(|o| o.name == name) {
        return Some(Target::Object(i));
    }
    errors.push(block.origin.diag(
        ident.span(),
        format!("`#[ffi] impl {name}`: `{name}` is neither the `#[ffi_library]` type nor an `#[ffi_object]`"),
        &format!("add `#[ffi_object]` to `{name}` to export its methods, or remove `#[ffi]`"),
    ));
    None
}

/// The block's exported functions, each as an annotated function of its own.
pub(crate) fn functions(block: &Annotated<ImplBlock>) -> Vec<Annotated<FnDecl>> {
    block
        .item
        .fns
        .iter()
        .map(|f| Annotated {
            origin: block.origin.clone(),
            attr: block.attr.clone(),
            vis: f.vis.clone(),
            item: FnDecl {
                attrs: f.attrs.clone(),
                vis: f.vis.clone(),
                sig: f.sig.clone(),
                body: f.body,
            },
        })
        .collect()
}
