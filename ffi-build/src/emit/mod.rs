//! Emitters: each reads only the IR.

pub(crate) mod c;
mod cbor_c;
pub(crate) mod cpp;
pub(crate) mod go;
mod go_client;
mod keywords;
mod rust;
mod rust_cbor;
mod rust_names;
pub(crate) mod wire;

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
        (
            PathBuf::from(format!("{}_cbor.h", library.name)),
            cbor_c::header(&library),
        ),
        // cgo resolves the #include next to the Go files.
        (go_dir.join(&header_name), header),
    ];
    files.push((
        PathBuf::from(format!("{}.hpp", library.name)),
        cpp::header(&library),
    ));
    for (name, content) in go::package(&library, options) {
        files.push((go_dir.join(name), content));
    }
    let client_dir = PathBuf::from("go").join(go_client::client_package(&library.name));
    for (name, content) in go_client::package(&library) {
        files.push((client_dir.join(name), content));
    }
    Generated { library, files }
}
