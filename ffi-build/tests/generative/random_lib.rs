//! Random valid libraries: the source of a crate's `lib.rs` as an author
//! would write it, with names drawn from every target language's keywords
//! and from the names the generated code uses itself, and every supported
//! type nested to random depth.
//!
//! The generator only produces libraries that SPEC section 2 says must
//! work. A few kinds of names that the generator should reject with a
//! diagnostic (two items whose derived C, Go or C++ names are equal) are
//! avoided here instead; see [`Namer::function`].

use std::collections::HashSet;
use std::fmt::Write;

/// A small deterministic PRNG (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What the generator may emit beyond the always-valid core.
#[derive(Debug, Clone, Copy, Default)]
pub struct Config {
    /// Emit raw identifiers (`r#type`) for parameters, fields and
    /// functions. SPEC section 2 says they work; the parser refuses them
    /// until that lands, so this is off by default.
    pub raw_idents: bool,
    /// Also use the type names of [`AVOID_TYPES`] and the Go
    /// constructor names, which the generator neither escapes nor rejects.
    pub colliding_type_names: bool,
}

/// snake_case names that are keywords, reserved words, predeclared
/// identifiers or standard macros of C, C++ or Go, plus the names the
/// generated C, C++, Go and Rust code uses for its own parameters, locals,
/// helpers and imported packages. All are legal plain Rust identifiers.
#[rustfmt::skip]
const SNAKE: &[&str] = &[
    // C and C++ keywords and alternative tokens
    "auto", "bool", "char", "class", "default", "delete", "double", "float", "int", "long",
    "namespace", "new", "not", "and", "or", "xor", "bitand", "compl", "operator", "private",
    "protected", "public", "register", "short", "signed", "unsigned", "sizeof", "switch",
    "template", "this", "throw", "typedef", "typename", "union", "using", "void", "volatile",
    "case", "catch", "goto", "friend", "inline", "explicit", "export", "mutable", "nullptr",
    "restrict", "alignas", "alignof", "decltype", "noexcept", "concept", "requires",
    "co_await", "thread_local", "static_assert", "wchar_t", "char8_t",
    // C library names and macros
    "errno", "stdin", "stdout", "stderr", "assert", "linux", "unix", "main", "exit", "malloc",
    "memcpy", "strlen", "printf", "size_t", "int32_t", "uint8_t", "bool_", "offsetof",
    "va_list", "signal", "time", "abs", "max", "min", "errno_t",
    // Go keywords, predeclared names, and packages the generated Go imports
    "chan", "defer", "fallthrough", "func", "go", "import", "interface", "map", "package",
    "range", "select", "var", "string", "len", "cap", "make", "nil", "append", "copy", "close",
    "panic", "recover", "error", "any", "iota", "byte", "rune", "uintptr", "print", "println",
    "real", "imag", "complex", "clear", "comparable", "float64", "int64", "uint32",
    "context", "errors", "fmt", "runtime", "sync", "atomic", "strconv", "cbor", "math",
    "binary", "io", "net", "os", "strings", "bytes", "reflect", "testing",
    // Rust weak keywords and std names
    "raw", "safe", "macro_rules", "result", "option", "vec", "std", "core", "alloc", "drop",
    "into", "from", "clone", "sleep",
    // names the generated code uses itself (C, C++, Go, Rust glue)
    "ctx", "cb", "ud", "user_data", "userdata", "callback", "msg", "len_", "ret", "req",
    "call_id", "name", "event", "func_", "fn_", "id", "data", "ptr", "is_some", "value",
    "items", "count", "arena", "ffi_arena", "ffi_done", "ffi_slot", "ffi_result", "ffi_state",
    "ffi_lib", "done", "slot", "state", "answer", "pinner", "p", "t", "s", "c", "r", "v", "w",
    "n", "i", "x", "m", "ok", "err", "out", "lid", "listeners", "pending", "frame", "conn",
    "client", "fail", "lift", "lower", "lift_str", "lower_bytes", "capture", "invoke",
    "detail", "callbacks", "callbacks_", "ctx_", "moved_from", "host", "on_error", "block",
    "promise", "future", "fut", "lock", "guard", "listener", "self_", "other", "args",
    "input", "output", "result_", "handle", "handles", "library", "context_", "wire",
    "__ffi_cb", "__ffi_ud", "__ffi_ctx", "__ffi_state", "__ffi_context", "__ffi_req",
    "__ffi_len", "__ffi_key", "__ffi_d", "__ffi_e", "__ffi_bytes", "__ffi_other",
    "__ffi_method", "__ffi_glue", "_x", "x_", "a1", "job_id", "http_api", "url", "user_id",
    // not snake_case, still legal Rust (the generated crates allow the lint)
    "C", "LIBRARY", "NULL", "EOF", "T",
];

