//! Lowering `#[ffi_ctor]`, `#[ffi]`, `#[ffi_dtor]`, `#[ffi_event]` and
//! `#[ffi_host]` functions.

use syn::spanned::Spanned;

use super::collect::{Annotated, FnDecl, Kind};
use super::common::{check_no_generics, check_not_raw, docs, is_named, location, output_span};
use super::types::{TypeResolver, is_unit, result_ok_type};
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
        let sig = &f.item.sig;
        self.common(f, Kind::Ctor);
        let params = self.params(sig.inputs.iter(), &f.origin);
        let Some(state) = self.state else {
            return function(f, params, None);
        };
        let returns_state = match &sig.output {
            syn::ReturnType::Type(_, ty) => {
                result_ok_type(ty).is_some_and(|ok| is_named(ok, state))
            }
            syn::ReturnType::Default => false,
        };
        if !returns_state {
            self.errors.push(f.origin.diag(
                output_span(sig),
                format!(
                    "`#[ffi_ctor]` function `{}` must return `Result<{state}, String>`",
                    sig.ident
                ),
                &format!(
                    "the constructor builds the `#[ffi_library]` state `{state}`; \
                     a failure is reported to the caller as the error string"
                ),
            ));
        }
        function(f, params, None)
    }

    pub fn method(&mut self, f: &Annotated<FnDecl>) -> Function {
        let sig = &f.item.sig;
        self.common(f, Kind::Method);
        self.state_param(f, Kind::Method);
        let params = self.params(sig.inputs.iter().skip(1), &f.origin);
        let ret = self.result(f, Kind::Method);
        function(f, params, ret)
    }

    pub fn dtor(&mut self, f: &Annotated<FnDecl>) -> Dtor {
        let sig = &f.item.sig;
        self.common(f, Kind::Dtor);
        self.state_param(f, Kind::Dtor);
        if let Some(extra) = sig.inputs.iter().nth(1) {
            self.errors.push(f.origin.diag(
                extra.span(),
                format!(
                    "`#[ffi_dtor]` function `{}` takes only `&{}`",
                    sig.ident,
                    self.state_name()
                ),
                &format!("write `fn {}(state: &{})`", sig.ident, self.state_name()),
            ));
        }
        match &sig.output {
            syn::ReturnType::Type(_, ty) if !is_unit(ty) => self.errors.push(f.origin.diag(
                ty.span(),
                format!(
                    "`#[ffi_dtor]` function `{}` must not return a value",
                    sig.ident
                ),
                "teardown cannot report anything to the host; handle errors inside it",
            )),
            _ => {}
        }
        Dtor {
            name: sig.ident.to_string(),
            rust_path: f.origin.rust_path(&sig.ident.to_string()),
            is_async: sig.asyncness.is_some(),
        }
    }

    pub fn event(&mut self, f: &Annotated<FnDecl>) -> Event {
        let sig = &f.item.sig;
        let name = &sig.ident;
        self.common(f, Kind::Event);
        let hint = format!("declare it as `#[ffi_event] pub fn {name}(..);`: fire and forget");
        if let Some(a) = &sig.asyncness {
            self.errors.push(f.origin.diag(
                a.span,
                format!("`#[ffi_event]` `{name}` cannot be async"),
                &hint,
            ));
        }
        if let Some(body) = f.item.body {
            self.errors.push(f.origin.diag(
                body,
                format!("`#[ffi_event]` `{name}` must not have a body"),
                &format!("{hint}; the generated body delivers it to the host's listeners"),
            ));
        }
        if let syn::ReturnType::Type(_, ty) = &sig.output {
            self.errors.push(f.origin.diag(
                ty.span(),
                format!("`#[ffi_event]` `{name}` cannot return a value"),
                &hint,
            ));
        }
        Event {
            name: name.to_string(),
            params: self.params(sig.inputs.iter(), &f.origin),
            docs: docs(&f.item.attrs),
        }
    }

    pub fn host(&mut self, f: &Annotated<FnDecl>) -> HostFn {
        let sig = &f.item.sig;
        let name = &sig.ident;
        self.common(f, Kind::Host);
        let hint =
            format!("declare it as `#[ffi_host] pub async fn {name}(..) -> Result<T, String>;`");
        if sig.asyncness.is_none() {
            self.errors.push(f.origin.diag(
                sig.fn_token.span,
                format!("`#[ffi_host]` `{name}` must be async"),
                &format!("{hint}; the host answers asynchronously"),
            ));
        }
        if let Some(body) = f.item.body {
            self.errors.push(f.origin.diag(
                body,
                format!("`#[ffi_host]` `{name}` must not have a body"),
                &format!("{hint}; the host implements it"),
            ));
        }
        HostFn {
            name: name.to_string(),
            params: self.params(sig.inputs.iter(), &f.origin),
            ret: self.result(f, Kind::Host),
            docs: docs(&f.item.attrs),
        }
    }

    pub(super) fn state_name(&self) -> &str {
        self.state.unwrap_or("State")
    }

    /// Checks every kind of function shares: no generics, a plain name.
    fn common(&mut self, f: &Annotated<FnDecl>, kind: Kind) {
        let sig = &f.item.sig;
        let what = format!("`#[{}]` function", kind.attr_name());
        check_no_generics(&sig.generics, &f.origin, &what, &sig.ident, self.errors);
        check_not_raw(&sig.ident, &f.origin, "function", self.errors);
    }
}

fn function(f: &Annotated<FnDecl>, params: Vec<Param>, ret: Option<TypeRef>) -> Function {
    let sig = &f.item.sig;
    Function {
        name: sig.ident.to_string(),
        rust_path: f.origin.rust_path(&sig.ident.to_string()),
        is_async: sig.asyncness.is_some(),
        params,
        ret,
        docs: docs(&f.item.attrs),
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
            extra.item.sig.ident
        ),
        &format!(
            "keep one; the first is `{}` at {}",
            first.item.sig.ident,
            location(&first.origin, first.item.sig.ident.span())
        ),
    )
}
