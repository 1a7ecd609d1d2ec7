//! Generative test of the generator: many random valid libraries (see
//! `random_lib.rs`), every output compiled in its own language.
//!
//! - Rust: one scratch cargo workspace with a crate per library (the
//!   library's source plus its generated glue), type-checked by one
//!   `cargo check --keep-going`.
//! - C: `<lib>.h` and `<lib>_cbor.h`, each included alone in a C file, with
//!   `cc -std=c11 -Wall -Wextra -pedantic -Werror`.
//! - C++: `<lib>.hpp` with `c++ -std=c++17 -Wall -Wextra -Werror`, several
//!   libraries per translation unit (as a program using several libraries
//!   would), and a use of every class.
//! - Go: one module holding every library's cgo package and remote client,
//!   checked by one `go vet ./...`, and `gofmt -l` must list nothing.
//!
//! `cargo test -p ffi-build --test generative` runs a fixed seed;
//! `scripts/generative.sh SEED COUNT` any other. Environment:
//! `FFI_GEN_SEED`, `FFI_GEN_COUNT`, `FFI_GEN_RAW_IDENTS=1` (also emit
//! `r#type` and friends), `FFI_GEN_COLLIDING_TYPES=1` (also the type names
//! the generator does not handle yet, see `random_lib::AVOID_TYPES`),
//! `FFI_GEN_DIR` (where to write; default
//! `target/generative`).

mod random_lib;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use ffi_build::{Generated, Options, generate_from_source};
use random_lib::{Config, RandomLib, Rng};

const DEFAULT_SEED: u64 = 20261130;
const DEFAULT_COUNT: usize = 200;
/// Libraries per C++ translation unit.
const CPP_BATCH: usize = 8;

struct Case {
    index: usize,
    lib: RandomLib,
    generated: Generated,
}

impl Case {
    fn crate_name(&self) -> String {
        format!("g{:04}", self.index)
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a valid value")),
        Err(_) => default,
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn random_libraries_compile_in_every_language() {
    let seed: u64 = env_or("FFI_GEN_SEED", DEFAULT_SEED);
    let count: usize = env_or("FFI_GEN_COUNT", DEFAULT_COUNT);
    let config = Config {
        raw_idents: std::env::var_os("FFI_GEN_RAW_IDENTS").is_some_and(|v| v != "0"),
        colliding_type_names: std::env::var_os("FFI_GEN_COLLIDING_TYPES").is_some_and(|v| v != "0"),
    };
    let dir = std::env::var_os("FFI_GEN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/generative"));
    let started = Instant::now();

    let mut rng = Rng::new(seed);
    let mut cases = Vec::new();
    let mut rejected = Vec::new();
    let mut go_refused = 0;
    for index in 0..count {
        let lib = random_lib::library(&mut rng, index, config);
        match generate_from_source(&lib.source, &format!("g{index:04}"), &Options::default()) {
            Ok(generated) => cases.push(Case {
                index,
                lib,
                generated,
            }),
            // Items whose Go names meet what a Go package declares (a
            // type `Client`, an enum `New` with a variant `Client`) are
            // refused at the item, as they must be: not output that fails
            // go vet.
            Err(e) if e.iter().all(|d| d.message.contains(" in the Go ")) => {
                go_refused += 1;
            }
            Err(e) => rejected.push(format!("library {index}:\n{}\n{e}", lib.source)),
        }
    }
    if go_refused > 0 {
        eprintln!("{go_refused} libraries refused for colliding Go names, as they must be");
    }
    // The golden cases' libraries are compiled too (they have real bodies).
    let golden = repo_root().join("ffi-build/tests/golden");
    let mut golden_dirs: Vec<PathBuf> = std::fs::read_dir(&golden)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    golden_dirs.sort();
    for (k, dir) in golden_dirs.into_iter().enumerate() {
        let source = std::fs::read_to_string(dir.join("lib.rs")).unwrap();
        // Numbered after the random ones.
        let index = count + k;
        let attr = source
            .lines()
            .find(|l| l.starts_with("#[ffi_library("))
            .expect("golden lib.rs has #[ffi_library]")
            .to_string();
        let name = attr
            .split('"')
            .nth(1)
            .expect("#[ffi_library(name = \"..\")]")
            .to_string();
        match generate_from_source(&source, &format!("g{index:04}"), &Options::default()) {
            Ok(generated) => cases.push(Case {
                index,
                lib: RandomLib {
                    name,
                    source,
                    library_attr: attr,
                },
                generated,
            }),
            Err(e) => rejected.push(format!("golden {}:\n{e}", dir.display())),
        }
    }
    assert!(
        rejected.is_empty(),
        "seed {seed}: the generator rejected {} valid libraries:\n{}",
        rejected.len(),
        rejected.join("\n")
    );
    let t_generate = started.elapsed();

    // Fresh output each run, so nothing stale is compiled.
    for sub in ["c", "cpp", "go"] {
        let _ = std::fs::remove_dir_all(dir.join(sub));
    }
    write_sources(&dir, &cases);

    // The four toolchains run at once; each is given the whole batch.
    let (rust, (c, (cpp, go))) = std::thread::scope(|s| {
        let rust = s.spawn(|| timed(|| check_rust(&dir, &cases)));
        let c = s.spawn(|| timed(|| check_c(&dir, &cases)));
        let cpp = s.spawn(|| timed(|| check_cpp(&dir, &cases)));
        let go = timed(|| check_go(&dir, &cases));
        (
            rust.join().unwrap(),
            (c.join().unwrap(), (cpp.join().unwrap(), go)),
        )
    });

    let mut failures: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut unattributed = Vec::new();
    for (lang, (result, _)) in [("rust", &rust), ("c", &c), ("c++", &cpp), ("go", &go)] {
        for f in &result.failures {
            match f.index {
                Some(i) => failures
                    .entry(i)
                    .or_default()
                    .push(format!("[{lang}] {}", f.text)),
                None => unattributed.push(format!("[{lang}] {}", f.text)),
            }
        }
    }
    eprintln!(
        "generative: seed {seed}, {} libraries in {}; generate {:.1}s, rust {:.1}s, c {:.1}s, \
         c++ {:.1}s, go {:.1}s, total {:.1}s",
        cases.len(),
        dir.display(),
        t_generate.as_secs_f64(),
        rust.1,
        c.1,
        cpp.1,
        go.1,
        started.elapsed().as_secs_f64()
    );
    if failures.is_empty() && unattributed.is_empty() {
        return;
    }
    let mut report = format!(
        "seed {seed}: {} of {} libraries produce output that does not compile \
         (sources under {}):\n",
        failures.len(),
        cases.len(),
        dir.display()
    );
    for (i, msgs) in &failures {
        let name = cases
            .iter()
            .find(|c| c.index == *i)
            .map_or("?", |c| &c.lib.name);
        report.push_str(&format!(
            "\n=== library {i} ({name}, rust/g{i:04}/src/lib.rs)\n"
        ));
        for m in msgs {
            report.push_str(m);
            report.push('\n');
        }
    }
    for m in &unattributed {
        report.push_str(m);
        report.push('\n');
    }
    let _ = std::fs::write(dir.join("report.txt"), &report);
    panic!("{report}");
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed().as_secs_f64())
}