/// Identifiers that are keywords in Rust and so need `r#` (used only with
/// [`Config::raw_idents`]).
#[rustfmt::skip]
const RAW: &[&str] = &[
    "type", "match", "fn", "impl", "loop", "mod", "move", "mut", "ref", "static", "struct",
    "trait", "where", "const", "enum", "extern", "for", "if", "in", "let", "return", "while",
    "break", "continue", "else", "use", "dyn", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "async",
    "await", "unsafe", "pub", "true", "false", "gen", "as",
];

/// CamelCase names for types, state structs and enum variants: names the
/// generated C++ namespace, Go packages and C header declare themselves,
/// and keywords once capitalised.
#[rustfmt::skip]
const CAMEL: &[&str] = &[
    "Context", "Error", "Client", "Handle", "Str", "Bytes", "Callback", "Event", "Future",
    "Type", "Interface", "Map", "Chan", "Func", "Class", "Namespace", "Default", "Int", "Bool",
    "Char", "Void", "Nullptr", "Std", "Optional", "Vector", "Variant", "Promise", "Listener",
    "FFIStr", "FFIBytes", "FFICallBack", "FFIHostFn", "Lib", "Library", "State", "Inline",
    "Detail", "Pinner", "Answer", "Conn", "Call", "Reply", "Value", "Kind", "Priority", "Null",
    "Nil", "Ok", "Err", "None", "Some", "Main", "Go", "C", "Cpp", "Http", "Url", "Id", "Json",
    "Api", "A", "B", "Ab", "X", "Vec2", "Option2", "Item", "Items", "Node", "Time", "Duration2",
    "Sync", "Async", "Runtime", "Atomic", "Errors", "Fmt", "Strconv", "Cbor", "Marshal",
    "Unmarshal", "Dial", "Close", "String2", "Uint8", "Int32", "Float", "Double", "Signed",
    "Unsigned", "Register", "Template", "Typename", "Operator", "This", "Auto", "Export",
    "Union", "Struct2", "Enum2", "Static2", "Public", "Private", "Friend", "Delete", "New",
    "Range", "Select", "Package", "Import", "Var", "Defer", "Goto", "Case", "Switch",
];

/// Type names that collide with a name the generator derives or declares
/// itself; it should escape or reject them, and does neither yet:
/// - `Bytes`: the mangled name of `Vec<u8>`, so `Vec<Bytes>` and
///   `Vec<Vec<u8>>` both declare C `<lib>_Vec_Bytes` (and C++/Go
///   converters of that name);
/// - `Client`, `Dial`, `ErrClosed`, `Marshal`, `NewClient`, `Unmarshal`:
///   declared by the Go remote client package itself.
///
/// Also avoided (see [`library`]): a type named `New<State>` or
/// `New<State>Context` (the Go constructors), and an enum constant
/// `<Enum><Variant>` equal to a type name or another constant.
#[rustfmt::skip]
const AVOID_TYPES: &[&str] = &[
    "Bytes", "Client", "Dial", "ErrClosed", "Marshal", "NewClient", "Unmarshal",
];

#[rustfmt::skip]
const PRIMITIVES: &[&str] = &[
    "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64",
];

/// A random library's source and what the harness needs to know about it.
pub struct RandomLib {
    /// `#[ffi_library(name = ...)]`.
    pub name: String,
    /// The whole `lib.rs`.
    pub source: String,
    /// The exact line holding the `#[ffi_library]` attribute.
    pub library_attr: String,
}

