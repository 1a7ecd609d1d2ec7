//! Checks across items: unique and unreserved names, visibility from the
//! generated glue, and recursive types.

use std::collections::HashMap;

use proc_macro2::Span;

use ffi_abi::checks::unraw;

use super::collect::{Annotated, Collected, FnDecl, ImplBlock, Kind, TypeItem};
use super::common::location;
use super::items::LibraryInfo;
use super::modules::Origin;
use crate::diagnostic::Diagnostic;
use crate::ir::{Library, Lifecycle, Owner, StructDef, TypeDef};

/// Method names the generated C API already uses as `<lib>_<suffix>`
/// (the library's own functions), plus `free`, kept for object handles.
fn reserved_method_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = Lifecycle::ALL.iter().map(|l| l.suffix()).collect();
    names.push("free");
    names
}

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
        let reserved = reserved_method_names();
        if reserved.contains(&name.as_str()) {
            errors.push(f.origin.diag(
                ident.span(),
                format!("`#[ffi]` function name `{name}` is reserved"),
                &format!(
                    "the generated C API already defines `{lib}_{name}`; rename the function \
                     (reserved: {})",
                    reserved.join(", ")
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
    for o in &c.objects {
        let ident = &o.item.ident;
        check(
            &o.origin,
            &o.vis,
            format!("`#[ffi_object]` `{ident}`"),
            ident.span(),
        );
    }
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

/// Two items whose C names would be equal (a method `echo_cbor` beside
/// `echo`, a method `call` beside the `call_cbor` dispatcher, an enum
/// constant equal to a header macro): an error at the later one, naming the
/// first. Runs on the finished IR, whose symbol table every emitter reads.
pub(crate) fn symbol_collisions(
    library: &Library,
    c: &Collected,
    lib: &LibraryInfo,
    errors: &mut Vec<Diagnostic>,
) {
    let at = |owner: &Owner| owner_at(c, lib, owner);
    let builtin = |o: &Owner| matches!(o, Owner::Lifecycle(_) | Owner::Macro(_));
    let position = |o: &Owner| {
        at(o).map(|(origin, span)| {
            let start = span.start();
            (origin.file.clone(), start.line, start.column)
        })
    };
    let mut reported: Vec<(Owner, Owner)> = Vec::new();
    for (mut first, mut later) in library.symbol_collisions() {
        // The later one in the source is the one to rename.
        if !builtin(&first.owner)
            && let (Some(a), Some(b)) = (position(&first.owner), position(&later.owner))
            && a.0 == b.0
            && a > b
        {
            std::mem::swap(&mut first, &mut later);
        }
        let pair = (first.owner.item(), later.owner.item());
        if reported.contains(&pair) {
            continue;
        }
        reported.push(pair);
        let (Some(here), there) = (at(&later.owner).or(at(&first.owner)), at(&first.owner)) else {
            continue;
        };
        let where_first = there.map_or(String::new(), |(o, s)| format!(" (at {})", location(o, s)));
        errors.push(here.0.diag(
            here.1,
            format!(
                "{} is `{}`, which is already {}",
                later.owner.describe(),
                later.name,
                first.owner.describe()
            ),
            &format!("every C name must be unique{where_first}; rename one of them"),
        ));
    }
}

/// The function `name` of an `#[ffi] impl` block of `ty`.
fn impl_fn_named<'a>(
    impls: &'a [Annotated<ImplBlock>],
    ty: &str,
    name: &str,
) -> Option<(&'a Origin, Span)> {
    impls
        .iter()
        .filter(|b| matches!(&b.item.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == ty)))
        .find_map(|b| {
            b.item
                .fns
                .iter()
                .find(|f| unraw(&f.sig.ident) == name)
                .map(|f| (&b.origin, f.sig.ident.span()))
        })
}

fn fn_named<'a>(list: &'a [Annotated<FnDecl>], name: &str) -> Option<(&'a Origin, Span)> {
    list.iter()
        .find(|f| f.item.sig.ident == name)
        .map(|f| (&f.origin, f.item.sig.ident.span()))
}

/// Where the item that declares a name is, for diagnostics.
fn owner_at<'a>(
    c: &'a Collected,
    lib: &'a LibraryInfo,
    owner: &Owner,
) -> Option<(&'a Origin, Span)> {
    let type_named = |name: &str| c.types.iter().find(|t| t.item.ident() == name);
    let object_named = |name: &str| {
        c.objects
            .iter()
            .find(|o| o.item.ident == name)
            .map(|o| (&o.origin, o.item.ident.span()))
    };
    match owner {
        Owner::Lifecycle(_) | Owner::Macro(_) => Some((&lib.origin, lib.ident.span())),
        Owner::Method(m) | Owner::MethodCbor(m) => {
            fn_named(&c.methods, m).or_else(|| impl_fn_named(&c.impls, &lib.state.name, m))
        }
        Owner::Static(f) | Owner::StaticCbor(f) => fn_named(&c.methods, f),
        Owner::ObjectMethod(t, m) | Owner::ObjectMethodCbor(t, m) => impl_fn_named(&c.impls, t, m),
        Owner::ObjectFree(t) => object_named(t),
        Owner::Args(f) => fn_named(&c.hosts, f).or_else(|| fn_named(&c.events, f)),
        Owner::Type(t) => type_named(t)
            .map(|t| (&t.origin, t.item.ident().span()))
            .or_else(|| object_named(t)),
        Owner::Compound(ty) => ty
            .named_types()
            .into_iter()
            .find_map(type_named)
            .map(|t| (&t.origin, t.item.ident().span())),
        Owner::EnumConst(e, v) => type_named(e).map(|t| {
            let variant = match &t.item {
                TypeItem::Enum(en) => en.variants.iter().find(|x| x.ident == v),
                TypeItem::Struct(_) => None,
            };
            (
                &t.origin,
                variant.map_or(t.item.ident().span(), |x| x.ident.span()),
            )
        }),
    }
}

