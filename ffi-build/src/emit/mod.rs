//! Emitters: each reads only the IR.

pub(crate) mod c;
pub(crate) mod go;
mod rust;

use crate::ir::Library;
use crate::{Generated, Options};
use std::path::PathBuf;

pub(crate) const GLUE_FILE: &str = "ffi_glue.rs";

pub(crate) fn all(library: Library, options: &Options) -> Generated {
    let header_name = format!("{}.h", library.name);
    let header = c::header(&library);
    let pkg = go::package_name(&library.name);
    let go_dir = PathBuf::from("go").join(&pkg);
    let mut files = vec![
        (PathBuf::from(GLUE_FILE), rust::glue(&library)),
        (PathBuf::from(&header_name), header.clone()),
        // cgo resolves the #include next to the Go files.
        (go_dir.join(&header_name), header),
    ];
    for (name, content) in go::package(&library, options) {
        files.push((go_dir.join(name), content));
    }
    Generated { library, files }
}
