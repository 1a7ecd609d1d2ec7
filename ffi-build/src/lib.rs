//! Build-time generator: reads a library's annotated Rust source and
//! writes its C ABI glue and bindings.
//!
//! In the library's `build.rs`: `fn main() { ffi_build::generate(); }`.
//!
//! This parses `src/lib.rs` (following `mod` declarations), validates the
//! interface, and writes into `OUT_DIR`: `ffi_glue.rs` (included by
//! `#[ffi_library]`), the C header `<lib>.h`, and the Go package
//! `go/<pkg>/`. [`Builder::export_dir`] also copies the bindings to a
//! directory of the crate, for consumers that need a stable path.

pub mod diagnostic;
mod emit;
/// The generator's data model: public for its own tests and tools, not an
/// API (it changes with the generator).
#[doc(hidden)]
pub mod ir;
pub(crate) mod syntax;

pub use diagnostic::{Diagnostic, Diagnostics};
#[doc(hidden)]
pub use syntax::parse_sources;

use std::path::{Path, PathBuf};

/// The C ABI version the generated code is written for: the runtime's
/// (both read it from `ffi-abi`).
pub const ABI_VERSION: u32 = ffi_abi::ABI_VERSION;

/// A target language the generator can write bindings for. The Rust glue
/// is always written: the library itself needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// The native C header, `<lib>.h`.
    C,
    /// The CBOR C header, `<lib>_cbor.h`.
    CborC,
    /// The cgo package, `go/<pkg>/`.
    Go,
    /// The pure-Go IPC client, `go/<pkg>client/`.
    GoClient,
    /// The header-only C++17 wrapper, `<lib>.hpp`.
    Cpp,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::C,
        Language::CborC,
        Language::Go,
        Language::GoClient,
        Language::Cpp,
    ];
}

/// What the emitters need beyond the IR.
#[derive(Debug, Clone)]
pub struct Options {
    /// Directories that may hold `lib<link_name>.so`, searched in order,
    /// as the Go package's cgo directives should spell them (they may start
    /// with `${SRCDIR}`). Empty leaves the library to the linker's search
    /// path (`CGO_LDFLAGS`).
    pub go_link_dirs: Vec<String>,
    /// The languages to write bindings for; all of them by default.
    pub languages: Vec<Language>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            go_link_dirs: Vec::new(),
            languages: Language::ALL.to_vec(),
        }
    }
}

/// Generated files, by path relative to the output directory.
#[derive(Debug, Clone)]
pub struct Generated {
    #[doc(hidden)]
    pub library: ir::Library,
    pub files: Vec<(PathBuf, String)>,
}

impl Generated {
    pub fn file(&self, path: impl AsRef<Path>) -> Option<&str> {
        let path = path.as_ref();
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, s)| s.as_str())
    }
}

/// Generates everything from one `lib.rs` source, without touching the
/// environment. `link_name` is the shared library's file stem.
pub fn generate_from_source(
    source: &str,
    link_name: &str,
    options: &Options,
) -> Result<Generated, Diagnostics> {
    let root = Path::new("src/lib.rs");
    let load = |p: &Path| {
        if p == root {
            Ok(source.to_string())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "only src/lib.rs is available",
            ))
        }
    };
    let parsed = parse_sources(root, &load, link_name)?;
    Ok(emit::all(parsed.library, options))
}

/// Configures generation; [`generate`] is `Builder::new().generate()`.
#[derive(Debug, Clone)]
pub struct Builder {
    export_dir: Option<PathBuf>,
    languages: Vec<Language>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            export_dir: None,
            languages: Language::ALL.to_vec(),
        }
    }
}

impl Builder {
    pub fn new() -> Self {
        Builder::default()
    }

