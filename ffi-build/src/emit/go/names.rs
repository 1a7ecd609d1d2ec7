//! Every Go identifier the package declares or references, and the names
//! of the C shells its preamble defines.

use crate::emit::c::names::CNames;
use crate::ir::{Param, TypeRef};

/// golint's common initialisms: a word that is one of these is written
/// all upper case (`job_id` -> `JobID`).
const INITIALISMS: &[&str] = &[
    "ACL", "API", "ASCII", "CPU", "CSS", "DNS", "EOF", "GUID", "HTML", "HTTP", "HTTPS", "ID", "IP",
    "JSON", "LHS", "QPS", "RAM", "RHS", "RPC", "SLA", "SMTP", "SQL", "SSH", "TCP", "TLS", "TTL",
    "UDP", "UI", "UID", "UUID", "URI", "URL", "UTF8", "VM", "XML", "XMPP", "XSRF", "XSS",
];

const KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// Predeclared identifiers, the imported packages, and every name the
/// generated bodies use: a parameter with one of these names would shadow
/// it, so it gets a trailing underscore.
const TAKEN: &[&str] = &[
    // predeclared
    "any",
    "append",
    "bool",
    "byte",
    "cap",
    "clear",
    "close",
    "comparable",
    "complex",
    "complex64",
    "complex128",
    "copy",
    "delete",
    "error",
    "false",
    "float32",
    "float64",
    "imag",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "iota",
    "len",
    "make",
    "max",
    "min",
    "new",
    "nil",
    "panic",
    "print",
    "println",
    "real",
    "recover",
    "rune",
    "string",
    "true",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    // imports
    "C",
    "context",
    "errors",
    "fmt",
    "runtime",
    "sync",
    "unsafe",
    // locals and helpers of the generated code (lift*/lower* by prefix)
    "answer",
    "answerError",
    "cArgs",
    "call",
    "callHost",
    "captureBytes",
    "captureErr",
    "captureString",
    "captureValue",
    "checkABI",
    "ctx",
    "enumString",
    "err",
    "errBadHandle",
    "errInterface",
    "errNoAnswer",
    "eventListener",
    "fn",
    "goBytes",
    "goString",
    "h",
    "handles",
    "hostAnswer",
    "hostServe",
    "hostSlot",
    "invoke",
    "lookupHandle",
    "messageOf",
    "newHandle",
    "newHostSlot",
    "p",
    "pending",
    "pinner",
    "releaseHandle",
    "reqLen",
    "reqMsg",
    "result",
    "serveHost",
    "t",
    "takeHandle",
    "ud",
    "valueLifter",
    "valueMsg",
];

/// Names the methods of the state type that the package adds itself.
const STATE_METHODS: &[&str] = &["Close"];

pub(crate) struct GoNames<'a> {
    lib: &'a str,
    pkg: String,
    pub(crate) c: CNames<'a>,
}

impl<'a> GoNames<'a> {
    pub(crate) fn new(lib: &'a str) -> Self {
        GoNames {
            lib,
            pkg: super::package_name(lib),
            c: CNames::new(lib),
        }
    }

    pub(crate) fn pkg(&self) -> &str {
        &self.pkg
    }

