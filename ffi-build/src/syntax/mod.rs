//! From the library author's source to the IR: load the crate's files, find
//! the annotated items, lower them, and validate, reporting every error of a
//! stage with its file, line and column.

mod collect;
mod common;
mod functions;
mod impls;
mod items;
mod modules;
mod order;
mod types;
mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::Library;
use collect::Kind;
use functions::FnLowerer;
use types::TypeResolver;

/// A parsed and validated library.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub library: Library,
    /// Every file read, for `cargo:rerun-if-changed`.
    pub files: Vec<PathBuf>,
}

/// Parses the crate rooted at `root` (its `src/lib.rs`), reading files
/// through `load`, into a validated [`Library`] whose shared library file
/// stem is `link_name`.
pub fn parse_sources(
    root: &Path,
    load: &dyn Fn(&Path) -> std::io::Result<String>,
    link_name: &str,
) -> Result<Parsed, Diagnostics> {
    let loaded = modules::load_crate(root, load);
    let files = loaded.files;
    if !loaded.errors.is_empty() {
        return Err(sorted(loaded.errors, &files));
    }
    let mut errors = Vec::new();
    let c = collect::collect(loaded.items, &mut errors);

    let lib = items::lower_library(&c.libraries, root, &mut errors);
    let named = items::type_names(&c.types, &c.objects, &mut errors);
    let resolver = TypeResolver { named: &named };
    let types: Vec<_> = c
        .types
        .iter()
        .filter_map(|t| items::lower_type(t, &resolver, &mut errors).map(|d| (d, t)))
        .collect();
    validate::recursion(&types, &mut errors);

    let state = lib.as_ref().map(|l| l.state.name.as_str());
    let mut lower = FnLowerer {
        state,
        resolver: &resolver,
        errors: &mut errors,
    };
    let ctor = c.ctors.first().map(|f| lower.ctor(f));
    let mut methods = Vec::new();
    let mut statics = Vec::new();
    for f in &c.methods {
        match lower.method(f) {
            (f, true) => statics.push(f),
            (f, false) => methods.push(f),
        }
    }
    let mut objects: Vec<_> = c
        .objects
        .iter()
        .map(|o| items::lower_object(o, lower.errors))
        .collect();
    let state_path = lib.as_ref().map(|l| l.state.rust_path.clone());
    for block in &c.impls {
        let Some(target) = impls::target(block, state, &objects, lower.errors) else {
            continue;
        };
        for f in impls::functions(block) {
            match target {
                impls::Target::Library => {
                    let path = state_path.as_deref().unwrap_or_default();
                    methods.push(lower.impl_method(&f, path));
                }
                impls::Target::Object(i) => {
                    let path = objects[i].rust_path.clone();
                    let m = lower.impl_method(&f, &path);
                    objects[i].methods.push(m);
                }
            }
        }
    }
    let dtor = c.dtors.first().map(|f| lower.dtor(f));
    let events: Vec<_> = c.events.iter().map(|f| lower.event(f)).collect();
    let hosts: Vec<_> = c.hosts.iter().map(|f| lower.host(f)).collect();

    for (list, kind) in [(&c.ctors, Kind::Ctor), (&c.dtors, Kind::Dtor)] {
        if let Some(first) = list.first() {
            for extra in &list[1..] {
                errors.push(functions::second_of(first, extra, kind));
            }
        }
    }
    validate::unique_names(&c.methods, Kind::Method, &mut errors);
    validate::unique_names(&c.events, Kind::Event, &mut errors);
    validate::unique_names(&c.hosts, Kind::Host, &mut errors);
    let lib_name = lib.as_ref().map_or("lib", |l| l.name.as_str());
    validate::reserved_names(&c.methods, lib_name, &mut errors);
    if let Some(lib) = &lib {
        validate::visibility(&c, lib, &mut errors);
        if ctor.is_none() {
            errors.push(lib.origin.diag(
                lib.ident.span(),
                "no `#[ffi_ctor]` function found",
                &format!(
                    "add exactly one constructor: \
                     `#[ffi_ctor] pub fn new(..) -> Result<{}, String>`",
                    lib.state.name
                ),
            ));
        }
    }

    match (lib, ctor) {
        (Some(lib), Some(ctor)) if errors.is_empty() => {
            let library = Library {
                name: lib.name.clone(),
                link_name: link_name.to_string(),
                state: lib.state.clone(),
                types: order::topological(types.into_iter().map(|(t, _)| t).collect()),
                ctor,
                methods,
                objects,
                statics,
                dtor,
                events,
                hosts,
            };
            validate::symbol_collisions(&library, &c, &lib, &mut errors);
            if errors.is_empty() {
                validate::go_names(&library, &c, &lib, &mut errors);
            }
            if errors.is_empty() {
                Ok(Parsed { library, files })
            } else {
                Err(sorted(errors, &files))
            }
        }
        _ => Err(sorted(errors, &files)),
    }
}

/// Errors in file order (as visited), then by position.
fn sorted(mut errors: Vec<Diagnostic>, files: &[PathBuf]) -> Diagnostics {
    let rank: HashMap<&PathBuf, usize> = files.iter().enumerate().map(|(i, f)| (f, i)).collect();
    errors.sort_by_key(|d| {
        (
            rank.get(&d.file).copied().unwrap_or(usize::MAX),
            d.line,
            d.column,
        )
    });
    errors.dedup();
    Diagnostics(errors)
}
