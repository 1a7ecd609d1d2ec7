//! The generated C headers compile standalone as C11 and C++17 with
//! warnings as errors, and the native C ABI passes its end-to-end suite.

use e2e::{LIBRARIES, build_libraries, lib_dir, root, run, stdout_of};
use std::path::PathBuf;
use std::process::Command;

/// `<lib>.h` of every library under test, then of every golden case.
fn headers() -> Vec<PathBuf> {
    e2e::generated_headers(".h")
}

fn scratch() -> PathBuf {
    let dir = lib_dir().join("e2e-c");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn headers_compile_standalone_as_c11_and_cpp17() {
    build_libraries();
    let dir = scratch();
    for header in headers() {
        let stem = header.file_stem().unwrap().to_string_lossy().into_owned();
        // Twice, to prove the include guard.
        let include = format!("#include \"{0}\"\n#include \"{0}\"\n", header.display());
        let c = dir.join(format!("{stem}_only.c"));
        std::fs::write(&c, &include).unwrap();
        run(Command::new("cc")
            .args(["-std=c11", "-Wall", "-Wextra", "-pedantic", "-Werror", "-c"])
            .arg(&c)
            .arg("-o")
            .arg(dir.join(format!("{stem}_c.o"))));
        let cpp = dir.join(format!("{stem}_only.cpp"));
        std::fs::write(&cpp, &include).unwrap();
        run(Command::new("c++")
            .args([
                "-std=c++17",
                "-Wall",
                "-Wextra",
                "-pedantic",
                "-Werror",
                "-c",
            ])
            .arg(&cpp)
            .arg("-o")
            .arg(dir.join(format!("{stem}_cpp.o"))));
    }
}

#[test]
fn all_headers_can_be_included_together() {
    build_libraries();
    let dir = scratch();
    let src: String = headers()
        .iter()
        .take(LIBRARIES.len())
        .map(|h| format!("#include \"{}\"\n", h.display()))
        .collect();
    let c = dir.join("together.c");
    std::fs::write(&c, src + "int main(void) { return 0; }\n").unwrap();
    run(Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-pedantic", "-Werror"])
        .arg(&c)
        .arg("-o")
        .arg(dir.join("together")));
}

/// Builds `tests/c/<name>.c` against the fixture and runs it; its last
/// line must report no failures.
fn run_c_suite(name: &str) -> String {
    build_libraries();
    let exe = scratch().join(name);
    let libs = lib_dir();
    run(Command::new("cc")
        .args(["-std=c11", "-Wall", "-Wextra", "-pedantic", "-Werror", "-g"])
        .arg(root().join(format!("tests/c/{name}.c")))
        .arg("-I")
        .arg(root().join("tests/fixture/bindings"))
        .arg("-L")
        .arg(&libs)
        .arg(format!("-Wl,-rpath,{}", libs.display()))
        .args(["-lfixture", "-lpthread", "-o"])
        .arg(&exe));
    let out = stdout_of(&mut Command::new(&exe));
    let last = out.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed"), "{out}");
    out
}

#[test]
fn native_c_suite_passes() {
    run_c_suite("native_test");
}

#[test]
fn c_object_suite_passes() {
    let out = run_c_suite("objects_test");
    let passed: usize = out
        .lines()
        .last()
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(passed >= 60, "too few checks ran: {out}");
}

#[test]
fn c_event_suite_passes() {
    let out = run_c_suite("events_test");
    println!("{out}");
}