struct Failure {
    index: Option<usize>,
    text: String,
}

#[derive(Default)]
struct Outcome {
    failures: Vec<Failure>,
}

fn write(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return; // unchanged: keep the mtime so cargo need not recheck it
    }
    std::fs::write(path, content).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn file<'a>(case: &'a Case, rel: &str) -> &'a str {
    case.generated
        .file(rel)
        .unwrap_or_else(|| panic!("library {}: no generated {rel}", case.index))
}

fn write_sources(dir: &Path, cases: &[Case]) {
    let root = repo_root();
    // Rust: a workspace of one crate per library.
    let rust = dir.join("rust");
    let members: Vec<String> = cases
        .iter()
        .map(|c| format!("\"{}\"", c.crate_name()))
        .collect();
    write(
        &rust.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n",
            members.join(", ")
        ),
    );
    // The repository's lock file pins the same dependency versions.
    if !rust.join("Cargo.lock").exists() {
        std::fs::copy(root.join("Cargo.lock"), rust.join("Cargo.lock")).unwrap();
    }
    let ffi_core = root.join("ffi-core");
    for case in cases {
        let krate = rust.join(case.crate_name());
        write(
            &krate.join("Cargo.toml"),
            &format!(
                "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\nffi-core = {{ path = {:?} }}\n",
                case.crate_name(),
                ffi_core.display().to_string()
            ),
        );
        // `#[ffi_library]` expands to its item plus
        // `include!(concat!(env!("OUT_DIR"), "/ffi_glue.rs"))`; the
        // scratch crates have no build script (one per crate would cost
        // more than the check itself), so the include is written out.
        let source = case.lib.source.replace(&case.lib.library_attr, "");
        assert_ne!(source, case.lib.source);
        write(
            &krate.join("src/lib.rs"),
            &format!("{source}\ninclude!(\"ffi_glue.rs\");\n"),
        );
        write(&krate.join("src/ffi_glue.rs"), file(case, "ffi_glue.rs"));
        write(&krate.join("src/original_lib.rs.txt"), &case.lib.source);
    }

    // C and C++: each library's headers in a folder of its own.
    for case in cases {
        let lib = &case.lib.name;
        let c = dir.join("c").join(case.crate_name());
        for rel in [
            format!("{lib}.h"),
            format!("{lib}_cbor.h"),
            format!("{lib}.hpp"),
        ] {
            write(&c.join(&rel), file(case, &rel));
        }
        write(
            &c.join("native.c"),
            &format!("#include \"{lib}.h\"\n\nint main(void) {{ return 0; }}\n"),
        );
        write(
            &c.join("cbor.c"),
            &format!("#include \"{lib}_cbor.h\"\n\nint main(void) {{ return 0; }}\n"),
        );
    }
    for (b, batch) in cases.chunks(CPP_BATCH).enumerate() {
        let mut tu = String::new();
        for case in batch {
            tu.push_str(&format!(
                "#include \"../c/{}/{}.hpp\"\n",
                case.crate_name(),
                case.lib.name
            ));
        }
        tu.push_str("\nint main() { return 0; }\n");
        write(&dir.join("cpp").join(format!("batch{b:03}.cpp")), &tu);
    }

    // Go: one module, each library's two packages under its own folder.
    let go = dir.join("go");
    let go_mod = std::fs::read_to_string(root.join("go.mod")).unwrap();
    let requires: String = go_mod
        .lines()
        .filter(|l| l.starts_with("require") || l.starts_with("go "))
        .map(|l| format!("{l}\n"))
        .collect();
    write(&go.join("go.mod"), &format!("module ffigen\n\n{requires}"));
    std::fs::copy(root.join("go.sum"), go.join("go.sum")).unwrap();
    for case in cases {
        for (rel, content) in &case.generated.files {
            if let Ok(rest) = rel.strip_prefix("go") {
                write(&go.join(case.crate_name()).join(rest), content);
            }
        }
    }
}