#[derive(Clone)]
enum Ty {
    Prim(&'static str),
    String,
    Bytes,
    Vec(Box<Ty>),
    Option(Box<Ty>),
    Named(String),
}

impl Ty {
    fn rust(&self) -> String {
        match self {
            Ty::Prim(p) => (*p).to_string(),
            Ty::String => "String".into(),
            Ty::Bytes => "Vec<u8>".into(),
            Ty::Vec(t) => format!("Vec<{}>", t.rust()),
            Ty::Option(t) => format!("Option<{}>", t.rust()),
            Ty::Named(n) => n.clone(),
        }
    }
}

/// Hands out names, keeping each scope free of duplicates. Two names are
/// the same when they are equal after dropping underscores and case:
/// `job_id` and `jobid` are one Go field `JobID`/`Jobid`, so the generator
/// treats them as a collision the author could not predict.
struct Namer<'a> {
    rng: &'a mut Rng,
    config: Config,
    /// Every Rust function name in the crate, and every name derived from
    /// a foreign function's name (see [`Namer::function`]).
    functions: HashSet<String>,
    /// Every type name, and Go top-level names derived from types.
    types: HashSet<String>,
}

fn norm(name: &str) -> String {
    name.trim_start_matches("r#")
        .chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

impl Namer<'_> {
    /// A parameter or field name, not in `taken` (normalised).
    fn snake(&mut self, taken: &mut HashSet<String>) -> String {
        loop {
            let name = if self.config.raw_idents && self.rng.chance(15) {
                format!("r#{}", self.rng.pick(RAW))
            } else if self.rng.chance(4) {
                // A CamelCase name, maybe a type's. Not a variant of the
                // prelude: a binding cannot shadow `Ok(..)` or `None`.
                let name = *self.rng.pick(CAMEL);
                if ["Ok", "Err", "None", "Some"].contains(&name) {
                    continue;
                }
                name.to_string()
            } else if self.rng.chance(85) {
                self.rng.pick(SNAKE).to_string()
            } else {
                format!("{}_{}", self.rng.pick(SNAKE), self.rng.pick(SNAKE))
            };
            let n = norm(&name);
            if !n.is_empty() && taken.insert(n) {
                return name;
            }
        }
    }

    /// A Rust function name for an exported item. `derived` gives the
    /// names the generator derives from it in the foreign languages
    /// (`<m>_cbor` C symbols, Go `<M>Context`, C++ `<m>_async`, Go
    /// `On<E>`/`Set<H>`, C `<lib>_<f>_args`): none may equal another
    /// item's name or derived name. The generator should reject such
    /// pairs with a diagnostic; until it does they are avoided here.
    fn function(&mut self, derived: &[&str]) -> String {
        const AVOID: &[&str] = &[
            // C symbols and C++/Go members the generated API defines itself.
            "create",
            "destroy",
            "register_host_fn",
            "host_complete",
            "add_event_listener",
            "remove_event_listener",
            "cancel",
            "abi_version",
            "free",
            "close",
            "remove_listener",
            "main",
        ];
        loop {
            let base = if self.config.raw_idents && self.rng.chance(10) {
                format!("r#{}", self.rng.pick(RAW))
            } else if self.rng.chance(80) {
                self.rng.pick(SNAKE).to_string()
            } else {
                format!("{}_{}", self.rng.pick(SNAKE), self.rng.pick(SNAKE))
            };
            let bare = base.trim_start_matches("r#");
            if AVOID.contains(&bare)
                || [
                    "on_", "set_", "new_", "_cbor", "_async", "_context", "_args", "cbor_",
                    "create_",
                ]
                .iter()
                .any(|p| bare.starts_with(p) || bare.ends_with(p))
            {
                continue;
            }
            let mut keys = vec![norm(&base)];
            keys.extend(derived.iter().map(|d| norm(&d.replace("{}", bare))));
            // The plain name and its derived names are all reserved, and
            // the plain name must not be anyone's derived name.
            let clash = keys.iter().any(|k| self.functions.contains(k));
            if clash {
                continue;
            }
            self.functions.extend(keys);
            return base;
        }
    }

    /// A CamelCase type name.
    fn camel(&mut self) -> String {
        loop {
            let name = if self.rng.chance(70) {
                self.rng.pick(CAMEL).to_string()
            } else {
                format!("{}{}", self.rng.pick(CAMEL), self.rng.pick(CAMEL))
            };
            if !self.config.colliding_type_names && AVOID_TYPES.contains(&name.as_str()) {
                continue;
            }
            if self.types.insert(norm(&name)) {
                return name;
            }
        }
    }
}

struct Gen<'a> {
    namer: Namer<'a>,
    /// Types defined so far: (name, is_struct).
    defined: Vec<(String, bool)>,
}

