//! Lowering `#[ffi_ctor]`, `#[ffi]`, `#[ffi_dtor]`, `#[ffi_event]` and
//! `#[ffi_host]` functions. Their signatures are checked by the checks
//! shared with the macros (`ffi_abi::checks::check_fn`), given the state's
//! name, which only the whole crate knows.

use ffi_abi::checks::{FnKind, FnSig, ParamSig, check_fn, unraw};

use super::collect::{Annotated, FnDecl, Kind};
use super::common::{docs, location, report};
use super::modules::Origin;
use super::types::TypeResolver;
use crate::diagnostic::Diagnostic;
use crate::ir::{Dtor, Event, Function, HostFn, Param, TypeRef};

pub(crate) struct FnLowerer<'a> {
    /// The state type's name; `None` without an `#[ffi_library]` (already
    /// an error), which relaxes the checks that need it.
    pub state: Option<&'a str>,
    pub resolver: &'a TypeResolver<'a>,
    pub errors: &'a mut Vec<Diagnostic>,
}

impl FnLowerer<'_> {
    pub fn ctor(&mut self, f: &Annotated<FnDecl>) -> Function {
        let sig = self.check(f, FnKind::Ctor);
        self.function(f, &sig)
    }

    pub fn method(&mut self, f: &Annotated<FnDecl>) -> Function {
        let sig = self.check(f, FnKind::Method);
        self.function(f, &sig)
    }

    pub fn dtor(&mut self, f: &Annotated<FnDecl>) -> Dtor {
        self.check(f, FnKind::Dtor);
        let sig = &f.item.sig;
        Dtor {
            name: unraw(&sig.ident),
            rust_path: f.origin.rust_path(&sig.ident.to_string()),
            is_async: sig.asyncness.is_some(),
        }
    }

    pub fn event(&mut self, f: &Annotated<FnDecl>) -> Event {
        let sig = self.check(f, FnKind::Event);
        Event {
            name: unraw(&f.item.sig.ident),
            params: self.params(&sig.params, &f.origin),
            docs: docs(&f.item.attrs),
        }
    }

    pub fn host(&mut self, f: &Annotated<FnDecl>) -> HostFn {
        let sig = self.check(f, FnKind::Host);
        HostFn {
            name: unraw(&f.item.sig.ident),
            params: self.params(&sig.params, &f.origin),
            ret: self.ret(&sig, &f.origin),
            docs: docs(&f.item.attrs),
        }
    }

    /// The shared per-item checks, reported here.
    fn check<'f>(&mut self, f: &'f Annotated<FnDecl>, kind: FnKind) -> FnSig<'f> {
        let mut problems = Vec::new();
        let sig = check_fn(kind, &f.item.sig, f.item.body, self.state, &mut problems);
        report(&f.origin, problems, self.errors);
        sig
    }

    fn params(&mut self, params: &[ParamSig<'_>], origin: &Origin) -> Vec<Param> {
        params
            .iter()
            .filter_map(|p| {
                let ty = self
                    .resolver
                    .lower(&p.shape, origin)
                    .map_err(|d| self.errors.push(d))
                    .ok()?;
                Some(Param {
                    name: p.name.clone(),
                    ty,
                })
            })
            .collect()
    }

    fn ret(&mut self, sig: &FnSig<'_>, origin: &Origin) -> Option<TypeRef> {
        let shape = sig.ret.as_ref()?;
        self.resolver
            .lower(shape, origin)
            .map_err(|d| self.errors.push(d))
            .ok()
    }

    fn function(&mut self, f: &Annotated<FnDecl>, sig: &FnSig<'_>) -> Function {
        let ident = &f.item.sig.ident;
        Function {
            name: unraw(ident),
            rust_path: f.origin.rust_path(&ident.to_string()),
            is_async: f.item.sig.asyncness.is_some(),
            params: self.params(&sig.params, &f.origin),
            ret: self.ret(sig, &f.origin),
            docs: docs(&f.item.attrs),
        }
    }
}

/// A second constructor or destructor.
pub(crate) fn second_of(
    first: &Annotated<FnDecl>,
    extra: &Annotated<FnDecl>,
    kind: Kind,
) -> Diagnostic {
    let attr = kind.attr_name();
    let what = if kind == Kind::Ctor {
        "exactly one constructor"
    } else {
        "at most one destructor"
    };
    extra.origin.diag(
        extra.item.sig.ident.span(),
        format!(
            "a second `#[{attr}]` function `{}`; a library has {what}",
            unraw(&extra.item.sig.ident)
        ),
        &format!(
            "keep one; the first is `{}` at {}",
            unraw(&first.item.sig.ident),
            location(&first.origin, first.item.sig.ident.span())
        ),
    )
}
