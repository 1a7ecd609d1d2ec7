//! The benchmark driver: `cargo run --release -p bench [-- --quick]`.
//!
//! Builds what it needs in release mode, runs the Go program, the C
//! driver and the in-process CBOR and IPC benchmarks, prints one table
//! (each figure next to its baseline from the same run, the ratio, the
//! target and PASS/MISS) and writes it to `BENCHMARKS.md` with a
//! description of the machine.

mod codec;
mod ipc;
mod prepare;
mod rows;
mod table;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Every measured figure, by result id then field; and, per group (`go`,
/// `c`, `cbor`, `ipc`), why it was not measured.
#[derive(Default)]
pub struct Results {
    values: HashMap<String, HashMap<String, f64>>,
    pub missing: HashMap<String, String>,
    pub notes: Vec<String>,
}

impl Results {
    pub fn get(&self, id: &str) -> Option<&HashMap<String, f64>> {
        self.values.get(id)
    }

    pub fn put(&mut self, id: &str, fields: &[(&str, f64)]) {
        let m = self.values.entry(id.to_string()).or_default();
        for (k, v) in fields {
            m.insert(k.to_string(), *v);
        }
        eprintln!(
            "  {id}: {}",
            fields
                .iter()
                .map(|(k, v)| format!("{k}={v:.1}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }

    /// Reads the JSON lines a Go or C benchmark program printed.
    fn parse_lines(&mut self, out: &str, rename: &dyn Fn(&str) -> String) {
        for line in out.lines().filter(|l| l.starts_with('{')) {
            let Ok(serde_json::Value::Object(obj)) =
                serde_json::from_str::<serde_json::Value>(line)
            else {
                continue;
            };
            let Some(id) = obj.get("id").and_then(|v| v.as_str()) else {
                continue;
            };
            let id = &rename(id);
            if let Some(path) = obj.get("path").and_then(|v| v.as_str()) {
                self.notes.push(format!(
                    "{id}: `{path}` (checked to be under target/release)"
                ));
                continue;
            }
            let fields: Vec<(&str, f64)> = obj
                .iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.as_f64()?)))
                .collect();
            self.put(id, &fields);
        }
    }
}

/// Runs a benchmark program; its JSON lines go into `results` (ids
/// renamed by `rename`), and a failure marks the group as not measured.
fn run_program(
    results: &mut Results,
    group: &str,
    cmd: &mut Command,
    rename: &dyn Fn(&str) -> String,
) {
    eprintln!("== {group}: {cmd:?}");
    match cmd.stderr(Stdio::inherit()).output() {
        Ok(out) if out.status.success() => {
            results.parse_lines(&String::from_utf8_lossy(&out.stdout), rename)
        }
        Ok(out) => {
            results.parse_lines(&String::from_utf8_lossy(&out.stdout), rename);
            results
                .missing
                .insert(group.into(), format!("program failed: {}", out.status));
        }
        Err(e) => {
            results
                .missing
                .insert(group.into(), format!("cannot run: {e}"));
        }
    }
}

/// The groups `--only a,b` selects (all of them without the flag).
fn selected() -> Vec<String> {
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--only=").map(str::to_string))
        });
    match only {
        Some(list) => list.split(',').map(|g| g.trim().to_string()).collect(),
        None => ["go", "c", "codec", "ipc"].map(String::from).to_vec(),
    }
}

fn main() -> ExitCode {
    let quick = std::env::args().any(|a| a == "--quick");
    // `--only codec,ipc`: run just those groups (`go`, `c`, `codec`,
    // `ipc`); a partial run prints its table but leaves BENCHMARKS.md alone.
    let groups = selected();
    let partial = groups.len() < 4;
    let want = |g: &str| groups.iter().any(|x| x == g);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    let release = root.join("target/release");
    let mut results = Results::default();

    let built = match prepare::build_all(&root, &release) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let q: &[&str] = if quick { &["-quick"] } else { &[] };
    // A burst (the Go throughput phase runs 256 goroutines) leaves this
    // virtual machine slower for a while; let it settle between groups.
    let settle = || std::thread::sleep(std::time::Duration::from_secs(if quick { 1 } else { 3 }));
    // The Go program runs twice: with GOMAXPROCS=2 (this machine's CPUs;
    // ids `go_*`) and with GOMAXPROCS=1 (what Go picks in a one-CPU
    // container; ids `go1_*`).
    for (group, procs) in [("go", "2"), ("go1", "1")] {
        match &built.go {
            _ if !want("go") => drop(results.missing.insert(group.into(), "not selected".into())),
            Ok(exe) => run_program(
                &mut results,
                group,
                Command::new(exe)
                    .args(q)
                    .arg("-expect-dir")
                    .arg(&release)
                    .env("GOMAXPROCS", procs)
                    .env("LD_LIBRARY_PATH", &release),
                &|id: &str| match id.strip_prefix("go_") {
                    Some(rest) => format!("{group}_{rest}"),
                    None => id.to_string(),
                },
            ),
            Err(e) => drop(results.missing.insert(group.into(), e.clone())),
        }
        settle();
    }
    match &built.c {
        _ if !want("c") => drop(results.missing.insert("c".into(), "not selected".into())),
        Ok(exe) => run_program(
            &mut results,
            "c",
            Command::new(exe)
                .args(if quick { &["--quick"][..] } else { &[] })
                .env("LD_LIBRARY_PATH", &release),
            &str::to_string,
        ),
        Err(e) => drop(results.missing.insert("c".into(), e.clone())),
    }
    settle();
    if want("codec") {
        eprintln!("== cbor (in process)");
        codec::run(&mut results, quick);
    } else {
        results.missing.insert("cbor".into(), "not selected".into());
    }
    settle();
    if want("ipc") {
        eprintln!("== ipc (in process, Unix socket)");
        if let Err(e) = ipc::run(&mut results, quick) {
            results.missing.insert("ipc".into(), e);
        }
    } else {
        results.missing.insert("ipc".into(), "not selected".into());
    }

    let table = table::markdown(&results);
    println!("{table}");
    if partial {
        eprintln!("bench: partial run (--only): BENCHMARKS.md left as it is");
        return ExitCode::SUCCESS;
    }
    let doc = document(&root, &table, &results, quick);
    if let Err(e) = std::fs::write(root.join("BENCHMARKS.md"), doc) {
        eprintln!("bench: cannot write BENCHMARKS.md: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!("bench: wrote {}", root.join("BENCHMARKS.md").display());
    ExitCode::SUCCESS
}

fn shell(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    [
        ("date", shell("date", &["-u", "+%Y-%m-%d %H:%M UTC"])),
        ("nproc", shell("nproc", &[])),
        ("CPU", cpu),
        ("kernel", shell("uname", &["-sr"])),
        ("rustc", shell("rustc", &["--version"])),
        ("go", shell("go", &["version"])),
        ("load average at the end", shell("cat", &["/proc/loadavg"])),
    ]
    .iter()
    .map(|(k, v)| format!("- {k}: {v}\n"))
    .collect()
}

fn document(root: &Path, table: &str, r: &Results, quick: bool) -> String {
    let template = include_str!("../../../README.md");
    let notes: String = r.notes.iter().map(|n| format!("- {n}\n")).collect();
    let run = if quick {
        "`--quick` (smoke run: fewer iterations, numbers are rough)"
    } else {
        "full"
    };
    let _ = root;
    format!(
        "# Benchmarks\n\n<!-- Written by `cargo run --release -p bench`; edit bench/README.md instead. -->\n\n## Last run ({run})\n\n{}{notes}{table}\n{template}",
        machine()
    )
}