impl Gen<'_> {
    fn rng(&mut self) -> &mut Rng {
        self.namer.rng
    }

    /// A random supported type, nested up to `depth` more levels.
    fn ty(&mut self, depth: usize) -> Ty {
        let roll = self.rng().below(100);
        if depth > 0 && roll < 30 {
            let inner = self.ty(depth - 1);
            return if self.rng().chance(50) {
                Ty::Vec(Box::new(inner))
            } else {
                Ty::Option(Box::new(inner))
            };
        }
        match roll % 10 {
            0..=3 => Ty::Prim(PRIMITIVES[self.rng().below(PRIMITIVES.len())]),
            4 => Ty::String,
            5 => Ty::Bytes,
            _ if !self.defined.is_empty() => {
                let n = self.defined.len();
                let i = self.rng().below(n);
                Ty::Named(self.defined[i].0.clone())
            }
            _ => Ty::Prim(PRIMITIVES[self.rng().below(PRIMITIVES.len())]),
        }
    }

    fn params(&mut self, max: usize, taken: &mut HashSet<String>) -> Vec<(String, Ty)> {
        let n = self.rng().below(max + 1);
        (0..n)
            .map(|_| {
                let name = self.namer.snake(taken);
                let depth = self.rng().below(4);
                (name, self.ty(depth))
            })
            .collect()
    }

    fn docs(&mut self, out: &mut String, indent: &str) {
        const DOCS: &[&str] = &[
            "Plain words.",
            "Ends a C comment */ and opens one /* inside.",
            "Trailing backslash \\",
            "Quotes \" and 'single' and `code` and <angle> & ampersand.",
            "Non-ASCII: é, ü, 日本語, emoji 🎉.",
            "Percent %s %d and braces {} {{}} and $dollar.",
            "// slashes and #define X 1",
            "",
            "Line one\n/// line two with */ again",
        ];
        if self.rng().chance(40) {
            let d = *self.rng().pick(DOCS);
            let _ = writeln!(out, "{indent}/// {d}");
        }
    }
}