/// Output lines grouped by the case they belong to: a line that names no
/// case belongs to the last one named before it.
fn by_case(text: &str) -> BTreeMap<Option<usize>, Vec<&str>> {
    let mut out: BTreeMap<Option<usize>, Vec<&str>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        current = attribute(line).or(current);
        out.entry(current).or_default().push(line);
    }
    out
}

/// The case a path or message mentions (`g0042`), if any.
fn attribute(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(4)).find_map(|at| {
        let starts = b[at] == b'g' && (at == 0 || !b[at - 1].is_ascii_alphanumeric());
        let digits = &b[at + 1..at + 5];
        let ends = b.get(at + 5).is_none_or(|c| !c.is_ascii_alphanumeric());
        (starts && ends && digits.iter().all(u8::is_ascii_digit))
            .then(|| std::str::from_utf8(digits).unwrap().parse().unwrap())
    })
}

fn output_text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn check_rust(dir: &Path, _cases: &[Case]) -> Outcome {
    let rust = dir.join("rust");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = run(Command::new(cargo)
        .current_dir(&rust)
        .args([
            "check",
            "--offline",
            "--workspace",
            "--keep-going",
            "--quiet",
            "--message-format",
            "short",
        ])
        .env("CARGO_TARGET_DIR", rust.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("RUSTFLAGS", "-D warnings"));
    let mut outcome = Outcome::default();
    if !out.status.success() {
        let text = output_text(&out);
        let mut any = false;
        for line in text
            .lines()
            .filter(|l| l.contains("error") || l.contains("warning"))
        {
            any = true;
            outcome.failures.push(Failure {
                index: attribute(line),
                text: line.to_string(),
            });
        }
        if !any {
            outcome.failures.push(Failure {
                index: None,
                text: format!("cargo check failed:\n{text}"),
            });
        }
    }
    outcome
}

/// A compiler run over some files.
struct Job {
    cmd: Command,
    /// Every file the run reads that the test wrote.
    inputs: Vec<PathBuf>,
}

/// Runs `jobs` two at a time. A job whose command and inputs are
/// byte-for-byte those of an earlier successful run (a stamp under
/// `stamps`) is not run again (`None`), as cargo and go skip what they
/// checked before: the same seed with an unchanged generator is quick.
fn run_parallel(jobs: Vec<Job>, stamps: &Path) -> Vec<Option<Output>> {
    std::fs::create_dir_all(stamps).unwrap();
    let jobs = std::sync::Mutex::new(jobs.into_iter().enumerate().collect::<Vec<_>>());
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let next = jobs.lock().unwrap().pop();
                    let Some((i, mut job)) = next else { break };
                    let stamp = stamps.join(stamp(&job));
                    let out = if stamp.exists() {
                        None
                    } else {
                        let out = run(&mut job.cmd);
                        if out.status.success() {
                            std::fs::write(&stamp, "").unwrap();
                        }
                        Some(out)
                    };
                    results.lock().unwrap().push((i, out));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, o)| o).collect()
}