    /// Also writes the bindings (not the Rust glue) under `dir`, relative
    /// to the crate's manifest directory: `<lib>.h` and `go/<pkg>/`. Files
    /// whose content is unchanged are not rewritten.
    pub fn export_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.export_dir = Some(dir.into());
        self
    }

    /// Writes bindings for these languages only (all by default). The C++
    /// and CBOR headers include `<lib>.h`, so either brings in
    /// [`Language::C`].
    pub fn languages(mut self, languages: &[Language]) -> Self {
        let mut chosen = languages.to_vec();
        let needs_c = chosen
            .iter()
            .any(|l| matches!(l, Language::Cpp | Language::CborC));
        if needs_c && !chosen.contains(&Language::C) {
            chosen.push(Language::C);
        }
        self.languages = chosen;
        self
    }

    /// Runs from a build script; on invalid input prints the diagnostics
    /// and fails the build.
    pub fn generate(self) {
        if let Err(e) = self.try_generate() {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }

    /// Like [`Builder::generate`], returning the error instead.
    pub fn try_generate(self) -> Result<Generated, Box<dyn std::error::Error>> {
        let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
        let out_dir = PathBuf::from(env("OUT_DIR")?);
        // OUT_DIR is <target>/<profile>/build/<pkg>-<hash>/out.
        let profile_dir = out_dir.ancestors().nth(3).map(Path::to_path_buf);
        let (parsed_files, generated) =
            generate_crate(&manifest_dir, profile_dir.as_deref(), &self.languages)?;
        for f in &parsed_files {
            println!("cargo:rerun-if-changed={}", f.display());
        }
        println!("cargo:rerun-if-changed=Cargo.toml");
        write_all(&out_dir, &generated.files)?;
        if let Some(dir) = &self.export_dir {
            let export = manifest_dir.join(dir);
            write_all(
                &export,
                &exports(
                    &generated.library,
                    &export,
                    profile_dir.as_deref(),
                    &self.languages,
                ),
            )?;
        }
        Ok(generated)
    }
}

/// The files of `export_dir` (relative to the crate at `manifest_dir`)
/// that are missing or differ from what the generator writes there now,
/// for a build whose libraries land in `profile_dir` (`target/debug`).
/// Lets a test prove that checked-in bindings are fresh.
pub fn stale_exports(
    manifest_dir: &Path,
    export_dir: &Path,
    profile_dir: &Path,
) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let all = Language::ALL;
    let (_, generated) = generate_crate(manifest_dir, Some(profile_dir), &all)?;
    let export = manifest_dir.join(export_dir);
    Ok(
        exports(&generated.library, &export, Some(profile_dir), &all)
            .into_iter()
            .filter(|(rel, content)| {
                std::fs::read(export.join(rel)).ok().as_deref() != Some(content.as_bytes())
            })
            .map(|(rel, _)| rel)
            .collect(),
    )
}

/// Where the shared library may be: the debug then the release directory
/// of the target directory holding `profile_dir`, so generated bindings do
/// not depend on which profile ran the build.
fn link_dirs(profile_dir: Option<&Path>) -> Vec<PathBuf> {
    let Some(target) = profile_dir.and_then(Path::parent) else {
        return Vec::new();
    };
    vec![target.join("debug"), target.join("release")]
}

/// Parses the crate and generates its files for `OUT_DIR`.
fn generate_crate(
    manifest_dir: &Path,
    profile_dir: Option<&Path>,
    languages: &[Language],
) -> Result<(Vec<PathBuf>, Generated), Box<dyn std::error::Error>> {
    let link_name = link_name(manifest_dir)?;
    let root = manifest_dir.join("src/lib.rs");
    let load = |p: &Path| std::fs::read_to_string(p);
    let parsed = parse_sources(&root, &load, &link_name).map_err(|d| relative(d, manifest_dir))?;
    let options = Options {
        go_link_dirs: link_dirs(profile_dir)
            .iter()
            .map(|d| d.display().to_string())
            .collect(),
        languages: languages.to_vec(),
    };
    Ok((parsed.files, emit::all(parsed.library, &options)))
}

