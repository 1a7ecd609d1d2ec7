//! The bindings checked in next to each library are what the generator
//! produces from its current source.

use e2e::{lib_dir, root};
use std::path::Path;

#[test]
fn checked_in_bindings_are_fresh() {
    for dir in ["examples/timer", "examples/host_demo", "tests/fixture"] {
        let manifest = root().join(dir);
        let stale = ffi_build::stale_exports(&manifest, Path::new("bindings"), &lib_dir())
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert!(
            stale.is_empty(),
            "{dir}/bindings is stale ({stale:?}): run `cargo build` and commit the result"
        );
    }
}
