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

/// The build script asks cargo to rerun it when any file it parsed
/// changes: the fixture's `lib.rs` and the `types.rs` it declares.
#[test]
fn build_script_reruns_when_any_parsed_file_changes() {
    e2e::build_libraries();
    let build = lib_dir().join("build");
    let newest = std::fs::read_dir(&build)
        .expect("target/debug/build")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("fixture-"))
        .map(|e| e.path().join("output"))
        .filter(|p| p.exists())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .expect("the fixture's build script ran");
    let output = std::fs::read_to_string(&newest).unwrap();
    for file in ["src/lib.rs", "src/types.rs"] {
        let path = root().join("tests/fixture").join(file);
        let line = format!("cargo:rerun-if-changed={}", path.display());
        assert!(
            output.lines().any(|l| l == line),
            "missing `{line}` in {}",
            newest.display()
        );
    }
}
