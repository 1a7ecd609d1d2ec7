//! Emitters: each reads only the IR.

pub(crate) mod c;
mod cbor_c;
pub(crate) mod cpp;
pub(crate) mod go;
pub(crate) mod go_client;
mod keywords;
mod rust;
mod rust_names;
pub(crate) mod template;
pub(crate) mod wire;
pub(crate) mod writer;

use crate::ir::Library;
use crate::{Generated, Language, Options};
use std::path::PathBuf;

pub(crate) const GLUE_FILE: &str = "ffi_glue.rs";

/// One target language: the files it writes for a library, by path
/// relative to the output directory. Adding a language is a new
/// `emit/<lang>/` implementing this, and a [`Language`] variant.
pub(crate) trait Backend {
    fn files(&self, lib: &Library, options: &Options) -> Vec<(PathBuf, String)>;
}

fn backend(language: Language) -> &'static dyn Backend {
    match language {
        Language::C => &c::Backend,
        Language::CborC => &cbor_c::Backend,
        Language::Go => &go::Backend,
        Language::GoClient => &go_client::Backend,
        Language::Cpp => &cpp::Backend,
    }
}

/// The Rust glue (always: the library needs it) and the files of every
/// language `options` asks for.
pub(crate) fn all(library: Library, options: &Options) -> Generated {
    let mut files = vec![(PathBuf::from(GLUE_FILE), rust::glue(&library))];
    for &language in &options.languages {
        files.extend(backend(language).files(&library, options));
    }
    Generated { library, files }
}
