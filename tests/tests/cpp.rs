//! The C and C++ consumers end to end: the C and C++ timer examples print
//! exactly what they should, the GoogleTest suite of the generated C++
//! header passes, and every generated `.hpp` compiles standalone with
//! warnings as errors. (Valgrind runs in `memcheck.rs`.)

use e2e::{LIBRARIES, build_libraries, lib_dir, root, run, stdout_of};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A build directory of its own per test (they run in parallel).
fn scratch(name: &str) -> PathBuf {
    let dir = lib_dir().join("e2e-cpp").join(name);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Configures and builds the CMake project in `source` under `build`.
fn cmake_build(source: &Path, build: &Path) {
    run(Command::new("cmake")
        .arg("-S")
        .arg(source)
        .arg("-B")
        .arg(build)
        .arg(format!("-DRSFFI_LIB_DIR={}", lib_dir().display())));
    run(Command::new("cmake")
        .arg("--build")
        .arg(build)
        .arg("--parallel"));
}

#[test]
fn c_timer_example_output_is_exact() {
    build_libraries();
    let dir = scratch("timer-c");
    run(Command::new("make")
        .arg("-C")
        .arg(root().join("examples/timer/c"))
        .arg(format!("BUILD_DIR={}", dir.display()))
        .arg(format!("RSFFI_LIB_DIR={}", lib_dir().display())));
    let out = stdout_of(&mut Command::new(dir.join("timer_c")));
    assert_eq!(
        out,
        "created timer\n\
         listening to echo_fired\n\
         version: my_timer v0.1.0\n\
         echo: echoed=\"hello from C\" timerName=\"c-native-demo\"\n\
         event echo_fired: message=\"hello from C\" echoCount=1\n\
         complex: itemCount=2 hasNote=true summary=\"received 2 messages, note=a note, retries=3\"\n\
         schedule: jobId=\"c-native-demo:nightly\" willRunCount=12\n\
         removed listener\n\
         destroyed timer\n"
    );
}

#[test]
fn cpp_timer_example_output_is_exact() {
    build_libraries();
    let dir = scratch("timer-cpp");
    cmake_build(&root().join("examples/timer/cpp"), &dir);
    let out = stdout_of(&mut Command::new(dir.join("timer_cpp")));
    assert_eq!(
        out,
        "created timer\n\
         version: my_timer v0.1.0\n\
         echo: echoed=\"hello from C++\" timerName=\"cpp-native-demo\"\n\
         complex: itemCount=2 hasNote=true summary=\"received 2 messages, note=a note, retries=3\"\n\
         schedule: jobId=\"cpp-native-demo:nightly\" willRunCount=12\n\
         done\n"
    );
}

#[test]
fn googletest_suite_passes() {
    build_libraries();
    let dir = scratch("gtest");
    cmake_build(&root().join("tests/cpp"), &dir);
    let out = stdout_of(&mut Command::new(dir.join("fixture_cpp_tests")));
    let summary = out
        .lines()
        .find(|l| l.starts_with("[  PASSED  ]"))
        .unwrap_or_else(|| panic!("no GoogleTest summary in:\n{out}"));
    let passed: usize = summary
        .split_whitespace()
        .nth(3)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected summary {summary:?}"));
    assert!(passed >= 50, "only {passed} tests ran:\n{out}");
    assert!(!out.contains("[  FAILED  ]"), "{out}");
    println!("{summary}");
}

/// `<lib>.hpp` of every library under test, and of every golden case.
fn cpp_headers() -> Vec<PathBuf> {
    e2e::generated_headers(".hpp")
}

fn compile_cpp(dir: &Path, stem: &str, source: &str, includes: &[&Path], extra: &[&str]) {
    let file = dir.join(format!("{stem}.cpp"));
    std::fs::write(&file, source).unwrap();
    let mut cmd = Command::new("c++");
    cmd.args([
        "-std=c++17",
        "-Wall",
        "-Wextra",
        "-pedantic",
        "-Werror",
        "-c",
    ]);
    cmd.args(extra);
    for inc in includes {
        cmd.arg("-I").arg(inc);
    }
    run(cmd.arg(&file).arg("-o").arg(dir.join(format!("{stem}.o"))));
}

#[test]
fn generated_hpp_headers_compile_standalone() {
    build_libraries();
    let dir = scratch("headers");
    let headers = cpp_headers();
    for header in &headers {
        assert!(header.exists(), "{} was not generated", header.display());
        let stem = header.file_stem().unwrap().to_string_lossy().into_owned();
        let name = header.file_name().unwrap().to_string_lossy().into_owned();
        // Twice, to prove the include guard.
        let source = format!("#include \"{name}\"\n#include \"{name}\"\n");
        let include = [header.parent().unwrap()];
        compile_cpp(&dir, &format!("{stem}_hpp_only"), &source, &include, &[]);
        // Projects built without exceptions can use it too.
        let stem = format!("{stem}_hpp_noexcept");
        compile_cpp(&dir, &stem, &source, &include, &["-fno-exceptions"]);
    }
    // The libraries' headers side by side in one translation unit.
    let libs = &headers[..LIBRARIES.len()];
    let source: String = libs
        .iter()
        .map(|h| {
            format!(
                "#include \"{}\"\n",
                h.file_name().unwrap().to_string_lossy()
            )
        })
        .collect();
    let includes: Vec<&Path> = libs.iter().map(|h| h.parent().unwrap()).collect();
    compile_cpp(&dir, "all_hpp_together", &source, &includes, &[]);
}