    /// Prefix of the C shells in the preamble: `mytimergo_echo`. It can
    /// never equal a `<lib>_` symbol of the header.
    pub(crate) fn shell(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.shell_prefix())
    }

    /// `mytimergo`: what [`GoNames::shell`] puts before `_<suffix>`.
    pub(crate) fn shell_prefix(&self) -> String {
        format!("{}go", self.pkg)
    }

    /// `<lib>.h`.
    pub(crate) fn header(&self) -> String {
        format!("{}.h", self.lib)
    }

    /// A C type as cgo spells it: `C.my_timer_EchoRequest`.
    pub(crate) fn c_type(&self, ty: &TypeRef) -> String {
        format!("C.{}", self.c.ty(ty))
    }

    /// A field of a C struct as cgo spells it (`type` -> `_type`).
    pub(crate) fn c_field(&self, rust_name: &str) -> String {
        let c = self.c.ident(rust_name);
        if KEYWORDS.contains(&c.as_str()) {
            format!("_{c}")
        } else {
            c
        }
    }

    /// A struct field or method: `delay_ms` -> `DelayMs`, `job_id` -> `JobID`.
    pub(crate) fn exported(&self, rust_name: &str) -> String {
        pascal(rust_name)
    }

    /// A parameter: lowerCamel, never shadowing what the body uses.
    pub(crate) fn param(&self, rust_name: &str, index: usize) -> String {
        // A CamelCase Rust name (`Priority`) would shadow the type of that
        // name in the body: its first letter is lowered.
        let mut name = lower_camel(rust_name);
        if let Some(first) = name.chars().next().filter(char::is_ascii_uppercase) {
            name.replace_range(..1, &first.to_ascii_lowercase().to_string());
        }
        if name.is_empty() {
            return format!("arg{index}");
        }
        let helper = ["lift", "lower"].iter().any(|p| {
            name.strip_prefix(p)
                .is_some_and(|rest| rest.starts_with(char::is_uppercase))
        });
        if KEYWORDS.contains(&name.as_str()) || TAKEN.contains(&name.as_str()) || helper {
            format!("{name}_")
        } else {
            name
        }
    }

    /// Parameter names of one function, distinct from each other.
    pub(crate) fn params(&self, params: &[Param]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (i, p) in params.iter().enumerate() {
            let mut name = self.param(&p.name, i);
            while out.contains(&name) {
                name.push('_');
            }
            out.push(name);
        }
        out
    }

    /// `PriorityLow`.
    pub(crate) fn enum_const(&self, enum_name: &str, variant: &str) -> String {
        format!("{enum_name}{}", pascal(variant))
    }

    /// `NewMyTimer`.
    pub(crate) fn ctor(&self, state: &str) -> String {
        format!("New{state}")
    }

    /// `liftEchoRequest`, `liftVec_String`: a (CamelCase) struct's name has
    /// no `_`, a compound's mangled name always has one. A type named like
    /// a helper of the runtime (`liftStr`, ...) gets a trailing `_`.
    pub(crate) fn lift_fn(&self, ty: &TypeRef) -> String {
        const RUNTIME: &[&str] = &["Bytes", "Empty", "FFIBytes", "Func", "Str", "String"];
        converter("lift", ty, RUNTIME)
    }

    /// `liftPatternHandle`: a handle the library answered -> `*Pattern`.
    pub(crate) fn object_lift_fn(&self, object: &str) -> String {
        format!("lift{object}Handle")
    }

    pub(crate) fn lower_fn(&self, ty: &TypeRef) -> String {
        const RUNTIME: &[&str] = &["Bytes", "BytesMsg", "EmptyMsg", "Str", "StringMsg"];
        converter("lower", ty, RUNTIME)
    }
}

fn converter(prefix: &str, ty: &TypeRef, runtime: &[&str]) -> String {
    match ty {
        TypeRef::Struct(name) | TypeRef::Enum(name) if runtime.contains(&name.as_str()) => {
            format!("{prefix}{name}_")
        }
        _ => format!("{prefix}{}", ty.mangle()),
    }
}

/// Method names of the state type, in order: methods (each `(plain, with
/// context)`), host setters (`SetX`), event subscribers (`OnX`). A name
/// already taken (by `Close` or an earlier name) gets a trailing `_`.
pub(crate) fn method_names(methods: &[&str], hosts: &[&str], events: &[&str]) -> MethodNames {
    let mut taken: Vec<String> = STATE_METHODS.iter().map(|s| s.to_string()).collect();
    let unique = |mut name: String, taken: &mut Vec<String>| {
        while taken.contains(&name) {
            name.push('_');
        }
        taken.push(name.clone());
        name
    };
    let mut out = Vec::new();
    for m in methods {
        let plain = unique(pascal(m), &mut taken);
        let ctx = unique(format!("{plain}Context"), &mut taken);
        out.push((plain, ctx));
    }
    let setters = hosts
        .iter()
        .map(|h| unique(format!("Set{}", pascal(h)), &mut taken))
        .collect();
    let subscribers = events
        .iter()
        .map(|e| unique(format!("On{}", pascal(e)), &mut taken))
        .collect();
    MethodNames {
        methods: out,
        setters,
        subscribers,
    }
}