fn stamp(job: &Job) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{:?}", job.cmd).hash(&mut h);
    for input in &job.inputs {
        input.hash(&mut h);
        std::fs::read(input)
            .unwrap_or_else(|e| panic!("{}: {e}", input.display()))
            .hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

fn compiler_failures(outputs: &[Option<Output>], what: &str) -> Outcome {
    let mut outcome = Outcome::default();
    for out in outputs.iter().flatten() {
        if out.status.success() {
            continue;
        }
        // One failure per library mentioned, with its messages.
        let text = output_text(out);
        let by_case = by_case(&text);
        for (index, lines) in by_case {
            let shown: Vec<&str> = lines.into_iter().take(40).collect();
            outcome.failures.push(Failure {
                index,
                text: format!("{what}:\n{}", shown.join("\n")),
            });
        }
    }
    outcome
}

fn check_c(dir: &Path, cases: &[Case]) -> Outcome {
    let c = dir.join("c");
    let jobs = cases
        .chunks(25)
        .map(|chunk| {
            let mut cmd = Command::new("cc");
            cmd.current_dir(&c).args([
                "-std=c11",
                "-Wall",
                "-Wextra",
                "-pedantic",
                "-Werror",
                "-fsyntax-only",
            ]);
            let mut inputs = Vec::new();
            for case in chunk {
                let lib = &case.lib.name;
                let dir = c.join(case.crate_name());
                cmd.arg(format!("{}/native.c", case.crate_name()));
                cmd.arg(format!("{}/cbor.c", case.crate_name()));
                for f in [
                    "native.c".into(),
                    "cbor.c".into(),
                    format!("{lib}.h"),
                    format!("{lib}_cbor.h"),
                ] {
                    inputs.push(dir.join(f));
                }
            }
            Job { cmd, inputs }
        })
        .collect();
    compiler_failures(
        &run_parallel(jobs, &dir.join("stamps")),
        "cc -std=c11 -Wall -Wextra -pedantic -Werror",
    )
}

fn check_cpp(dir: &Path, cases: &[Case]) -> Outcome {
    let cpp = dir.join("cpp");
    let batches = cases.len().div_ceil(CPP_BATCH);
    let jobs = (0..batches)
        .map(|b| {
            let tu = format!("batch{b:03}.cpp");
            let mut cmd = Command::new("c++");
            cmd.current_dir(&cpp).args([
                "-std=c++17",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-fsyntax-only",
                &tu,
            ]);
            let mut inputs = vec![cpp.join(&tu)];
            for case in cases.iter().skip(b * CPP_BATCH).take(CPP_BATCH) {
                let lib = &case.lib.name;
                let c = dir.join("c").join(case.crate_name());
                inputs.push(c.join(format!("{lib}.hpp")));
                inputs.push(c.join(format!("{lib}.h")));
            }
            Job { cmd, inputs }
        })
        .collect();
    compiler_failures(
        &run_parallel(jobs, &dir.join("stamps")),
        "c++ -std=c++17 -Wall -Wextra -Werror",
    )
}

fn check_go(dir: &Path, _cases: &[Case]) -> Outcome {
    let go = dir.join("go");
    let mut outcome = Outcome::default();
    let fmt = run(Command::new("gofmt").arg("-l").arg(".").current_dir(&go));
    for line in String::from_utf8_lossy(&fmt.stdout).lines() {
        outcome.failures.push(Failure {
            index: attribute(line),
            text: format!("gofmt -l lists {line}"),
        });
    }
    if !fmt.status.success() {
        outcome.failures.push(Failure {
            index: None,
            text: format!("gofmt failed: {}", output_text(&fmt)),
        });
    }
    let vet = run(Command::new("go")
        .args(["vet", "./..."])
        .current_dir(&go)
        .env("CGO_ENABLED", "1")
        .env("GOFLAGS", "-mod=mod"));
    if !vet.status.success() {
        let text = output_text(&vet);
        let by_case = by_case(&text);
        for (index, lines) in by_case {
            let shown: Vec<&str> = lines.into_iter().take(40).collect();
            outcome.failures.push(Failure {
                index,
                text: format!("go vet:\n{}", shown.join("\n")),
            });
        }
    }
    outcome
}
