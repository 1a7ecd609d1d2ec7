//! SPEC section 14: bindings refuse a library built from another interface.
//! A scratch library is built, its bindings kept, one field's type changed
//! and only the library rebuilt; the kept C, C++ and Go bindings must each
//! fail with a message naming both fingerprints.

use e2e::{root, run, stdout_of};
use std::path::{Path, PathBuf};
use std::process::Command;

const LIB_RS: &str = r#"use ffi_core::prelude::*;

#[ffi_library(name = "fpcheck")]
pub struct Probe {}

#[ffi_type]
pub struct Item {
    pub count: COUNT_TYPE,
}

#[ffi_ctor]
pub fn new() -> Result<Probe, String> {
    Ok(Probe {})
}

#[ffi]
pub fn item(_p: &Probe) -> Result<Item, String> {
    Ok(Item { count: 7 })
}
"#;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Builds the scratch crate with `count: ty`, into the workspace's target
/// directory (so the runtime and generator are not rebuilt).
fn build(dir: &Path, ty: &str) {
    write(&dir.join("src/lib.rs"), &LIB_RS.replace("COUNT_TYPE", ty));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo)
        .args(["build", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir()));
}

/// The fingerprint a header was generated for.
fn fingerprint_of(header: &Path) -> String {
    let text = std::fs::read_to_string(header).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("#define FPCHECK_INTERFACE_FINGERPRINT "))
        .expect("fingerprint macro");
    line.rsplit(' ')
        .next()
        .unwrap()
        .trim_matches('"')
        .to_string()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::create_dir_all(to).unwrap();
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

#[track_caller]
fn assert_refuses(what: &str, message: &str, old: &str, new: &str) {
    assert!(
        message.contains(old) && message.contains(new) && message.contains("regenerate"),
        "{what} should name both fingerprints ({old}, {new}) and say to regenerate: {message:?}"
    );
}

#[test]
fn every_binding_refuses_a_library_with_another_interface() {
    let dir = target_dir().join("fingerprint-scratch");
    let _ = std::fs::remove_dir_all(&dir);
    let r = root().display().to_string();
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"fpcheck\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
             [lib]\ncrate-type = [\"cdylib\", \"rlib\"]\n\n\
             [dependencies]\nffi-core = {{ path = \"{r}/ffi-core\" }}\n\n\
             [build-dependencies]\nffi-build = {{ path = \"{r}/ffi-build\" }}\n\n[workspace]\n"
        ),
    );
    write(
        &dir.join("build.rs"),
        "fn main() { ffi_build::Builder::new().export_dir(\"bindings\").generate(); }\n",
    );
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    build(&dir, "i32");
    copy_dir(&dir.join("bindings"), &dir.join("old"));
    build(&dir, "i64");
    let old = fingerprint_of(&dir.join("old/fpcheck.h"));
    let new = fingerprint_of(&dir.join("bindings/fpcheck.h"));
    assert_ne!(old, new, "changing a field's type changes the fingerprint");
    let lib_dir = target_dir().join("debug");
    let link = |cmd: &mut Command| {
        cmd.arg(format!("-L{}", lib_dir.display()))
            .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
            .arg("-lfpcheck");
    };

    // C: the header's check function.
    let c = dir.join("check.c");
    write(
        &c,
        "#include <stdio.h>\n#include \"fpcheck.h\"\n\
         int main(void) {\n    char err[512];\n\
         \x20   if (fpcheck_check_interface(err, sizeof err) == RET_OK) { puts(\"accepted\"); return 1; }\n\
         \x20   puts(err);\n    return 0;\n}\n",
    );
    let mut cc = Command::new("cc");
    cc.args(["-std=c11", "-Wall", "-Wextra", "-pedantic", "-Werror", "-I"])
        .arg(dir.join("old"))
        .arg(&c)
        .arg("-o")
        .arg(dir.join("check_c"));
    link(&mut cc);
    run(&mut cc);
    let out = stdout_of(&mut Command::new(dir.join("check_c")));
    assert_refuses("the C header", &out, &old, &new);

    // C++: create() fails with the same message.
    let cpp = dir.join("check.cpp");
    write(
        &cpp,
        "#include <iostream>\n#include \"fpcheck.hpp\"\n\
         int main() {\n    auto p = fpcheck::Probe::create();\n\
         \x20   if (p) { std::cout << \"accepted\\n\"; return 1; }\n\
         \x20   std::cout << p.error() << \"\\n\";\n    return 0;\n}\n",
    );
    let mut cxx = Command::new("c++");
    cxx.args(["-std=c++17", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(dir.join("old"))
        .arg(&cpp)
        .arg("-o")
        .arg(dir.join("check_cpp"))
        .arg("-pthread");
    link(&mut cxx);
    run(&mut cxx);
    let out = stdout_of(&mut Command::new(dir.join("check_cpp")));
    assert_refuses("the C++ header", &out, &old, &new);

    // Go: the constructor returns the error.
    write(&dir.join("go.mod"), "module fpscratch\n\ngo 1.22\n");
    write(
        &dir.join("cmd/main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\n\t\"fpscratch/old/go/fpcheck\"\n)\n\n\
         func main() {\n\tp, err := fpcheck.NewProbe()\n\tif err == nil {\n\t\tp.Close()\n\
         \t\tfmt.Println(\"accepted\")\n\t\treturn\n\t}\n\tfmt.Println(err)\n}\n",
    );
    let out = stdout_of(
        Command::new("go")
            .args(["run", "./cmd"])
            .current_dir(&dir)
            .env("GOFLAGS", "-mod=mod"),
    );
    assert_refuses("the Go package", &out, &old, &new);
}
