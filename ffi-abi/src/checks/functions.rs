//! `#[ffi_ctor]`, `#[ffi]`, `#[ffi_dtor]`, `#[ffi_event]` and `#[ffi_host]`
//! signatures: the `&State` receiver, parameters, and the
//! `Result<T, String>` return type.

use proc_macro2::Span;
use syn::spanned::Spanned;

use super::types::{Shape, is_unit, result_ok_type, shape, tokens_to_string, type_to_string};
use super::{Problem, no_generics, unraw};

/// The attribute a function carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FnKind {
    Ctor,
    /// A free `#[ffi]` function: a method of the library type when its
    /// first parameter is `&State`, else a static function.
    Method,
    /// A `pub fn` of an `#[ffi] impl` block: takes `&self`.
    ImplMethod,
    Dtor,
    Event,
    Host,
}

impl FnKind {
    pub fn attr_name(self) -> &'static str {
        match self {
            FnKind::Ctor => "ffi_ctor",
            FnKind::Method | FnKind::ImplMethod => "ffi",
            FnKind::Dtor => "ffi_dtor",
            FnKind::Event => "ffi_event",
            FnKind::Host => "ffi_host",
        }
    }
}

/// A parameter that passed the checks.
#[derive(Debug, Clone)]
pub struct ParamSig<'a> {
    pub ident: &'a syn::Ident,
    /// The name without `r#`.
    pub name: String,
    pub ty: &'a syn::Type,
    pub shape: Shape<'a>,
}

/// What the checks found usable in a signature.
#[derive(Debug, Clone, Default)]
pub struct FnSig<'a> {
    /// Every parameter after the `&State` receiver (for methods and
    /// destructors) whose pattern and type passed.
    pub params: Vec<ParamSig<'a>>,
    /// The `T` of `Result<T, String>` for methods and host functions, `None`
    /// for `()` or when the return type is wrong (then reported).
    pub ret: Option<Shape<'a>>,
    /// A free `#[ffi]` function without a state parameter.
    pub is_static: bool,
}

/// Checks the signature of a function marked `kind`. `body` is the span of
/// its body, if it has one. `state` is the name of the `#[ffi_library]`
/// struct when the caller knows it (the generator); without it (the
/// macros) the receiver's and constructor's type names are not checked.
pub fn check_fn<'a>(
    kind: FnKind,
    sig: &'a syn::Signature,
    body: Option<Span>,
    state: Option<&str>,
    problems: &mut Vec<Problem>,
) -> FnSig<'a> {
    let mut c = Checker {
        kind,
        sig,
        state,
        state_name: state_name(sig, state),
        problems,
    };
    no_generics(
        &sig.generics,
        &format!("`#[{}]` function", kind.attr_name()),
        &sig.ident,
        c.problems,
    );
    match kind {
        FnKind::Ctor => {
            let params = c.params(sig.inputs.iter());
            c.ctor_result();
            FnSig {
                params,
                ..FnSig::default()
            }
        }
        FnKind::Method if !takes_state(sig, state) => {
            c.static_shape();
            let params = c.params(sig.inputs.iter());
            let ret = c.result();
            FnSig {
                params,
                ret,
                is_static: true,
            }
        }
        FnKind::Method => {
            c.state_param();
            let params = c.params(sig.inputs.iter().skip(1));
            let ret = c.result();
            FnSig {
                params,
                ret,
                is_static: false,
            }
        }
        FnKind::ImplMethod => {
            c.self_param();
            let params = c.params(sig.inputs.iter().skip(1));
            let ret = c.result();
            FnSig {
                params,
                ret,
                is_static: false,
            }
        }
        FnKind::Dtor => {
            c.state_param();
            c.dtor_rest();
            FnSig::default()
        }
        FnKind::Event => {
            c.event_shape(body);
            let params = c.params(sig.inputs.iter());
            FnSig {
                params,
                ..FnSig::default()
            }
        }
        FnKind::Host => {
            c.host_shape(body);
            let params = c.params(sig.inputs.iter());
            let ret = c.result();
            FnSig {
                params,
                ret,
                is_static: false,
            }
        }
    }
}

/// Whether a free `#[ffi]` function takes the state first: `&State` (with
/// the state known), or a reference to any named type or a `self`
/// (without it, so a mistake there is still reported as a receiver error).
fn takes_state(sig: &syn::Signature, state: Option<&str>) -> bool {
    match sig.inputs.first() {
        None => false,
        Some(syn::FnArg::Receiver(_)) => true,
        Some(syn::FnArg::Typed(t)) => match &*t.ty {
            syn::Type::Reference(r) => match state {
                Some(s) => is_named(&r.elem, s),
                None => matches!(&*r.elem, syn::Type::Path(_)) || r.mutability.is_some(),
            },
            _ => false,
        },
    }
}