pub(crate) struct MethodNames {
    pub(crate) methods: Vec<(String, String)>,
    pub(crate) setters: Vec<String>,
    pub(crate) subscribers: Vec<String>,
}

fn word(w: &str, first_lower: bool) -> String {
    let upper = w.to_uppercase();
    if INITIALISMS.contains(&upper.as_str()) {
        return if first_lower { w.to_lowercase() } else { upper };
    }
    // Plurals of initialisms: `ids` -> `IDs`.
    if let Some(stem) = upper.strip_suffix('S')
        && INITIALISMS.contains(&stem)
    {
        return if first_lower {
            w.to_lowercase()
        } else {
            format!("{stem}s")
        };
    }
    if first_lower {
        return w.to_string();
    }
    let mut chars = w.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `http_api` -> `HTTPAPI`, `user_ids` -> `UserIDs`, `Low` -> `Low`.
pub(crate) fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| word(w, false))
        .collect()
}

/// `job_id` -> `jobID`, `url` -> `url`, `http_api` -> `httpAPI`.
pub(crate) fn lower_camel(snake: &str) -> String {
    let words = snake.split('_').filter(|w| !w.is_empty());
    words.enumerate().map(|(i, w)| word(w, i == 0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initialisms() {
        assert_eq!(pascal("job_id"), "JobID");
        assert_eq!(pascal("url"), "URL");
        assert_eq!(pascal("http_api"), "HTTPAPI");
        assert_eq!(pascal("user_ids"), "UserIDs");
        assert_eq!(pascal("delay_ms"), "DelayMs");
        assert_eq!(pascal("utf8_text"), "UTF8Text");
        assert_eq!(pascal("https"), "HTTPS");
        assert_eq!(lower_camel("job_id"), "jobID");
        assert_eq!(lower_camel("url_path"), "urlPath");
        assert_eq!(lower_camel("http_api"), "httpAPI");
        assert_eq!(lower_camel("_unused"), "unused");
    }

    #[test]
    fn params_never_shadow() {
        let n = GoNames::new("my_timer");
        assert_eq!(n.param("type", 0), "type_");
        assert_eq!(n.param("context", 0), "context_");
        assert_eq!(n.param("ctx", 0), "ctx_");
        assert_eq!(n.param("string", 0), "string_");
        assert_eq!(n.param("lower_bound", 0), "lowerBound_");
        assert_eq!(n.param("lowest", 0), "lowest");
        assert_eq!(n.param("_", 3), "arg3");
        assert_eq!(n.param("job_id", 0), "jobID");
        assert_eq!(n.param("Priority", 0), "priority");
        assert_eq!(n.param("C", 0), "c");
        assert_eq!(n.c_field("type"), "_type");
        assert_eq!(n.c_field("default"), "default_");
    }

    #[test]
    fn method_clashes() {
        let names = method_names(
            &["close", "echo", "echo_context"],
            &["fetch_token"],
            &["echo_fired"],
        );
        let m = &names.methods;
        assert_eq!(m[0], ("Close_".to_string(), "Close_Context".to_string()));
        assert_eq!(m[1], ("Echo".to_string(), "EchoContext".to_string()));
        assert_eq!(
            m[2],
            (
                "EchoContext_".to_string(),
                "EchoContext_Context".to_string()
            )
        );
        assert_eq!(names.setters, ["SetFetchToken"]);
        assert_eq!(names.subscribers, ["OnEchoFired"]);
    }
}
