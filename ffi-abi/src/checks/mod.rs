//! The checks of one annotated item, read by the attribute macros (errors
//! at the item, inline in an editor) and by `ffi-build`'s validation
//! (errors with `file:line:column` from the build script). Checks that need
//! the whole crate (unique names, the state type's name, which names are
//! `#[ffi_type]`s, visibility, recursion) stay in `ffi-build`; here a
//! function may be given what the crate knows (`state`) and checks less
//! without it.

mod functions;
mod items;
mod types;

pub use functions::{FnKind, FnSig, ParamSig, check_fn, is_named, output_span};
pub use items::{FieldSig, check_enum, check_library, check_struct, library_name};
pub use types::{PRIMITIVES, SUPPORTED, Shape, is_unit, result_ok_type, shape, type_to_string};

use proc_macro2::Span;

/// One error: where, what is wrong, and how to fix it.
#[derive(Debug, Clone)]
pub struct Problem {
    pub span: Span,
    pub message: String,
    pub hint: String,
}

impl Problem {
    pub fn new(span: Span, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem {
            span,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// As a compiler error from a macro: the message, then the hint as rustc
    /// prints its own (`= help: ...`).
    pub fn to_syn_error(&self) -> syn::Error {
        syn::Error::new(
            self.span,
            format!("{}\n= help: {}", self.message, self.hint),
        )
    }
}

/// All `problems` as one `syn::Error` (each at its own span), or `None`.
pub fn combine(problems: &[Problem]) -> Option<syn::Error> {
    let mut iter = problems.iter();
    let mut first = iter.next()?.to_syn_error();
    for p in iter {
        first.combine(p.to_syn_error());
    }
    Some(first)
}

/// `{what} `{ident}` cannot have generic parameters or lifetimes`, at the
/// `<` (or the `where`).
pub fn no_generics(
    generics: &syn::Generics,
    what: &str,
    ident: &syn::Ident,
    problems: &mut Vec<Problem>,
) {
    let span = match (&generics.lt_token, &generics.where_clause) {
        (Some(lt), _) => lt.span,
        (None, Some(w)) => w.where_token.span,
        (None, None) => return,
    };
    problems.push(Problem::new(
        span,
        format!(
            "{what} `{}` cannot have generic parameters or lifetimes",
            unraw(ident)
        ),
        "generated C, Go and C++ code needs one concrete type; remove the parameters",
    ));
}

/// An identifier as the author means it: `r#type` -> `type`. The name the
/// IR keeps, and that each language's emitter escapes.
pub fn unraw(ident: &syn::Ident) -> String {
    syn::ext::IdentExt::unraw(ident).to_string()
}
