//! The parts of a signature every kind of function shares: the `&State`
//! receiver, parameters, and the `Result<T, String>` return type.

use syn::spanned::Spanned;

use super::collect::{Annotated, FnDecl, Kind};
use super::common::{check_not_raw, is_named, output_span};
use super::functions::FnLowerer;
use super::modules::Origin;
use super::types::{is_unit, result_ok_type, tokens_to_string, type_to_string};
use crate::ir::{Param, TypeRef};

impl FnLowerer<'_> {
    /// The `&State` first parameter of a method or dtor.
    pub(super) fn state_param(&mut self, f: &Annotated<FnDecl>, kind: Kind) {
        let sig = &f.item.sig;
        let (name, state) = (&sig.ident, self.state_name());
        let attr = kind.attr_name();
        let fix =
            format!("take the state as the first parameter: `fn {name}(state: &{state}, ..)`");
        let Some(first) = sig.inputs.first() else {
            self.errors.push(f.origin.diag(
                sig.paren_token.span.join(),
                format!(
                    "`#[{attr}]` function `{name}` must take `&{state}` as its first parameter"
                ),
                &fix,
            ));
            return;
        };
        let ty = match first {
            syn::FnArg::Receiver(r) => {
                self.errors.push(f.origin.diag(
                    r.span(),
                    format!("`#[{attr}]` function `{name}` cannot take `self`"),
                    &format!("it is a free function, not a method; {fix}"),
                ));
                return;
            }
            syn::FnArg::Typed(t) => &t.ty,
        };
        match &**ty {
            syn::Type::Reference(r) if self.state.is_none_or(|s| is_named(&r.elem, s)) => {
                if r.mutability.is_some() {
                    self.errors.push(f.origin.diag(
                        r.and_token.span,
                        format!("methods take `&{state}`, not `&mut {state}`"),
                        "several calls may run at once; use interior mutability \
                         (e.g. Mutex, RwLock or atomics) for state that changes",
                    ));
                }
                return;
            }
            _ => {}
        }
        self.errors.push(f.origin.diag(
            ty.span(),
            format!(
                "`#[{attr}]` function `{name}` must take `&{state}` as its first parameter, \
                 not `{}`",
                type_to_string(ty)
            ),
            &fix,
        ));
    }

    pub(super) fn params<'p>(
        &mut self,
        inputs: impl Iterator<Item = &'p syn::FnArg>,
        origin: &Origin,
    ) -> Vec<Param> {
        let mut out = Vec::new();
        for input in inputs {
            let t = match input {
                syn::FnArg::Typed(t) => t,
                syn::FnArg::Receiver(r) => {
                    self.errors.push(origin.diag(
                        r.span(),
                        "`self` parameters are not supported",
                        "annotated functions are free functions; take values as named parameters",
                    ));
                    continue;
                }
            };
            let ident = match &*t.pat {
                syn::Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => &p.ident,
                pat => {
                    self.errors.push(origin.diag(
                        pat.span(),
                        format!(
                            "parameter pattern `{}` is not supported",
                            tokens_to_string(quote::ToTokens::to_token_stream(pat))
                        ),
                        "use a plain name (`name: Type`); it becomes the parameter name \
                         in C, Go and C++",
                    ));
                    continue;
                }
            };
            check_not_raw(ident, origin, "parameter", self.errors);
            match self.resolver.resolve(&t.ty, origin) {
                Ok(ty) => out.push(Param {
                    name: ident.to_string(),
                    ty,
                }),
                Err(d) => self.errors.push(d),
            }
        }
        out
    }

    /// `Result<T, String>`: `Some(T)`, or `None` for `()`.
    pub(super) fn result(&mut self, f: &Annotated<FnDecl>, kind: Kind) -> Option<TypeRef> {
        let sig = &f.item.sig;
        let ok = match &sig.output {
            syn::ReturnType::Type(_, ty) => result_ok_type(ty),
            syn::ReturnType::Default => None,
        };
        let Some(ok) = ok else {
            self.errors.push(f.origin.diag(
                output_span(sig),
                format!(
                    "`#[{}]` function `{}` must return `Result<T, String>`",
                    kind.attr_name(),
                    sig.ident
                ),
                "errors cross the boundary as strings; return `Result<(), String>` \
                 when there is no value",
            ));
            return None;
        };
        if is_unit(ok) {
            return None;
        }
        self.resolver
            .resolve(ok, &f.origin)
            .map_err(|d| self.errors.push(d))
            .ok()
    }
}
