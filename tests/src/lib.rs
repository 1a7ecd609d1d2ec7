//! Shared helpers of the end-to-end tests in `tests/tests/`: locating the
//! workspace, building the example and fixture libraries once, and running
//! external tools with readable failures.

pub mod fuzz;
pub mod native;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root.
pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("tests/ has a parent")
            .to_path_buf()
    })
}

/// `target/debug`, where the libraries under test are built.
pub fn lib_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    target.join("debug")
}

/// The packages whose shared libraries the suites load.
pub const LIBRARIES: [&str; 3] = ["timer", "host_demo", "fixture"];

/// The generated `<lib><suffix>` headers (`.h`, `_cbor.h`, `.hpp`) of every
/// library under test, then of every golden case of the generator.
pub fn generated_headers(suffix: &str) -> Vec<PathBuf> {
    let libraries = [
        ("examples/timer", "my_timer"),
        ("examples/host_demo", "host_demo"),
        ("tests/fixture", "fixture"),
    ];
    let mut out: Vec<PathBuf> = libraries
        .iter()
        .map(|(dir, name)| {
            root()
                .join(dir)
                .join("bindings")
                .join(format!("{name}{suffix}"))
        })
        .collect();
    let golden = root().join("ffi-build/tests/golden");
    let mut cases: Vec<_> = std::fs::read_dir(&golden)
        .expect("golden dir")
        .flatten()
        .collect();
    cases.sort_by_key(|c| c.file_name());
    for case in cases {
        let name = case.file_name().to_string_lossy().into_owned();
        out.push(case.path().join("expected").join(format!("{name}{suffix}")));
    }
    out
}

/// Builds the example and fixture libraries (and so their bindings), once
/// per test binary.
pub fn build_libraries() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.arg("build").current_dir(root());
        for lib in LIBRARIES {
            cmd.args(["-p", lib]);
        }
        // With the IPC server too, in the same build: one feature set for
        // ffi-core, so the libraries are not rebuilt for each.
        cmd.args(["-p", "ffi-serve"]);
        run(&mut cmd);
    });
}

/// Runs `cmd`, failing the test with its output unless it succeeds.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed with {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `cmd` and returns its standard output as text.
pub fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(run(cmd).stdout).expect("UTF-8 output")
}

/// A `go` command run from the workspace root.
pub fn go(args: &[&str]) -> Command {
    let mut cmd = Command::new("go");
    cmd.args(args).current_dir(root());
    cmd
}

pub mod ipc;