/// The state's name for messages: the one given, else the type the first
/// parameter refers to, else `State`.
fn state_name(sig: &syn::Signature, state: Option<&str>) -> String {
    if let Some(s) = state {
        return s.to_string();
    }
    if let Some(syn::FnArg::Typed(t)) = sig.inputs.first()
        && let syn::Type::Reference(r) = &*t.ty
        && let syn::Type::Path(p) = &*r.elem
        && let Some(last) = p.path.segments.last()
    {
        return last.ident.to_string();
    }
    "State".to_string()
}

struct Checker<'a, 'p> {
    kind: FnKind,
    sig: &'a syn::Signature,
    state: Option<&'p str>,
    state_name: String,
    problems: &'p mut Vec<Problem>,
}

impl<'a> Checker<'a, '_> {
    fn push(&mut self, span: Span, message: impl Into<String>, hint: impl Into<String>) {
        self.problems.push(Problem::new(span, message, hint));
    }

    fn name(&self) -> String {
        unraw(&self.sig.ident)
    }

    /// The `&State` first parameter of a method or destructor.
    fn state_param(&mut self) {
        let sig = self.sig;
        let (name, state) = (self.name(), self.state_name.clone());
        let attr = self.kind.attr_name();
        let fix =
            format!("take the state as the first parameter: `fn {name}(state: &{state}, ..)`");
        let Some(first) = sig.inputs.first() else {
            self.push(
                sig.paren_token.span.join(),
                format!(
                    "`#[{attr}]` function `{name}` must take `&{state}` as its first parameter"
                ),
                fix,
            );
            return;
        };
        let ty = match first {
            syn::FnArg::Receiver(r) => {
                self.push(
                    r.span(),
                    format!("`#[{attr}]` function `{name}` cannot take `self`"),
                    format!("it is a free function, not a method; {fix}"),
                );
                return;
            }
            syn::FnArg::Typed(t) => &t.ty,
        };
        if let syn::Type::Reference(r) = &**ty
            && self.state.is_none_or(|s| is_named(&r.elem, s))
        {
            if r.mutability.is_some() {
                self.push(
                    r.and_token.span,
                    format!("methods take `&{state}`, not `&mut {state}`"),
                    "several calls may run at once; use interior mutability \
                     (e.g. Mutex, RwLock or atomics) for state that changes",
                );
            }
            return;
        }
        self.push(
            ty.span(),
            format!(
                "`#[{attr}]` function `{name}` must take `&{state}` as its first parameter, \
                 not `{}`",
                type_to_string(ty)
            ),
            fix,
        );
    }

    /// The `&self` receiver of a method in an `#[ffi] impl` block.
    fn self_param(&mut self) {
        let sig = self.sig;
        let name = self.name();
        match sig.inputs.first() {
            Some(syn::FnArg::Receiver(r)) if r.reference.is_some() && r.colon_token.is_none() => {
                if r.mutability.is_some() {
                    self.push(
                        r.span(),
                        format!("`{name}` takes `&mut self`; exported methods take `&self`"),
                        "several calls may run at once; use interior mutability \
                         (e.g. Mutex, RwLock or atomics) for state that changes",
                    );
                }
            }
            Some(syn::FnArg::Receiver(r)) => self.push(
                r.span(),
                format!(
                    "`{name}` must take `&self`, not `{}`",
                    receiver_to_string(r)
                ),
                "exported methods borrow the value the host holds; take `&self`",
            ),
            _ => self.push(
                sig.ident.span(),
                format!("`pub fn {name}` in an `#[ffi]` impl block does not take `&self`"),
                "every `pub fn` of an `#[ffi] impl` is exported and must take `&self`; \
                 mark it `#[ffi(skip)]` to leave it out, or make it private",
            ),
        }
    }

    /// A static function: sync (it has no context to run on).
    fn static_shape(&mut self) {
        let sig = self.sig;
        if let Some(a) = &sig.asyncness {
            let name = self.name();
            self.push(
                a.span,
                format!("static function `{name}` cannot be async"),
                format!(
                    "a function without a state has no context whose worker could run it; \
                     make it sync, or take the state first: `fn {name}(state: &{}, ..)`",
                    self.state_name
                ),
            );
        }
    }

    fn params(&mut self, inputs: impl Iterator<Item = &'a syn::FnArg>) -> Vec<ParamSig<'a>> {
        let mut out = Vec::new();
        for input in inputs {
            let t = match input {
                syn::FnArg::Typed(t) => t,
                syn::FnArg::Receiver(r) => {
                    self.push(
                        r.span(),
                        "`self` parameters are not supported",
                        "annotated functions are free functions; take values as named parameters",
                    );
                    continue;
                }
            };
            let ident = match &*t.pat {
                syn::Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => &p.ident,
                pat => {
                    self.push(
                        pat.span(),
                        format!(
                            "parameter pattern `{}` is not supported",
                            tokens_to_string(quote::ToTokens::to_token_stream(pat))
                        ),
                        "use a plain name (`name: Type`); it becomes the parameter name \
                         in C, Go and C++",
                    );
                    continue;
                }
            };
            match shape(&t.ty) {
                Ok(shape) => out.push(ParamSig {
                    ident,
                    name: unraw(ident),
                    ty: &t.ty,
                    shape,
                }),
                Err(p) => self.problems.push(p),
            }
        }
        out
    }

    /// `Result<T, String>`: the shape of `T`, or `None` for `()`.
    fn result(&mut self) -> Option<Shape<'a>> {
        let sig = self.sig;
        let ok = match &sig.output {
            syn::ReturnType::Type(_, ty) => result_ok_type(ty),
            syn::ReturnType::Default => None,
        };
        let Some(ok) = ok else {
            self.push(
                output_span(sig),
                format!(
                    "`#[{}]` function `{}` must return `Result<T, String>`",
                    self.kind.attr_name(),
                    self.name()
                ),
                "errors cross the boundary as strings; return `Result<(), String>` \
                 when there is no value",
            );
            return None;
        };
        if is_unit(ok) {
            return None;
        }
        shape(ok).map_err(|p| self.problems.push(p)).ok()
    }

    /// `Result<State, String>`; the state's name is checked when known.
    fn ctor_result(&mut self) {
        let sig = self.sig;
        let ok = match &sig.output {
            syn::ReturnType::Type(_, ty) => result_ok_type(ty),
            syn::ReturnType::Default => None,
        };
        let fine = match (ok, self.state) {
            (Some(ok), Some(state)) => is_named(ok, state),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !fine {
            let state = self.state.unwrap_or("State");
            self.push(
                output_span(sig),
                format!(
                    "`#[ffi_ctor]` function `{}` must return `Result<{state}, String>`",
                    self.name()
                ),
                format!(
                    "the constructor builds the `#[ffi_library]` state `{state}`; \
                     a failure is reported to the caller as the error string"
                ),
            );
        }
    }

    /// A destructor takes nothing else and returns nothing.
    fn dtor_rest(&mut self) {
        let sig = self.sig;
        let (name, state) = (self.name(), self.state_name.clone());
        if let Some(extra) = sig.inputs.iter().nth(1) {
            self.push(
                extra.span(),
                format!("`#[ffi_dtor]` function `{name}` takes only `&{state}`"),
                format!("write `fn {name}(state: &{state})`"),
            );
        }
        if let syn::ReturnType::Type(_, ty) = &sig.output
            && !is_unit(ty)
        {
            self.push(
                ty.span(),
                format!("`#[ffi_dtor]` function `{name}` must not return a value"),
                "teardown cannot report anything to the host; handle errors inside it",
            );
        }
    }

    /// `#[ffi_event] pub fn name(..);`
    fn event_shape(&mut self, body: Option<Span>) {
        let sig = self.sig;
        let name = self.name();
        let hint = format!("declare it as `#[ffi_event] pub fn {name}(..);`: fire and forget");
        if let Some(a) = &sig.asyncness {
            self.push(
                a.span,
                format!("`#[ffi_event]` `{name}` cannot be async"),
                hint.clone(),
            );
        }
        if let Some(body) = body {
            self.push(
                body,
                format!("`#[ffi_event]` `{name}` must not have a body"),
                format!("{hint}; the generated body delivers it to the host's listeners"),
            );
        }
        if let syn::ReturnType::Type(_, ty) = &sig.output {
            self.push(
                ty.span(),
                format!("`#[ffi_event]` `{name}` cannot return a value"),
                hint,
            );
        }
    }

    /// `#[ffi_host] pub async fn name(..) -> Result<T, String>;`
    fn host_shape(&mut self, body: Option<Span>) {
        let sig = self.sig;
        let name = self.name();
        let hint =
            format!("declare it as `#[ffi_host] pub async fn {name}(..) -> Result<T, String>;`");
        if sig.asyncness.is_none() {
            self.push(
                sig.fn_token.span,
                format!("`#[ffi_host]` `{name}` must be async"),
                format!("{hint}; the host answers asynchronously"),
            );
        }
        if let Some(body) = body {
            self.push(
                body,
                format!("`#[ffi_host]` `{name}` must not have a body"),
                format!("{hint}; the host implements it"),
            );
        }
    }
}

fn receiver_to_string(r: &syn::Receiver) -> String {
    tokens_to_string(quote::ToTokens::to_token_stream(r))
}

/// The return type, or the function's name when there is none.
pub fn output_span(sig: &syn::Signature) -> Span {
    match &sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => sig.ident.span(),
    }
}

/// Whether `ty` is the plain name `name` (last path segment, no arguments).
pub fn is_named(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == name && s.arguments.is_none()))
}
