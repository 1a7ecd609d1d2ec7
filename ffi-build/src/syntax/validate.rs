//! Checks across items: unique and unreserved names, visibility from the
//! generated glue, and recursive types.

use std::collections::HashMap;

use proc_macro2::Span;

use ffi_abi::checks::unraw;

use super::collect::{Annotated, Collected, FnDecl, Kind, TypeItem};
use super::common::location;
use super::items::LibraryInfo;
use super::modules::Origin;
use crate::diagnostic::Diagnostic;
use crate::ir::{StructDef, TypeDef};

/// Method names the generated C API already uses as `<lib>_<suffix>`.
pub(crate) const RESERVED_METHOD_NAMES: &[&str] = &[
    "create",
    "destroy",
    "register_host_fn",
    "host_complete",
    "add_event_listener",
    "remove_event_listener",
    "cancel",
    "abi_version",
    "free",
];

pub(crate) fn unique_names(fns: &[Annotated<FnDecl>], kind: Kind, errors: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<String, &Annotated<FnDecl>> = HashMap::new();
    let attr = kind.attr_name();
    for f in fns {
        let ident = &f.item.sig.ident;
        let name = unraw(ident);
        match seen.get(&name) {
            Some(first) => errors.push(f.origin.diag(
                ident.span(),
                format!("duplicate `#[{attr}]` name `{name}`"),
                &format!(
                    "the first is at {}; each becomes one generated C function, so names \
                     must be unique across modules",
                    location(&first.origin, first.item.sig.ident.span())
                ),
            )),
            None => {
                seen.insert(name, f);
            }
        }
    }
}

pub(crate) fn reserved_names(
    methods: &[Annotated<FnDecl>],
    lib: &str,
    errors: &mut Vec<Diagnostic>,
) {
    for f in methods {
        let ident = &f.item.sig.ident;
        let name = unraw(ident);
        if RESERVED_METHOD_NAMES.contains(&name.as_str()) {
            errors.push(f.origin.diag(
                ident.span(),
                format!("`#[ffi]` function name `{name}` is reserved"),
                &format!(
                    "the generated C API already defines `{lib}_{name}`; rename the function \
                     (reserved: {})",
                    RESERVED_METHOD_NAMES.join(", ")
                ),
            ));
        }
    }
}

/// The generated glue is included next to the `#[ffi_library]` struct, so
/// every annotated item must be visible from that module.
pub(crate) fn visibility(c: &Collected, lib: &LibraryInfo, errors: &mut Vec<Diagnostic>) {
    let here = &lib.origin.module;
    let mut check = |origin: &Origin, vis: &syn::Visibility, what: String, span: Span| {
        let Some(scope) = visible_within(&origin.module, vis) else {
            return;
        };
        if here.starts_with(&scope) {
            return;
        }
        errors.push(origin.diag(
            span,
            format!(
                "{what} is private to `{}`, but the generated glue lives next to the \
                 `#[ffi_library]` struct in `{}`",
                module_path(&scope),
                module_path(here)
            ),
            "make it `pub(crate)` (or `pub`)",
        ));
    };
    for t in &c.types {
        let ident = t.item.ident();
        check(
            &t.origin,
            &t.vis,
            format!("`#[ffi_type]` `{ident}`"),
            ident.span(),
        );
    }
    let fns = [
        (&c.ctors, Kind::Ctor),
        (&c.methods, Kind::Method),
        (&c.dtors, Kind::Dtor),
        (&c.events, Kind::Event),
        (&c.hosts, Kind::Host),
    ];
    for (list, kind) in fns {
        for f in list {
            let ident = &f.item.sig.ident;
            let what = format!("`#[{}]` function `{ident}`", kind.attr_name());
            check(&f.origin, &f.vis, what, ident.span());
        }
    }
}

/// The module an item is confined to, or `None` if it is visible crate-wide.
fn visible_within(module: &[String], vis: &syn::Visibility) -> Option<Vec<String>> {
    match vis {
        syn::Visibility::Public(_) => None,
        syn::Visibility::Inherited => Some(module.to_vec()),
        syn::Visibility::Restricted(r) => {
            if r.path.is_ident("self") {
                Some(module.to_vec())
            } else if r.path.is_ident("super") {
                Some(module[..module.len().saturating_sub(1)].to_vec())
            } else {
                None
            }
        }
    }
}

fn module_path(module: &[String]) -> String {
    std::iter::once("crate")
        .chain(module.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("::")
}

/// A struct that contains itself, directly or through other types, even
/// inside `Vec`/`Option`, has no by-value layout across the boundary.
pub(crate) fn recursion(types: &[(TypeDef, &Annotated<TypeItem>)], errors: &mut Vec<Diagnostic>) {
    let structs: HashMap<&str, &StructDef> = types
        .iter()
        .filter_map(|(t, _)| match t {
            TypeDef::Struct(s) => Some((s.name.as_str(), s)),
            TypeDef::Enum(_) => None,
        })
        .collect();
    let mut reported: Vec<String> = Vec::new();
    for (t, raw) in types {
        let TypeDef::Struct(s) = t else { continue };
        if reported.contains(&s.name) {
            continue;
        }
        for field in &s.fields {
            let mut chain = vec![s.name.clone()];
            let found = field
                .ty
                .named_types()
                .into_iter()
                .any(|n| reaches(n, &s.name, &structs, &mut chain, &mut Vec::new()));
            if !found {
                continue;
            }
            let span = field_span(raw, &field.name);
            errors.push(raw.origin.diag(
                span,
                format!(
                    "recursive type `{}`: field `{}` contains `{}` again ({})",
                    s.name,
                    field.name,
                    s.name,
                    chain.join(" -> ")
                ),
                "values are copied across the boundary, so a type cannot contain itself, \
                 even through Vec or Option; flatten it, e.g. keep the items in a Vec and \
                 refer to them by index",
            ));
            reported.extend(chain);
            break;
        }
    }
}

/// Whether `from` leads to `target`; on success `chain` holds the path.
fn reaches(
    from: &str,
    target: &str,
    structs: &HashMap<&str, &StructDef>,
    chain: &mut Vec<String>,
    visited: &mut Vec<String>,
) -> bool {
    chain.push(from.to_string());
    if from == target {
        return true;
    }
    if !visited.iter().any(|v| v == from) {
        visited.push(from.to_string());
        if let Some(s) = structs.get(from) {
            for f in &s.fields {
                for n in f.ty.named_types() {
                    if reaches(n, target, structs, chain, visited) {
                        return true;
                    }
                }
            }
        }
    }
    chain.pop();
    false
}

fn field_span(raw: &Annotated<TypeItem>, name: &str) -> Span {
    let field = match &raw.item {
        TypeItem::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| f.ident.as_ref())
            .find(|i| unraw(i) == name),
        TypeItem::Enum(_) => None,
    };
    field.unwrap_or(raw.item.ident()).span()
}
