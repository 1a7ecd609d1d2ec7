//! Builds the pieces in release mode: the cdylib (and the generated
//! bindings), the Go program and the C driver, all against
//! `target/release`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The benchmark programs; an `Err` says why one could not be built.
pub struct Built {
    pub go: Result<PathBuf, String>,
    pub c: Result<PathBuf, String>,
}

fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("== build: {cmd:?}");
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("build failed ({s}): {cmd:?}")),
        Err(e) => Err(format!("cannot run {cmd:?}: {e}")),
    }
}

pub fn build_all(root: &Path, release: &Path) -> Result<Built, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The library, its bindings, and the callgrind binary (the driver
    // itself is already built: this is a no-op for it).
    run(Command::new(&cargo)
        .current_dir(root)
        .args(["build", "--release", "-p", "bench"]))?;
    let lib = release.join("libbenchlib.so");
    if !lib.exists() {
        return Err(format!("{} is missing after the build", lib.display()));
    }

    // The generated package's own LDFLAGS name a profile directory; these
    // come first, and LD_LIBRARY_PATH at run time wins over any rpath.
    // The Go program checks /proc/self/maps to be sure.
    let rel = release.display();
    let go_exe = release.join("bench-go");
    let go = run(Command::new("go")
        .current_dir(root)
        .env("CGO_ENABLED", "1")
        .env("CGO_LDFLAGS", format!("-L{rel} -Wl,-rpath,{rel}"))
        .env("LD_LIBRARY_PATH", release)
        .args(["build", "-o"])
        .arg(&go_exe)
        .arg("./bench/go"))
    .map(|()| go_exe);

    let c_exe = release.join("bench-c");
    let c = run(
        Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
            .current_dir(root)
            .args([
                "-O2",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-std=c11",
                "-pthread",
                "-I",
                "bench/bindings",
                "bench/c/driver.c",
            ])
            .arg(format!("-L{rel}"))
            .arg(format!("-Wl,-rpath,{rel}"))
            .args(["-lbenchlib", "-o"])
            .arg(&c_exe),
    )
    .map(|()| c_exe);
    Ok(Built { go, c })
}
