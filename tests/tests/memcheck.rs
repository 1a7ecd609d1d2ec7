//! Memory: `scripts/valgrind.sh` runs the C timer example, the C suites,
//! the GoogleTest suite and the Rust stress, hostile-input and fuzz suites
//! under valgrind memcheck (invalid accesses, uninitialised reads, and
//! definitely or indirectly lost blocks fail it). About a minute.

use e2e::{build_libraries, lib_dir, root, stdout_of};
use std::process::Command;

#[test]
fn valgrind_clean() {
    build_libraries();
    let build = lib_dir().join("e2e-memcheck");
    std::fs::create_dir_all(&build).expect("build dir");
    let start = std::time::Instant::now();
    let out = stdout_of(
        Command::new(root().join("scripts/valgrind.sh"))
            .env("RSFFI_LIB_DIR", lib_dir())
            .env("RSFFI_VALGRIND_BUILD", &build),
    );
    assert!(out.ends_with("valgrind: all clean\n"), "{out}");
    println!("{out}valgrind: {:.0} s", start.elapsed().as_secs_f64());
}
