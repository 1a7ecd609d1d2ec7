//! Every C++ identifier the generated `<lib>.hpp` declares. C identifiers
//! it refers to come from `CNames`.

use crate::emit::c::names::primitive;
use crate::ir::{Library, Param, TypeRef};

use crate::emit::keywords::RESERVED;

/// Names the generated namespace declares itself; a library type with one
/// of these names gets a trailing underscore.
const NAMESPACE_NAMES: &[&str] = &[
    "Result",
    "Error",
    "detail",
    // Classes of `detail`, whose functions name library types unqualified.
    "Arena",
    "CApi",
    "Callbacks",
    "HostReply",
    "HostShared",
    "HostSlot",
    "Inline",
    "ListenerSlot",
];

/// Members every generated class has; methods, `set_*` and `on_*` that
/// would collide with them (or with each other) get a trailing underscore.
const CLASS_MEMBERS: &[&str] = &[
    "create",
    "remove_listener",
    "native_handle",
    "release_",
    "ctx_",
    "callbacks_",
];

/// `name_` for reserved words and for reserved-looking identifiers.
pub(crate) fn escape(name: &str) -> String {
    if RESERVED.contains(&name) || name.starts_with("__") {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// The member names of a library's class, fixed once so that the
/// declarations and every caller agree.
pub(crate) struct Members {
    taken: Vec<String>,
    /// Per method: (blocking name, `_async` name if async).
    pub(crate) methods: Vec<(String, Option<String>)>,
    pub(crate) hosts: Vec<String>,
    pub(crate) events: Vec<String>,
}

impl Members {
    pub(crate) fn new(lib: &Library) -> Self {
        let mut m = Members {
            taken: CLASS_MEMBERS.iter().map(|s| s.to_string()).collect(),
            methods: Vec::new(),
            hosts: Vec::new(),
            events: Vec::new(),
        };
        // Blocking names first: they are what the Rust author wrote.
        let blocking: Vec<String> = lib
            .methods
            .iter()
            .map(|f| m.claim(escape(&f.name)))
            .collect();
        for (f, name) in lib.methods.iter().zip(blocking) {
            let async_name = f.is_async.then(|| m.claim(format!("{}_async", f.name)));
            m.methods.push((name, async_name));
        }
        m.hosts = lib
            .hosts
            .iter()
            .map(|h| m.claim(format!("set_{}", h.name)))
            .collect();
        m.events = lib
            .events
            .iter()
            .map(|e| m.claim(format!("on_{}", e.name)))
            .collect();
        m
    }

    fn claim(&mut self, mut name: String) -> String {
        while self.taken.contains(&name) {
            name.push('_');
        }
        self.taken.push(name.clone());
        name
    }
}

pub(crate) struct CppNames<'a> {
    lib: &'a str,
}

impl<'a> CppNames<'a> {
    pub(crate) fn new(lib: &'a str) -> Self {
        CppNames { lib }
    }

    /// The namespace: the library name.
    pub(crate) fn namespace(&self) -> String {
        escape(self.lib)
    }

    pub(crate) fn include_guard(&self) -> String {
        crate::ir::Symbols::new(self.lib).macro_name(crate::ir::Macro::CppHeaderGuard)
    }

    /// A struct, enum or class name.
    pub(crate) fn type_name(&self, name: &str) -> String {
        if NAMESPACE_NAMES.contains(&name) {
            format!("{name}_")
        } else {
            escape(name)
        }
    }

    /// A field or enum variant.
    pub(crate) fn ident(&self, name: &str) -> String {
        escape(name)
    }

    /// The parameter names of one wrapper, distinct from each other and
    /// from what its body uses: its locals (`ffi_*`), the class members,
    /// the namespaces it names, and types (`Result`, `Error`, the library's
    /// types): a CamelCase name gets a lowercase first letter.
    pub(crate) fn params(&self, params: &[Param]) -> Vec<String> {
        const BODY: &[&str] = &["detail", "std", "ctx_", "callbacks_"];
        let mut out: Vec<String> = Vec::new();
        for p in params {
            let mut lowered = p.name.clone();
            if let Some(first) = lowered.chars().next().filter(char::is_ascii_uppercase) {
                lowered.replace_range(..1, &first.to_ascii_lowercase().to_string());
            }
            let mut name = escape(&lowered);
            if name.starts_with("ffi_") || BODY.contains(&name.as_str()) {
                name.push('_');
            }
            while out.contains(&name) {
                name.push('_');
            }
            out.push(name);
        }
        out
    }

    /// `detail::lower_<mangle>`: C++ value -> C value.
    pub(crate) fn lower_fn(&self, ty: &TypeRef) -> String {
        format!("lower_{}", ty.mangle())
    }

    /// `detail::lift_<mangle>`: C value -> C++ value.
    pub(crate) fn lift_fn(&self, ty: &TypeRef) -> String {
        format!("lift_{}", ty.mangle())
    }

    /// `detail::msg_<mangle>`: a call's answer message -> `Result<T>`.
    pub(crate) fn msg_fn(&self, ty: Option<&TypeRef>) -> String {
        match ty {
            None => "lift_void".into(),
            Some(t) => format!("msg_{}", t.mangle()),
        }
    }

    /// The C++ spelling of a type.
    pub(crate) fn ty(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Primitive(p) => primitive(*p).to_string(),
            TypeRef::String => "std::string".into(),
            TypeRef::Bytes => "std::vector<uint8_t>".into(),
            TypeRef::Vec(inner) => format!("std::vector<{}>", self.ty(inner)),
            TypeRef::Option(inner) => format!("std::optional<{}>", self.ty(inner)),
            TypeRef::Struct(n) | TypeRef::Enum(n) | TypeRef::Object { name: n, .. } => {
                self.type_name(n)
            }
        }
    }

    /// The result type of a call: `T`, or `void` for `()`.
    pub(crate) fn ret(&self, ty: Option<&TypeRef>) -> String {
        ty.map_or_else(|| "void".into(), |t| self.ty(t))
    }

    /// How a value is passed in: scalars by value, the rest by const ref.
    pub(crate) fn param_ty(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Primitive(_) | TypeRef::Enum(_) => self.ty(ty),
            _ => format!("const {} &", self.ty(ty)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Primitive;

    #[test]
    fn names() {
        let n = CppNames::new("my_timer");
        assert_eq!(n.ident("default"), "default_");
        assert_eq!(n.ident("delay_ms"), "delay_ms");
        assert_eq!(n.type_name("Error"), "Error_");
        assert_eq!(n.type_name("EchoRequest"), "EchoRequest");
        let t = TypeRef::Vec(Box::new(TypeRef::Option(Box::new(TypeRef::Primitive(
            Primitive::I64,
        )))));
        assert_eq!(n.ty(&t), "std::vector<std::optional<int64_t>>");
        assert_eq!(n.param_ty(&TypeRef::Primitive(Primitive::U8)), "uint8_t");
        assert_eq!(n.param_ty(&TypeRef::String), "const std::string &");
        assert_eq!(n.lower_fn(&t), "lower_Vec_Option_i64");
    }

    #[test]
    fn members_avoid_collisions() {
        let src = r#"
use ffi_core::prelude::*;
#[ffi_library(name = "clash")]
pub struct Clash {}
#[ffi_ctor]
pub fn new() -> Result<Clash, String> { Ok(Clash {}) }
#[ffi]
pub async fn run(_c: &Clash) -> Result<(), String> { Ok(()) }
#[ffi]
pub fn run_async(_c: &Clash) -> Result<(), String> { Ok(()) }
#[ffi]
pub fn remove_listener(_c: &Clash) -> Result<(), String> { Ok(()) }
#[ffi]
pub fn register(_c: &Clash) -> Result<(), String> { Ok(()) }
"#;
        let options = crate::Options::default();
        let lib = crate::generate_from_source(src, "clash", &options)
            .unwrap()
            .library;
        let m = Members::new(&lib);
        let got: Vec<(&str, Option<&str>)> = m
            .methods
            .iter()
            .map(|(b, a)| (b.as_str(), a.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("run", Some("run_async_")),
                ("run_async", None),
                ("remove_listener_", None),
                ("register_", None),
            ]
        );
    }
}