/// The bindings (not the Rust glue) as written to an export directory,
/// where the Go package finds the library relative to itself.
fn exports(
    library: &ir::Library,
    export: &Path,
    profile_dir: Option<&Path>,
    languages: &[Language],
) -> Vec<(PathBuf, String)> {
    let go_dir = export
        .join("go")
        .join(emit::go::package_name(&library.name));
    let go_link_dirs = link_dirs(profile_dir)
        .iter()
        .map(|p| format!("${{SRCDIR}}/{}", relative_path(&go_dir, p).display()))
        .collect();
    let options = Options {
        go_link_dirs,
        languages: languages.to_vec(),
    };
    emit::all(library.clone(), &options)
        .files
        .into_iter()
        .filter(|(p, _)| p != Path::new(emit::GLUE_FILE))
        .collect()
}

/// Generates the glue and bindings of the crate being built. Call it from
/// `build.rs`.
pub fn generate() {
    Builder::new().generate()
}

fn env(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    std::env::var(name).map_err(|_| {
        format!("ffi_build: {name} is not set; call generate() from a build script").into()
    })
}

/// The shared library's file stem: `[lib] name`, or the package name.
fn link_name(manifest_dir: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(manifest_dir.join("Cargo.toml"))?;
    let doc: toml::Table = text.parse()?;
    let lib_name = doc
        .get("lib")
        .and_then(|l| l.get("name"))
        .and_then(|n| n.as_str());
    let pkg_name = doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str());
    let name = lib_name
        .or(pkg_name)
        .ok_or("Cargo.toml has no package name")?;
    Ok(name.replace('-', "_"))
}

fn relative(mut d: Diagnostics, base: &Path) -> Diagnostics {
    for diag in &mut d.0 {
        if let Ok(rel) = diag.file.strip_prefix(base) {
            diag.file = rel.to_path_buf();
        }
    }
    d
}

/// `to` as seen from `from` (both absolute, no symlinks assumed).
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c);
    }
    out
}

fn write_all(dir: &Path, files: &[(PathBuf, String)]) -> std::io::Result<()> {
    for (rel, content) in files {
        let path = dir.join(rel);
        if std::fs::read(&path).is_ok_and(|old| old == content.as_bytes()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, content)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_files_are_not_rewritten() {
        let dir = std::env::temp_dir().join(format!("ffi-build-write-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = vec![(PathBuf::from("a/b.h"), "one".to_string())];
        write_all(&dir, &files).unwrap();
        let path = dir.join("a/b.h");
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        write_all(&dir, &files).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            old,
            "same bytes: left alone"
        );
        write_all(&dir, &[(PathBuf::from("a/b.h"), "two".to_string())]).unwrap();
        assert_ne!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            old,
            "new bytes: rewritten"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_the_chosen_languages_are_written() {
        let src = "use ffi_core::prelude::*;\n#[ffi_library(name = \"lang_pick\")]\npub struct L {}\n\
                   #[ffi_ctor]\npub fn new() -> Result<L, String> { Ok(L {}) }\n";
        let paths = |languages: &[Language]| -> Vec<String> {
            let options = Options {
                languages: languages.to_vec(),
                ..Options::default()
            };
            let generated = generate_from_source(src, "lang_pick", &options).unwrap();
            generated
                .files
                .iter()
                .map(|(p, _)| p.display().to_string())
                .collect()
        };
        assert_eq!(paths(&[]), ["ffi_glue.rs"]);
        assert_eq!(
            paths(&[Language::Go]),
            [
                "ffi_glue.rs",
                "go/langpick/lang_pick.h",
                "go/langpick/langpick.go",
                "go/langpick/ffi_runtime.go"
            ]
        );
        let all = paths(&Language::ALL);
        for expected in [
            "lang_pick.h",
            "lang_pick_cbor.h",
            "lang_pick.hpp",
            "go/langpickclient/langpickclient.go",
        ] {
            assert!(all.iter().any(|p| p == expected), "{expected} in {all:?}");
        }
        let cpp_only = Builder::new().languages(&[Language::Cpp]).languages;
        assert_eq!(cpp_only, [Language::Cpp, Language::C], "C++ needs <lib>.h");
    }

    #[test]
    fn relative_paths() {
        let p = relative_path(
            Path::new("/r/examples/timer/bindings/go/mytimer"),
            Path::new("/r/target/debug"),
        );
        assert_eq!(p, PathBuf::from("../../../../../target/debug"));
    }
}
