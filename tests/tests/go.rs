//! The Go suites: generated packages are gofmt- and vet-clean, and the
//! end-to-end tests pass under the race detector.

use e2e::{build_libraries, go, root, run, stdout_of};
use std::path::{Path, PathBuf};
use std::process::Command;

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != ".git" {
                go_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "go") {
            out.push(path);
        }
    }
}

#[test]
fn go_code_is_gofmt_clean() {
    build_libraries();
    let mut files = Vec::new();
    go_files(root(), &mut files);
    assert!(files.len() > 5, "too few Go files found: {files:?}");
    let out = stdout_of(
        Command::new("gofmt")
            .arg("-l")
            .args(&files)
            .current_dir(root()),
    );
    assert!(out.trim().is_empty(), "gofmt would change:\n{out}");
}

#[test]
fn go_vet_is_clean() {
    build_libraries();
    // Not `./...`: that would include the Go packages that builds left in
    // cargo's target directory.
    run(&mut go(&[
        "vet",
        "./bench/...",
        "./examples/...",
        "./ffi-build/...",
        "./tests/...",
    ]));
}

#[test]
fn go_suite_passes_under_the_race_detector() {
    build_libraries();
    let out = stdout_of(&mut go(&["test", "-race", "-count=1", "./tests/go/..."]));
    assert!(out.contains("ok"), "{out}");
}