fn params_src(params: &[(String, Ty)]) -> String {
    params
        .iter()
        .map(|(n, t)| format!("{n}: {}", t.rust()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn use_params(params: &[(String, Ty)]) -> String {
    if params.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
        format!("let _ = ({},); ", names.join(", "))
    }
}

/// The result type of a method or host function: `()` or any type.
fn result_src(ret: &Option<Ty>) -> String {
    match ret {
        None => "Result<(), String>".into(),
        Some(t) => format!("Result<{}, String>", t.rust()),
    }
}

/// Library `index` of a run: the library name is unique in the run.
pub fn library(rng: &mut Rng, index: usize, config: Config) -> RandomLib {
    let mut namer = Namer {
        rng,
        config,
        functions: HashSet::new(),
        types: HashSet::new(),
    };
    // Library names: a keyword-like word plus the index keeps every C
    // prefix (and Go package) of a run distinct.
    // cgo reads `C.union_x` and `C.sizeof_x` as `union x` and `sizeof(x)`,
    // so a library named `union_*` or `sizeof_*` (also `struct_*`, `enum_*`)
    // has no Go binding: the generator should reject those names.
    let name = loop {
        let word = namer.rng.pick(SNAKE).trim_matches('_');
        let lowercase = word.chars().all(|c| !c.is_ascii_uppercase());
        if lowercase && !["union", "sizeof"].contains(&word) {
            break format!("{word}_{index}");
        }
    };
    let state = namer.camel();
    if !config.colliding_type_names {
        // Go declares `New<State>` and `New<State>Context`.
        namer.types.insert(norm(&format!("New{state}")));
        namer.types.insert(norm(&format!("New{state}Context")));
    }
    let mut g = Gen {
        namer,
        defined: Vec::new(),
    };
    let mut out = String::new();
    let _ = writeln!(out, "//! Random library {index}.");
    out.push_str("#![allow(non_snake_case, non_camel_case_types, dead_code, unused)]\n");
    out.push_str("use ffi_core::prelude::*;\n\n");

    // Types, each referring only to types defined before it.
    let n_types = g.rng().below(7);
    for _ in 0..n_types {
        let tname = g.namer.camel();
        g.docs(&mut out, "");
        if g.rng().chance(30) {
            let _ = writeln!(out, "#[ffi_type]\npub enum {tname} {{");
            let mut taken = HashSet::new();
            let n = 1 + g.rng().below(4);
            for _ in 0..n {
                let v = loop {
                    let v = g.rng().pick(CAMEL).to_string();
                    // Go declares the constant `<Enum><Variant>` next to
                    // the types: keep it distinct from every type name.
                    let go_const = norm(&format!("{tname}{v}"));
                    if !taken.contains(&v) && g.namer.types.insert(go_const) {
                        taken.insert(v.clone());
                        break v;
                    }
                };
                g.docs(&mut out, "    ");
                let _ = writeln!(out, "    {v},");
            }
            out.push_str("}\n\n");
            g.defined.push((tname, false));
        } else {
            let _ = writeln!(out, "#[ffi_type]\npub struct {tname} {{");
            let mut taken = HashSet::new();
            // At least one field: an empty struct is rejected (C has none).
            let n = 1 + g.rng().below(5);
            for _ in 0..n {
                let f = g.namer.snake(&mut taken);
                let depth = g.rng().below(4);
                let t = g.ty(depth);
                g.docs(&mut out, "    ");
                let _ = writeln!(out, "    pub {f}: {},", t.rust());
            }
            out.push_str("}\n\n");
            g.defined.push((tname, true));
        }
    }

    // The state.
    g.docs(&mut out, "");
    let library_attr = format!("#[ffi_library(name = \"{name}\")]");
    let _ = writeln!(out, "{library_attr}\npub struct {state} {{}}\n");

    // Constructor.
    let ctor = g.namer.function(&[]);
    let mut taken = HashSet::new();
    let params = g.params(4, &mut taken);
    let asyncness = if g.rng().chance(50) { "async " } else { "" };
    g.docs(&mut out, "");
    let _ = writeln!(
        out,
        "#[ffi_ctor]\npub {asyncness}fn {ctor}({}) -> Result<{state}, String> {{\n    {}Ok({state} {{}})\n}}\n",
        params_src(&params),
        use_params(&params)
    );

    // Methods.
    let n_methods = g.rng().below(6);
    for _ in 0..n_methods {
        let m = g
            .namer
            .function(&["{}_cbor", "{}_async", "{}_context", "{}_args"]);
        let mut taken = HashSet::new();
        let receiver = g.namer.snake(&mut taken);
        let params = g.params(4, &mut taken);
        let ret = if g.rng().chance(25) {
            None
        } else {
            let d = g.rng().below(4);
            Some(g.ty(d))
        };
        let asyncness = if g.rng().chance(50) { "async " } else { "" };
        g.docs(&mut out, "");
        let sep = if params.is_empty() { "" } else { ", " };
        let _ = writeln!(
            out,
            "#[ffi]\npub {asyncness}fn {m}({receiver}: &{state}{sep}{}) -> {} {{\n    {}let _ = {receiver};\n    Err(String::from(\"no\"))\n}}\n",
            params_src(&params),
            result_src(&ret),
            use_params(&params)
        );
    }

    // Destructor.
    if g.rng().chance(40) {
        let d = g.namer.function(&[]);
        let mut taken = HashSet::new();
        let receiver = g.namer.snake(&mut taken);
        let asyncness = if g.rng().chance(50) { "async " } else { "" };
        let _ = writeln!(
            out,
            "#[ffi_dtor]\npub {asyncness}fn {d}({receiver}: &{state}) {{\n    let _ = {receiver};\n}}\n"
        );
    }

    // Events.
    let n_events = g.rng().below(4);
    for _ in 0..n_events {
        let e = g.namer.function(&["on_{}", "{}_args"]);
        let mut taken = HashSet::new();
        let params = g.params(3, &mut taken);
        g.docs(&mut out, "");
        let _ = writeln!(out, "#[ffi_event]\npub fn {e}({});\n", params_src(&params));
    }

    // Host functions.
    let n_hosts = g.rng().below(4);
    for _ in 0..n_hosts {
        let h = g.namer.function(&["set_{}", "{}_args"]);
        let mut taken = HashSet::new();
        let params = g.params(3, &mut taken);
        let ret = if g.rng().chance(30) {
            None
        } else {
            let d = g.rng().below(3);
            Some(g.ty(d))
        };
        g.docs(&mut out, "");
        let _ = writeln!(
            out,
            "#[ffi_host]\npub async fn {h}({}) -> {};\n",
            params_src(&params),
            result_src(&ret)
        );
    }

    RandomLib {
        name,
        source: out,
        library_attr,
    }
}