/// Two items whose Go names would be equal in one of the generated Go
/// packages, or an item named like one the package declares itself: an
/// error at the item (the later one), naming the other.
pub(crate) fn go_names(
    library: &Library,
    c: &Collected,
    lib: &LibraryInfo,
    errors: &mut Vec<Diagnostic>,
) {
    let describe = |o: &Option<Owner>| match o {
        None => "a name the generated package declares itself".to_string(),
        Some(Owner::Type(t)) => format!("that of type `{t}`"),
        Some(Owner::EnumConst(e, v)) => format!("that of the constant of `{e}::{v}`"),
        Some(Owner::Compound(t)) => format!("that of a converter of `{t}`"),
        Some(other) => other.describe(),
    };
    let what = |o: &Owner| match o {
        Owner::Type(t) => format!("type `{t}`"),
        Owner::EnumConst(e, v) => format!("the constant of `{e}::{v}`"),
        Owner::Compound(t) => format!("a converter of `{t}`"),
        other => other.describe(),
    };
    let mut reported: Vec<(Option<Owner>, Owner)> = Vec::new();
    for (in_process, package) in [(true, "cgo package"), (false, "remote client package")] {
        let names = crate::emit::go::scope::names(library, in_process);
        let mut seen: HashMap<&str, &Option<Owner>> = HashMap::new();
        for (name, owner) in &names {
            let Some(first) = seen.get(name.as_str()).copied() else {
                seen.insert(name, owner);
                continue;
            };
            // Report at an author's item: the later one, else the one there is.
            let (here, other) = match (owner, first) {
                (Some(o), f) => (o, f.clone()),
                (None, Some(f)) => (f, None),
                (None, None) => continue,
            };
            if Some(here) == other.as_ref() || reported.contains(&(other.clone(), here.clone())) {
                continue;
            }
            reported.push((other.clone(), here.clone()));
            let Some((origin, span)) = owner_at(c, lib, here) else {
                continue;
            };
            errors.push(origin.diag(
                span,
                format!(
                    "{} is `{name}` in the Go {package}, which is already {}",
                    what(here),
                    describe(&other)
                ),
                "Go names must be unique in a package; rename one of them",
            ));
        }
    }
}
