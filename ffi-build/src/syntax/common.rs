//! Small checks and helpers shared by the lowering of every kind of item.

use proc_macro2::Span;

use super::modules::Origin;
use crate::diagnostic::Diagnostic;

pub(crate) fn check_no_generics(
    generics: &syn::Generics,
    origin: &Origin,
    what: &str,
    ident: &syn::Ident,
    errors: &mut Vec<Diagnostic>,
) {
    let span = match (&generics.lt_token, &generics.where_clause) {
        (Some(lt), _) => lt.span,
        (None, Some(w)) => w.where_token.span,
        (None, None) => return,
    };
    errors.push(origin.diag(
        span,
        format!("{what} `{ident}` cannot have generic parameters or lifetimes"),
        "generated C, Go and C++ code needs one concrete type; remove the parameters",
    ));
}

/// Raw identifiers (`r#type`) have no spelling in the foreign languages.
pub(crate) fn check_not_raw(
    ident: &syn::Ident,
    origin: &Origin,
    what: &str,
    errors: &mut Vec<Diagnostic>,
) {
    let s = ident.to_string();
    if let Some(bare) = s.strip_prefix("r#") {
        errors.push(origin.diag(
            ident.span(),
            format!("raw identifier `{s}` cannot be used as a {what} name"),
            &format!("rename it (e.g. `{bare}_`); the name is used as-is in C, Go and C++"),
        ));
    }
}

/// `///` doc comments, one entry per line, one leading space trimmed.
pub(crate) fn docs(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        let Ok(nv) = a.meta.require_name_value() else {
            continue;
        };
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) = &nv.value
        {
            for line in s.value().split('\n') {
                let line = line.strip_suffix('\r').unwrap_or(line);
                out.push(line.strip_prefix(' ').unwrap_or(line).to_string());
            }
        }
    }
    out
}

/// `file:line:column` for hints that point at another item.
pub(crate) fn location(origin: &Origin, span: Span) -> String {
    let d = Diagnostic::at(&origin.file, span, "", None);
    format!("{}:{}:{}", d.file.display(), d.line, d.column)
}

/// The return type, or the function's name when there is none.
pub(crate) fn output_span(sig: &syn::Signature) -> proc_macro2::Span {
    match &sig.output {
        syn::ReturnType::Type(_, ty) => syn::spanned::Spanned::span(ty),
        syn::ReturnType::Default => sig.ident.span(),
    }
}

pub(crate) fn is_named(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == name && s.arguments.is_none()))
}
