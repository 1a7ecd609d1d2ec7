//! Instruction-count regression guard: runs `callgrind-hot` (release
//! build) under `valgrind --tool=callgrind` and compares the instructions
//! per operation of each hot path with `bench/callgrind/budget.toml`.
//!
//! Needs valgrind (`apt-get install valgrind`); without it the test fails.
//! `BENCH_CALLGRIND_UPDATE=1` rewrites the budget with the measured numbers
//! instead of checking them.

use std::path::{Path, PathBuf};
use std::process::Command;

const OPS: u64 = 10_000;
const TOLERANCE: f64 = 1.15;
/// The phases, in the order `callgrind-hot` runs them; dump N+1 holds phase N.
const PHASES: [&str; 3] = ["sync_call", "async_round_trip", "host_round_trip"];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds `callgrind-hot` in release mode; returns its path.
fn build_release() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(manifest_dir())
        .args([
            "build",
            "--release",
            "-p",
            "bench",
            "--bin",
            "callgrind-hot",
            "--message-format=json",
        ])
        .output()
        .expect("cannot run cargo");
    assert!(
        out.status.success(),
        "release build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"]["name"] == "callgrind-hot")
        .find_map(|v| v["executable"].as_str().map(PathBuf::from))
        .expect("cargo did not report the callgrind-hot executable")
}

/// The `summary:` (or `totals:`) Ir of one callgrind output file.
fn total_ir(file: &Path) -> u64 {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("{}: no summary line", file.display()))
}

fn read_budget(path: &Path) -> Vec<(String, f64)> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            Some((k.trim().to_string(), v.trim().parse().ok()?))
        })
        .collect()
}

fn write_budget(path: &Path, measured: &[(&str, f64)]) {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let mut text: String = old
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    for (k, v) in measured {
        text.push_str(&format!("{k} = {}\n", v.ceil()));
    }
    std::fs::write(path, text).expect("cannot write the budget");
}

#[test]
fn instructions_per_operation_stay_within_budget() {
    assert!(
        Command::new("valgrind").arg("--version").output().is_ok(),
        "valgrind is required for the instruction-count guard: apt-get install valgrind"
    );
    let exe = build_release();
    let dir = std::env::temp_dir().join(format!("bench-callgrind-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out_file = dir.join("cg.out");
    let out = Command::new("valgrind")
        // Spinning workers would make the counts depend on scheduling.
        .env("RSFFI_SPIN_US", "0")
        .arg("--tool=callgrind")
        .arg("--dump-before=bench_phase_mark")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(&exe)
        .arg(OPS.to_string())
        .output()
        .expect("cannot run valgrind");
    assert!(
        out.status.success(),
        "callgrind-hot failed under valgrind:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Dump 1 is setup and warm-up; dump k+1 is phase k.
    let measured: Vec<(&str, f64)> = PHASES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            (
                *name,
                total_ir(&dir.join(format!("cg.out.{}", i + 2))) as f64 / OPS as f64,
            )
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);

    let budget_path = manifest_dir().join("callgrind/budget.toml");
    if std::env::var_os("BENCH_CALLGRIND_UPDATE").is_some() {
        write_budget(&budget_path, &measured);
        eprintln!("updated {}: {measured:?}", budget_path.display());
        return;
    }
    let budget = read_budget(&budget_path);
    let mut failures = Vec::new();
    eprintln!(
        "{:<18} {:>10} {:>10} {:>7}",
        "phase", "Ir/op", "budget", "ratio"
    );
    for (name, ir) in &measured {
        let Some((_, b)) = budget.iter().find(|(k, _)| k == name) else {
            failures.push(format!("{name}: no budget in {}", budget_path.display()));
            continue;
        };
        let ratio = ir / b;
        eprintln!("{name:<18} {ir:>10.0} {b:>10.0} {ratio:>6.2}x");
        if ratio > TOLERANCE {
            failures.push(format!(
                "{name}: {ir:.0} instructions per operation, budget {b:.0} (+{:.0}%)",
                (ratio - 1.0) * 100.0
            ));
        } else if ratio < 0.85 {
            eprintln!(
                "  {name} is {:.0}% under budget: lower the budget to lock the gain in",
                (1.0 - ratio) * 100.0
            );
        }
    }
    assert!(
        failures.is_empty(),
        "instruction budget exceeded (tolerance {TOLERANCE}x):\n  {}\nIf the increase is intended, update the budget: \
         BENCH_CALLGRIND_UPDATE=1 cargo test -p bench --test callgrind",
        failures.join("\n  ")
    );
}
