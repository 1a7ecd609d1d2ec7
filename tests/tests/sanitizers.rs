//! Races and memory errors: `scripts/sanitizers.sh` builds the C suites
//! (tests/c/native_test.c, events_test.c) with gcc's ThreadSanitizer and
//! AddressSanitizer (with LeakSanitizer) against the fixture library and
//! runs them; any report, or a failed check, fails it. A canary that races
//! on purpose must be reported. A few seconds.

use e2e::{build_libraries, lib_dir, root, stdout_of};
use std::process::Command;

#[test]
fn c_suites_are_clean_under_thread_and_address_sanitizers() {
    build_libraries();
    let build = lib_dir().join("e2e-sanitizers");
    std::fs::create_dir_all(&build).expect("build dir");
    let start = std::time::Instant::now();
    let out = stdout_of(
        Command::new(root().join("scripts/sanitizers.sh"))
            .env("RSFFI_LIB_DIR", lib_dir())
            .env("RSFFI_SANITIZER_BUILD", &build),
    );
    for run in [
        "thread native_test",
        "thread events_test",
        "address native_test",
        "address events_test",
    ] {
        assert!(
            out.contains(&format!("== {run}\n   clean")),
            "{run}:\n{out}"
        );
    }
    // The canary races on purpose; TSan must catch it.
    assert!(
        out.contains("== thread race_canary\n   reported, as it must be"),
        "{out}"
    );
    assert!(out.ends_with("sanitizers: all clean\n"), "{out}");
    println!("{out}sanitizers: {:.0} s", start.elapsed().as_secs_f64());
}
