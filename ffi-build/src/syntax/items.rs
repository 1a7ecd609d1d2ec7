//! Lowering the `#[ffi_library]` struct and the `#[ffi_type]`s.

use std::collections::HashMap;
use std::path::Path;

use ffi_abi::checks::{check_enum, check_library, check_struct, library_name, unraw};
use syn::spanned::Spanned;

use super::collect::{Annotated, TypeItem};
use super::common::{docs, location, report};
use super::modules::Origin;
use super::types::{NamedKind, Position, TypeResolver};
use crate::diagnostic::Diagnostic;
use crate::ir::{EnumDef, Field, Object, State, StructDef, TypeDef, Variant};

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
    let mut problems = Vec::new();
    check_library(&s.ident, &s.generics, &mut problems);
    let args = match &first.attr.meta {
        syn::Meta::List(list) => Some(list.tokens.clone()),
        _ => None,
    };
    let name = library_name(args, first.attr.span(), &mut problems).unwrap_or_default();
    report(&first.origin, problems, errors);
    Some(LibraryInfo {
        name,
        state: State {
            name: unraw(&s.ident),
            rust_path: first.origin.rust_path(&s.ident.to_string()),
            docs: docs(&s.attrs),
        },
        origin: first.origin.clone(),
        ident: s.ident.clone(),
    })
}

/// The names of all `#[ffi_type]`s and `#[ffi_object]`s (first one wins);
/// duplicates are errors.
pub(crate) fn type_names(
    types: &[Annotated<TypeItem>],
    objects: &[Annotated<syn::ItemStruct>],
    errors: &mut Vec<Diagnostic>,
) -> HashMap<String, NamedKind> {
    let mut names: HashMap<String, (NamedKind, &Origin, &syn::Ident)> = HashMap::new();
    let declared = types
        .iter()
        .map(|t| {
            let kind = match t.item {
                TypeItem::Struct(_) => NamedKind::Struct,
                TypeItem::Enum(_) => NamedKind::Enum,
            };
            (kind, &t.origin, t.item.ident())
        })
        .chain(
            objects
                .iter()
                .map(|o| (NamedKind::Object, &o.origin, &o.item.ident)),
        );
    for (kind, origin, ident) in declared {
        let attr = |k: NamedKind| {
            if k == NamedKind::Object {
                "ffi_object"
            } else {
                "ffi_type"
            }
        };
        let name = unraw(ident);
        let Some(&(first_kind, first_origin, first)) = names.get(&name) else {
            names.insert(name, (kind, origin, ident));
            continue;
        };
        // The later one in the source is reported (in visiting order
        // across files).
        let earlier = first_origin.file == origin.file && {
            let (a, b) = (ident.span().start(), first.span().start());
            (a.line, a.column) < (b.line, b.column)
        };
        let ((kind, origin, ident), (first_origin, first)) = if earlier {
            names.insert(name.clone(), (kind, origin, ident));
            ((first_kind, first_origin, first), (origin, ident))
        } else {
            ((kind, origin, ident), (first_origin, first))
        };
        errors.push(origin.diag(
            ident.span(),
            format!("duplicate `#[{}]` name `{name}`", attr(kind)),
            &format!(
                "the first is at {}; generated C, Go and C++ names must be unique, \
                 so rename one",
                location(first_origin, first.span())
            ),
        ));
    }
    names.into_iter().map(|(n, (k, _, _))| (n, k)).collect()
}

/// An `#[ffi_object]` struct, without its methods yet.
pub(crate) fn lower_object(o: &Annotated<syn::ItemStruct>, errors: &mut Vec<Diagnostic>) -> Object {
    let s = &o.item;
    let mut problems = Vec::new();
    ffi_abi::checks::no_generics(
        &s.generics,
        "`#[ffi_object]` struct",
        &s.ident,
        &mut problems,
    );
    report(&o.origin, problems, errors);
    Object {
        name: unraw(&s.ident),
        rust_path: o.origin.rust_path(&s.ident.to_string()),
        docs: docs(&s.attrs),
        methods: Vec::new(),
    }
}

pub(crate) fn lower_type(
    t: &Annotated<TypeItem>,
    resolver: &TypeResolver<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Option<TypeDef> {
    let origin = &t.origin;
    let ident = t.item.ident();
    let name = unraw(ident);
    let rust_path = origin.rust_path(&ident.to_string());
    let mut problems = Vec::new();
    let def = match &t.item {
        TypeItem::Struct(s) => {
            let fields = check_struct(ident, &s.generics, &s.fields, &mut problems);
            fields.map(|fields| {
                let idents: Vec<(&syn::Ident, String)> = fields
                    .iter()
                    .filter_map(|f| f.field.ident.as_ref().map(|i| (i, f.name.clone())))
                    .collect();
                let before = errors.len();
                super::common::distinct_wire_names(&idents, "field", origin, errors);
                if errors.len() == before {
                    super::common::distinct_field_names(&idents, origin, errors);
                }
                let fields = fields
                    .iter()
                    .filter_map(|f| {
                        let ty = resolver
                            .lower(&f.shape, origin, Position::Elsewhere("a field"))
                            .map_err(|d| errors.push(d))
                            .ok()?;
                        Some(Field {
                            name: f.name.clone(),
                            ty,
                            docs: docs(&f.field.attrs),
                        })
                    })
                    .collect();
                TypeDef::Struct(StructDef {
                    name,
                    rust_path,
                    fields,
                    docs: docs(&s.attrs),
                })
            })
        }
        TypeItem::Enum(e) => {
            check_enum(ident, &e.generics, &e.variants, &mut problems);
            let variants = e
                .variants
                .iter()
                .map(|v| Variant {
                    name: unraw(&v.ident),
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
    };
    report(origin, problems, errors);
    def
}
