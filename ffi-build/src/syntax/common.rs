//! Small helpers shared by the lowering of every kind of item.

use proc_macro2::Span;

use super::modules::Origin;
use crate::diagnostic::Diagnostic;
use ffi_abi::checks::Problem;

/// The shared per-item checks' findings, as diagnostics in `origin`.
pub(crate) fn report(origin: &Origin, problems: Vec<Problem>, errors: &mut Vec<Diagnostic>) {
    errors.extend(
        problems
            .into_iter()
            .map(|p| origin.diag(p.span, p.message, &p.hint)),
    );
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

/// Two fields or parameters whose CBOR wire names are equal (`a_b` and
/// `aB` are both `aB`) would be one key of a request or struct map: an
/// error at the later one, naming the first.
pub(crate) fn distinct_wire_names(
    names: &[(&syn::Ident, String)],
    what: &str,
    origin: &Origin,
    errors: &mut Vec<Diagnostic>,
) {
    distinct(names, what, "wire name", ffi_abi::wire_name, origin, errors);
}

/// Struct fields must also stay distinct as the Go field names (`url_id`
/// and `url_i_d` are both `URLID`) and as the escaped C and C++ names
/// (`default` becomes `default_`, like a field named `default_`).
pub(crate) fn distinct_field_names(
    names: &[(&syn::Ident, String)],
    origin: &Origin,
    errors: &mut Vec<Diagnostic>,
) {
    use crate::emit::{c::names::CNames, go::names::pascal};
    distinct(names, "field", "Go name", pascal, origin, errors);
    let c = CNames::new("");
    distinct(names, "field", "C name", |n| c.ident(n), origin, errors);
}

fn distinct(
    names: &[(&syn::Ident, String)],
    what: &str,
    kind: &str,
    map: impl Fn(&str) -> String,
    origin: &Origin,
    errors: &mut Vec<Diagnostic>,
) {
    let mut seen: Vec<(String, &syn::Ident, &str)> = Vec::new();
    for (ident, name) in names {
        let mapped = map(name);
        if let Some((_, first, first_name)) = seen.iter().find(|(m, _, _)| *m == mapped) {
            errors.push(origin.diag(
                ident.span(),
                format!("{what} `{name}` has the {kind} `{mapped}`, like `{first_name}`"),
                &format!(
                    "the generated code would declare it twice (the first is at {}); \
                     rename one",
                    location(origin, first.span())
                ),
            ));
        } else {
            seen.push((mapped, ident, name));
        }
    }
}
