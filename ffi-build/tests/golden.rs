//! Golden tests: each folder under `tests/golden/` holds a `lib.rs` input
//! and, under `expected/`, every file the generator writes for it. Run with
//! `UPDATE_GOLDEN=1` to rewrite the expected files after an intended change.

use ffi_build::{Options, generate_from_source};
use std::path::{Path, PathBuf};

fn check_case(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    let source = std::fs::read_to_string(dir.join("lib.rs")).expect("lib.rs");
    let generated = generate_from_source(&source, name, &Options::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let expected_dir = dir.join("expected");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    if update {
        let _ = std::fs::remove_dir_all(&expected_dir);
    }
    let mut mismatches = Vec::new();
    for (rel, content) in &generated.files {
        let path = expected_dir.join(rel);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, content).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            mismatches.push(rel.clone());
        }
    }
    let mut on_disk = Vec::new();
    collect(&expected_dir, &expected_dir, &mut on_disk);
    let produced: Vec<&PathBuf> = generated.files.iter().map(|(p, _)| p).collect();
    let extra: Vec<_> = on_disk.iter().filter(|p| !produced.contains(p)).collect();
    assert!(
        mismatches.is_empty() && extra.is_empty(),
        "{name}: generated output differs from tests/golden/{name}/expected \
         (differs: {mismatches:?}, no longer generated: {extra:?}); \
         rerun with UPDATE_GOLDEN=1 if the change is intended"
    );
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(base, &p, out);
        } else {
            out.push(p.strip_prefix(base).unwrap().to_path_buf());
        }
    }
}

#[test]
fn basic() {
    check_case("basic");
}

#[test]
fn shapes() {
    check_case("shapes");
}

#[test]
fn raw_names() {
    check_case("raw_names");
}

#[test]
fn names() {
    check_case("names");
}

#[test]
fn bare() {
    check_case("bare");
}
