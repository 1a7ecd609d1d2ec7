//! Loading the crate: parse `src/lib.rs`, follow `mod` declarations the way
//! rustc does (2018 rules, `#[path]`), and flatten every item into one list
//! tagged with its file and module path.

use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::diagnostic::Diagnostic;

/// Where an item lives.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub file: Rc<PathBuf>,
    /// Module names below `crate`, e.g. `["a", "b"]` for `crate::a::b`.
    pub module: Rc<Vec<String>>,
}

impl Origin {
    /// `crate::a::b::name`.
    pub fn rust_path(&self, name: &str) -> String {
        let mut path = String::from("crate");
        for m in self.module.iter() {
            path.push_str("::");
            path.push_str(m);
        }
        path.push_str("::");
        path.push_str(name);
        path
    }

    pub fn diag(&self, span: proc_macro2::Span, msg: impl Into<String>, hint: &str) -> Diagnostic {
        Diagnostic::at(&self.file, span, msg, Some(hint.to_string()))
    }
}

/// One item of the crate, `mod` items excluded (they are followed instead).
pub(crate) struct Located {
    pub origin: Origin,
    pub item: syn::Item,
}

/// The result of loading: items in depth-first declaration order, every file
/// read, and the errors found on the way.
#[derive(Default)]
pub(crate) struct Loaded {
    pub items: Vec<Located>,
    pub files: Vec<PathBuf>,
    pub errors: Vec<Diagnostic>,
}

type Loader<'a> = &'a dyn Fn(&Path) -> std::io::Result<String>;

/// Where a module's `mod foo;` children are looked up.
struct Dirs {
    /// Directory for `foo.rs` / `foo/mod.rs`.
    children: PathBuf,
    /// Directory that `#[path = "..."]` is relative to.
    path_attr: PathBuf,
}

pub(crate) fn load_crate(root: &Path, load: Loader<'_>) -> Loaded {
    let mut loaded = Loaded::default();
    let dir = root.parent().map(Path::to_path_buf).unwrap_or_default();
    let dirs = Dirs {
        children: dir.clone(),
        path_attr: dir,
    };
    match read_file(root, load, &mut loaded) {
        Ok(Some(file)) => {
            let origin = Origin {
                file: Rc::new(root.to_path_buf()),
                module: Rc::new(Vec::new()),
            };
            walk(file.items, &origin, &dirs, load, &mut loaded);
        }
        Ok(None) => {}
        Err(e) => loaded.errors.push(Diagnostic::at_file_start(
            root,
            format!("cannot read the crate root `{}`: {e}", root.display()),
            Some("ffi_build reads `src/lib.rs` of the crate being built".into()),
        )),
    }
    loaded
}

/// Reads and parses one file; `Ok(None)` when it did not parse (the error is
/// recorded).
fn read_file(
    path: &Path,
    load: Loader<'_>,
    loaded: &mut Loaded,
) -> std::io::Result<Option<syn::File>> {
    let text = load(path)?;
    loaded.files.push(path.to_path_buf());
    match syn::parse_file(&text) {
        Ok(file) => Ok(Some(file)),
        Err(e) => {
            for err in e {
                loaded.errors.push(Diagnostic::at(
                    path,
                    err.span(),
                    format!("cannot parse this file: {err}"),
                    Some("fix the syntax error; `cargo build` will show it too".into()),
                ));
            }
            Ok(None)
        }
    }
}

fn walk(items: Vec<syn::Item>, origin: &Origin, dirs: &Dirs, load: Loader<'_>, out: &mut Loaded) {
    for item in items {
        match item {
            syn::Item::Mod(m) => follow_mod(m, origin, dirs, load, out),
            item => out.items.push(Located {
                origin: origin.clone(),
                item,
            }),
        }
    }
}

fn follow_mod(m: syn::ItemMod, origin: &Origin, dirs: &Dirs, load: Loader<'_>, out: &mut Loaded) {
    let name = m.ident.unraw().to_string();
    let mut module = (*origin.module).clone();
    module.push(m.ident.to_string());
    let module = Rc::new(module);
    let path_attr = path_attribute(&m.attrs);

    if let Some((_, items)) = m.content {
        let dir = match &path_attr {
            Some(p) => normalize(&dirs.path_attr.join(p)),
            None => dirs.children.join(&name),
        };
        let inner = Dirs {
            children: dir.clone(),
            path_attr: dir,
        };
        let origin = Origin {
            file: origin.file.clone(),
            module,
        };
        walk(items, &origin, &inner, load, out);
        return;
    }

    // With `#[path]`, the file owns its directory like a `mod.rs` does.
    let candidates = match &path_attr {
        Some(p) => vec![normalize(&dirs.path_attr.join(p))],
        None => vec![
            dirs.children.join(format!("{name}.rs")),
            dirs.children.join(&name).join("mod.rs"),
        ],
    };
    for file in &candidates {
        let Ok(parsed) = read_file(file, load, out) else {
            continue;
        };
        let Some(parsed) = parsed else { return };
        let parent = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let is_mod_rs = path_attr.is_some() || file.file_name().is_some_and(|f| f == "mod.rs");
        let children = if is_mod_rs {
            parent.clone()
        } else {
            parent.join(&name)
        };
        let inner = Dirs {
            children,
            path_attr: parent,
        };
        let origin = Origin {
            file: Rc::new(file.clone()),
            module,
        };
        walk(parsed.items, &origin, &inner, load, out);
        return;
    }
    // A module compiled only under some cfg may legitimately be absent.
    if m.attrs.iter().any(|a| a.path().is_ident("cfg")) {
        return;
    }
    let tried: Vec<String> = candidates
        .iter()
        .map(|c| format!("`{}`", c.display()))
        .collect();
    out.errors.push(Diagnostic::at(
        &origin.file,
        m.mod_token.span(),
        format!("file not found for module `{name}`"),
        Some(format!("create {}", tried.join(" or "))),
    ));
}

fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        if !a.path().is_ident("path") {
            return None;
        }
        let nv = a.meta.require_name_value().ok()?;
        match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        }
    })
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}
