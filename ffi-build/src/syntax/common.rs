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
    let mut seen: Vec<(String, &syn::Ident, &str)> = Vec::new();
    for (ident, name) in names {
        let wire = ffi_abi::wire_name(name);
        if let Some((_, first, first_name)) = seen.iter().find(|(w, _, _)| *w == wire) {
            errors.push(origin.diag(
                ident.span(),
                format!("{what} `{name}` has the wire name `{wire}`, like `{first_name}`"),
                &format!(
                    "CBOR maps and the Go and C++ names are derived from it, so they would \
                     collide (the first is at {}); rename one",
                    location(origin, first.span())
                ),
            ));
        } else {
            seen.push((wire, ident, name));
        }
    }
}
