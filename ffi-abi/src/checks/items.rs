//! The `#[ffi_library]` struct and `#[ffi_type]` structs and enums.

use proc_macro2::{Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use super::types::{Shape, shape};
use super::{Problem, no_generics, unraw};

const LIBRARY_EXAMPLE: &str = "#[ffi_library(name = \"my_lib\")] pub struct MyLib { .. }";

/// The `#[ffi_library]` struct's own checks (its name argument is read by
/// [`library_name`]).
pub fn check_library(ident: &syn::Ident, generics: &syn::Generics, problems: &mut Vec<Problem>) {
    no_generics(generics, "`#[ffi_library]` struct", ident, problems);
}

/// The `name = "..."` of `#[ffi_library(..)]`. `args` are the tokens inside
/// the parentheses, `None` without parentheses; `attr_span` is where to
/// report a missing name.
pub fn library_name(
    args: Option<TokenStream>,
    attr_span: Span,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let hint = format!("write `{LIBRARY_EXAMPLE}`; the name prefixes every C symbol");
    let missing = |span: Span| {
        Problem::new(
            span,
            "`#[ffi_library]` needs a name: `#[ffi_library(name = \"...\")]`",
            hint.clone(),
        )
    };
    let Some(args) = args else {
        problems.push(missing(attr_span));
        return None;
    };
    let parser = Punctuated::<syn::MetaNameValue, syn::Token![,]>::parse_terminated;
    let args = match syn::parse::Parser::parse2(parser, args) {
        Ok(args) => args,
        Err(e) => {
            problems.push(Problem::new(
                e.span(),
                format!("malformed `#[ffi_library]` arguments: {e}"),
                hint,
            ));
            return None;
        }
    };
    let mut name = None;
    for arg in &args {
        let lit = match &arg.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s),
            _ => None,
        };
        match lit {
            Some(lit) if arg.path.is_ident("name") => name = Some(lit),
            _ => problems.push(Problem::new(
                arg.span(),
                "unknown `#[ffi_library]` argument; expected `name = \"...\"`",
                hint.clone(),
            )),
        }
    }
    let Some(lit) = name else {
        problems.push(missing(attr_span));
        return None;
    };
    let value = lit.value();
    if !is_c_identifier(&value) {
        problems.push(Problem::new(
            lit.span(),
            format!("invalid library name `{value}`: it must be a lowercase C identifier"),
            "use lowercase ASCII letters, digits and `_`, not starting with a digit, \
             e.g. `my_timer`",
        ));
    } else if let Some(prefix) = CGO_PREFIXES.iter().find(|p| value.starts_with(*p)) {
        problems.push(Problem::new(
            lit.span(),
            format!("invalid library name `{value}`: it starts with `{prefix}`"),
            format!(
                "cgo reads `C.{prefix}..` as a C keyword or operator, so the Go package could \
                 not name the library's types; choose another name"
            ),
        ));
    }
    Some(value)
}

/// Prefixes cgo gives a meaning to (`C.struct_x`, `C.sizeof_x`, ...).
const CGO_PREFIXES: &[&str] = &["struct_", "union_", "enum_", "sizeof_"];

fn is_c_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A field that passed the checks.
#[derive(Debug, Clone)]
pub struct FieldSig<'a> {
    pub field: &'a syn::Field,
    /// The name without `r#`.
    pub name: String,
    pub shape: Shape<'a>,
}

/// An `#[ffi_type]` struct: named fields, at least one, each of a supported
/// type. Returns the fields that passed, or `None` when the struct has no
/// named fields at all.
pub fn check_struct<'a>(
    ident: &syn::Ident,
    generics: &syn::Generics,
    fields: &'a syn::Fields,
    problems: &mut Vec<Problem>,
) -> Option<Vec<FieldSig<'a>>> {
    no_generics(generics, "`#[ffi_type]`", ident, problems);
    let name = unraw(ident);
    let fields = match fields {
        syn::Fields::Named(f) => f,
        syn::Fields::Unnamed(f) => {
            problems.push(Problem::new(
                f.span(),
                format!("`#[ffi_type]` on tuple struct `{name}`"),
                "use named fields: `pub struct Name { pub field: Type }`",
            ));
            return None;
        }
        syn::Fields::Unit => {
            problems.push(Problem::new(
                ident.span(),
                format!("`#[ffi_type]` on unit struct `{name}`"),
                "give it named fields, or use a fieldless enum",
            ));
            return None;
        }
    };
    if fields.named.is_empty() {
        problems.push(Problem::new(
            ident.span(),
            format!("`#[ffi_type]` struct `{name}` has no fields"),
            "C has no empty structs; add a field",
        ));
    }
    let mut out = Vec::new();
    for f in &fields.named {
        let Some(fident) = &f.ident else { continue };
        match shape(&f.ty) {
            Ok(shape) => out.push(FieldSig {
                field: f,
                name: unraw(fident),
                shape,
            }),
            Err(p) => problems.push(p),
        }
    }
    Some(out)
}

/// An `#[ffi_type]` enum: at least one variant, none carrying data or an
/// explicit discriminant.
pub fn check_enum(
    ident: &syn::Ident,
    generics: &syn::Generics,
    variants: &Punctuated<syn::Variant, syn::Token![,]>,
    problems: &mut Vec<Problem>,
) {
    no_generics(generics, "`#[ffi_type]`", ident, problems);
    let name = unraw(ident);
    if variants.is_empty() {
        problems.push(Problem::new(
            ident.span(),
            format!("`#[ffi_type]` enum `{name}` has no variants"),
            "add at least one variant",
        ));
    }
    for v in variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            problems.push(Problem::new(
                v.fields.span(),
                format!(
                    "variant `{}` of `#[ffi_type]` enum `{name}` carries data",
                    v.ident
                ),
                "only fieldless enums are supported; put the data in an \
                 #[ffi_type] struct next to the enum",
            ));
        }
        if let Some((eq, _)) = &v.discriminant {
            problems.push(Problem::new(
                eq.span,
                format!(
                    "explicit discriminant on variant `{}` of `#[ffi_type]` enum `{name}`",
                    v.ident
                ),
                "remove `= ..`: variants cross the boundary as their index \
                 (0, 1, 2, ..) in declaration order",
            ));
        }
    }
}
