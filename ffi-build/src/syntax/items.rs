//! Lowering the `#[ffi_library]` struct and the `#[ffi_type]`s.

use std::collections::HashMap;
use std::path::Path;

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use super::collect::{Annotated, TypeItem};
use super::common::{check_no_generics, check_not_raw, docs, location};
use super::modules::Origin;
use super::types::{NamedKind, TypeResolver};
use crate::diagnostic::Diagnostic;
use crate::ir::{EnumDef, Field, State, StructDef, TypeDef, Variant};

/// The `#[ffi_library]` struct, with what later checks need to know.
pub(crate) struct LibraryInfo {
    pub name: String,
    pub state: State,
    pub origin: Origin,
    pub ident: syn::Ident,
}

const LIBRARY_EXAMPLE: &str = "#[ffi_library(name = \"my_lib\")] pub struct MyLib { .. }";

pub(crate) fn lower_library(
    libs: &[Annotated<syn::ItemStruct>],
    root: &Path,
    errors: &mut Vec<Diagnostic>,
) -> Option<LibraryInfo> {
    let Some(first) = libs.first() else {
        errors.push(Diagnostic::at_file_start(
            root,
            "no `#[ffi_library]` struct found in the crate",
            Some(format!("annotate the state struct: `{LIBRARY_EXAMPLE}`")),
        ));
        return None;
    };
    for extra in &libs[1..] {
        errors.push(extra.origin.diag(
            extra.item.ident.span(),
            format!(
                "a second `#[ffi_library]` struct `{}`; a crate has exactly one",
                extra.item.ident
            ),
            &format!(
                "keep one; the first is `{}` at {}",
                first.item.ident,
                location(&first.origin, first.item.ident.span())
            ),
        ));
    }
    let s = &first.item;
    check_no_generics(
        &s.generics,
        &first.origin,
        "`#[ffi_library]` struct",
        &s.ident,
        errors,
    );
    let name = library_name(&first.attr, &first.origin, errors).unwrap_or_default();
    Some(LibraryInfo {
        name,
        state: State {
            name: s.ident.to_string(),
            rust_path: first.origin.rust_path(&s.ident.to_string()),
            docs: docs(&s.attrs),
        },
        origin: first.origin.clone(),
        ident: s.ident.clone(),
    })
}

fn library_name(
    attr: &syn::Attribute,
    origin: &Origin,
    errors: &mut Vec<Diagnostic>,
) -> Option<String> {
    let hint = format!("write `{LIBRARY_EXAMPLE}`; the name prefixes every C symbol");
    let missing = |span: Span| {
        origin.diag(
            span,
            "`#[ffi_library]` needs a name: `#[ffi_library(name = \"...\")]`",
            &hint,
        )
    };
    let list = match &attr.meta {
        syn::Meta::List(list) => list,
        _ => {
            errors.push(missing(attr.span()));
            return None;
        }
    };
    let args = match list
        .parse_args_with(Punctuated::<syn::MetaNameValue, syn::Token![,]>::parse_terminated)
    {
        Ok(args) => args,
        Err(e) => {
            errors.push(origin.diag(
                e.span(),
                format!("malformed `#[ffi_library]` arguments: {e}"),
                &hint,
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
            _ => errors.push(origin.diag(
                arg.span(),
                "unknown `#[ffi_library]` argument; expected `name = \"...\"`",
                &hint,
            )),
        }
    }
    let Some(lit) = name else {
        errors.push(missing(attr.span()));
        return None;
    };
    let value = lit.value();
    if !is_c_identifier(&value) {
        errors.push(origin.diag(
            lit.span(),
            format!("invalid library name `{value}`: it must be a lowercase C identifier"),
            "use lowercase ASCII letters, digits and `_`, not starting with a digit, \
             e.g. `my_timer`",
        ));
    }
    Some(value)
}

fn is_c_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The names of all `#[ffi_type]`s (first one wins); duplicates are errors.
pub(crate) fn type_names(
    types: &[Annotated<TypeItem>],
    errors: &mut Vec<Diagnostic>,
) -> HashMap<String, NamedKind> {
    let mut names: HashMap<String, (NamedKind, &Annotated<TypeItem>)> = HashMap::new();
    for t in types {
        let ident = t.item.ident();
        let kind = match t.item {
            TypeItem::Struct(_) => NamedKind::Struct,
            TypeItem::Enum(_) => NamedKind::Enum,
        };
        if let Some((_, first)) = names.get(&ident.to_string()) {
            errors.push(t.origin.diag(
                ident.span(),
                format!("duplicate `#[ffi_type]` name `{ident}`"),
                &format!(
                    "the first is at {}; generated C, Go and C++ names must be unique, \
                     so rename one",
                    location(&first.origin, first.item.ident().span())
                ),
            ));
            continue;
        }
        names.insert(ident.to_string(), (kind, t));
    }
    names.into_iter().map(|(n, (k, _))| (n, k)).collect()
}

pub(crate) fn lower_type(
    t: &Annotated<TypeItem>,
    resolver: &TypeResolver<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<TypeDef> {
    let origin = &t.origin;
    let ident = t.item.ident();
    let name = ident.to_string();
    let rust_path = origin.rust_path(&name);
    match &t.item {
        TypeItem::Struct(s) => {
            check_no_generics(&s.generics, origin, "`#[ffi_type]`", ident, errors);
            let fields = match &s.fields {
                syn::Fields::Named(f) => f,
                syn::Fields::Unnamed(f) => {
                    errors.push(origin.diag(
                        f.span(),
                        format!("`#[ffi_type]` on tuple struct `{name}`"),
                        "use named fields: `pub struct Name { pub field: Type }`",
                    ));
                    return None;
                }
                syn::Fields::Unit => {
                    errors.push(origin.diag(
                        ident.span(),
                        format!("`#[ffi_type]` on unit struct `{name}`"),
                        "give it named fields, or use a fieldless enum",
                    ));
                    return None;
                }
            };
            if fields.named.is_empty() {
                errors.push(origin.diag(
                    ident.span(),
                    format!("`#[ffi_type]` struct `{name}` has no fields"),
                    "C has no empty structs; add a field",
                ));
            }
            let mut out = Vec::new();
            for f in &fields.named {
                let Some(fident) = &f.ident else { continue };
                check_not_raw(fident, origin, "field", errors);
                match resolver.resolve(&f.ty, origin) {
                    Ok(ty) => out.push(Field {
                        name: fident.to_string(),
                        ty,
                        docs: docs(&f.attrs),
                    }),
                    Err(d) => errors.push(d),
                }
            }
            Some(TypeDef::Struct(StructDef {
                name,
                rust_path,
                fields: out,
                docs: docs(&s.attrs),
            }))
        }
        TypeItem::Enum(e) => {
            check_no_generics(&e.generics, origin, "`#[ffi_type]`", ident, errors);
            if e.variants.is_empty() {
                errors.push(origin.diag(
                    ident.span(),
                    format!("`#[ffi_type]` enum `{name}` has no variants"),
                    "add at least one variant",
                ));
            }
            for v in &e.variants {
                if !matches!(v.fields, syn::Fields::Unit) {
                    errors.push(origin.diag(
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
                    errors.push(origin.diag(
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
            let variants = e
                .variants
                .iter()
                .map(|v| Variant {
                    name: v.ident.to_string(),
                    docs: docs(&v.attrs),
                })
                .collect();
            Some(TypeDef::Enum(EnumDef {
                name,
                rust_path,
                variants,
                docs: docs(&e.attrs),
            }))
        }
    }
}
