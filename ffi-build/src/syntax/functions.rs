//! Lowering `#[ffi_ctor]`, `#[ffi]`, `#[ffi_dtor]`, `#[ffi_event]` and
//! `#[ffi_host]` functions. Their signatures are checked by the checks
//! shared with the macros (`ffi_abi::checks::check_fn`), given the state's
//! name, which only the whole crate knows.

use ffi_abi::checks::{FnKind, FnSig, ParamSig, check_fn, unraw};

use super::collect::{Annotated, FnDecl, Kind};
use super::common::{docs, location, report};
use super::modules::Origin;
use super::types::{Position, TypeResolver};
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
        let rust_path = f.origin.rust_path(&f.item.sig.ident.to_string());
        let outside = Position::Elsewhere("a constructor");
        self.function(f, &sig, rust_path, outside, outside)
    }

    /// A free `#[ffi]` function: a method of the library type, or a
    /// static function (`true`) when it takes no state.
    pub fn method(&mut self, f: &Annotated<FnDecl>) -> (Function, bool) {
        let sig = self.check(f, FnKind::Method);
        let rust_path = f.origin.rust_path(&f.item.sig.ident.to_string());
        if sig.is_static {
            let outside =
                Position::Elsewhere("a static function (it has no context to own objects)");
            (self.function(f, &sig, rust_path, outside, outside), true)
        } else {
            let f = self.function(f, &sig, rust_path, Position::Param, Position::Result);
            (f, false)
        }
    }

    /// A `pub fn` of an `#[ffi] impl` block of the type at `type_path`.
    pub fn impl_method(&mut self, f: &Annotated<FnDecl>, type_path: &str) -> Function {
        let sig = self.check(f, FnKind::ImplMethod);
        let rust_path = format!("{type_path}::{}", f.item.sig.ident);
        self.function(f, &sig, rust_path, Position::Param, Position::Result)
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
            params: self.params(&sig.params, &f.origin, Position::Elsewhere("an event")),
            docs: docs(&f.item.attrs),
        }
    }

    pub fn host(&mut self, f: &Annotated<FnDecl>) -> HostFn {
        let sig = self.check(f, FnKind::Host);
        let pos = Position::Elsewhere("a host function");
        HostFn {
            name: unraw(&f.item.sig.ident),
            params: self.params(&sig.params, &f.origin, pos),
            ret: self.ret(&sig, &f.origin, pos),
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

    fn params(&mut self, params: &[ParamSig<'_>], origin: &Origin, pos: Position) -> Vec<Param> {
        let idents: Vec<(&syn::Ident, String)> =
            params.iter().map(|p| (p.ident, p.name.clone())).collect();
        super::common::distinct_wire_names(&idents, "parameter", origin, self.errors);
        params
            .iter()
            .filter_map(|p| {
                let ty = self
                    .resolver
                    .lower(&p.shape, origin, pos)
                    .map_err(|d| self.errors.push(d))
                    .ok()?;
                Some(Param {
                    name: p.name.clone(),
                    ty,
                })
            })
            .collect()
    }

    fn ret(&mut self, sig: &FnSig<'_>, origin: &Origin, pos: Position) -> Option<TypeRef> {
        let shape = sig.ret.as_ref()?;
        self.resolver
            .lower(shape, origin, pos)
            .map_err(|d| self.errors.push(d))
            .ok()
    }

    fn function(
        &mut self,
        f: &Annotated<FnDecl>,
        sig: &FnSig<'_>,
        rust_path: String,
        params: Position,
        ret: Position,
    ) -> Function {
        Function {
            name: unraw(&f.item.sig.ident),
            rust_path,
            is_async: f.item.sig.asyncness.is_some(),
            params: self.params(&sig.params, &f.origin, params),
            ret: self.ret(sig, &f.origin, ret),
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
