//! The Go (cgo) package.

use crate::Options;
use crate::ir::Library;

/// `my_timer` -> `mytimer`.
pub(crate) fn package_name(lib: &str) -> String {
    lib.replace('_', "").to_lowercase()
}

/// The package's files, by file name.
pub(crate) fn package(_lib: &Library, _options: &Options) -> Vec<(String, String)> {
    Vec::new()
}
