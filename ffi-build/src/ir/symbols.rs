//! Every C-level name a library's headers declare and its shared library
//! exports: the one owner of the `<lib>_<x>` grammar. Emitters ask here for
//! each name; validation checks the whole table for collisions, so two
//! items that would declare the same C name fail the build at the author's
//! line instead of in a compiler error inside generated code.

use super::{Library, TypeDef, TypeRef};

/// The functions every library exports besides its methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Create,
    Destroy,
    Cancel,
    RegisterHostFn,
    HostComplete,
    AddEventListener,
    RemoveEventListener,
    AbiVersion,
    InterfaceFingerprint,
    /// `static inline` in `<lib>.h`: compares the fingerprint.
    CheckInterface,
    CreateCbor,
    CallCbor,
    /// `<lib>_call_cbor` with the object ids of a session (an IPC peer).
    CallCborIn,
    CborSessionNew,
    CborSessionFree,
}

impl Lifecycle {
    pub const ALL: [Lifecycle; 15] = [
        Lifecycle::Create,
        Lifecycle::Destroy,
        Lifecycle::Cancel,
        Lifecycle::RegisterHostFn,
        Lifecycle::HostComplete,
        Lifecycle::AddEventListener,
        Lifecycle::RemoveEventListener,
        Lifecycle::AbiVersion,
        Lifecycle::InterfaceFingerprint,
        Lifecycle::CheckInterface,
        Lifecycle::CreateCbor,
        Lifecycle::CallCbor,
        Lifecycle::CallCborIn,
        Lifecycle::CborSessionNew,
        Lifecycle::CborSessionFree,
    ];

    /// The part after `<lib>_`.
    pub fn suffix(self) -> &'static str {
        match self {
            Lifecycle::Create => "create",
            Lifecycle::Destroy => "destroy",
            Lifecycle::Cancel => "cancel",
            Lifecycle::RegisterHostFn => "register_host_fn",
            Lifecycle::HostComplete => "host_complete",
            Lifecycle::AddEventListener => "add_event_listener",
            Lifecycle::RemoveEventListener => "remove_event_listener",
            Lifecycle::AbiVersion => "abi_version",
            Lifecycle::InterfaceFingerprint => "interface_fingerprint",
            Lifecycle::CheckInterface => "check_interface",
            Lifecycle::CreateCbor => "create_cbor",
            Lifecycle::CallCbor => "call_cbor",
            Lifecycle::CallCborIn => "call_cbor_in",
            Lifecycle::CborSessionNew => "cbor_session_new",
            Lifecycle::CborSessionFree => "cbor_session_free",
        }
    }
}

/// Upper-case macros of the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Macro {
    /// `<LIB>_H`
    HeaderGuard,
    /// `<LIB>_CBOR_H`
    CborHeaderGuard,
    /// `<LIB>_HPP`
    CppHeaderGuard,
    /// `<LIB>_ABI_VERSION`
    AbiVersion,
    /// `<LIB>_INTERFACE_FINGERPRINT`
    InterfaceFingerprint,
}

impl Macro {
    pub const ALL: [Macro; 5] = [
        Macro::HeaderGuard,
        Macro::CborHeaderGuard,
        Macro::CppHeaderGuard,
        Macro::AbiVersion,
        Macro::InterfaceFingerprint,
    ];

    fn suffix(self) -> &'static str {
        match self {
            Macro::HeaderGuard => "H",
            Macro::CborHeaderGuard => "CBOR_H",
            Macro::CppHeaderGuard => "HPP",
            Macro::AbiVersion => "ABI_VERSION",
            Macro::InterfaceFingerprint => "INTERFACE_FINGERPRINT",
        }
    }
}

/// What declares a name, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Lifecycle(Lifecycle),
    Macro(Macro),
    /// The native function of a method, by method name.
    Method(String),
    /// Its CBOR twin, `<lib>_<method>_cbor`.
    MethodCbor(String),
    /// `<lib>_<Type>` of an `#[ffi_type]`, by type name.
    Type(String),
    /// `<lib>_Vec_T` / `<lib>_Option_T`.
    Compound(TypeRef),
    /// `<lib>_<fn>_args` of a host function or event with several
    /// parameters, by its name.
    Args(String),
    /// `<LIB>_<ENUM>_<VARIANT>`, by enum and variant name.
    EnumConst(String, String),
    /// `<lib>_<type>_<method>`, by object type and method name.
    ObjectMethod(String, String),
    /// Its CBOR twin.
    ObjectMethodCbor(String, String),
    /// `<lib>_<type>_free`, by object type.
    ObjectFree(String),
    /// A static function, by name.
    Static(String),
    /// Its CBOR twin.
    StaticCbor(String),
}

impl Owner {
    /// The author's item behind the name: a method and its CBOR twin are
    /// one item.
    pub fn item(&self) -> Owner {
        match self {
            Owner::MethodCbor(m) => Owner::Method(m.clone()),
            Owner::ObjectMethodCbor(t, m) => Owner::ObjectMethod(t.clone(), m.clone()),
            Owner::StaticCbor(f) => Owner::Static(f.clone()),
            other => other.clone(),
        }
    }

    /// What the name is, in a sentence: "the C function of method `echo`".
    pub fn describe(&self) -> String {
        match self {
            Owner::Lifecycle(l) => format!("the library's own C function `{}`", l.suffix()),
            Owner::Macro(m) => format!("the header macro `{}`", m.suffix()),
            Owner::Method(m) => format!("the C function of method `{m}`"),
            Owner::MethodCbor(m) => format!("the CBOR C function of method `{m}`"),
            Owner::Type(t) => format!("the C type of `{t}`"),
            Owner::Compound(t) => format!("the C type of `{t}`"),
            Owner::Args(f) => format!("the argument struct of `{f}`"),
            Owner::EnumConst(e, v) => format!("the C constant of `{e}::{v}`"),
            Owner::ObjectMethod(t, m) => format!("the C function of method `{t}::{m}`"),
            Owner::ObjectMethodCbor(t, m) => {
                format!("the CBOR C function of method `{t}::{m}`")
            }
            Owner::ObjectFree(t) => format!("the C function that closes a `{t}`"),
            Owner::Static(f) => format!("the C function of static function `{f}`"),
            Owner::StaticCbor(f) => format!("the CBOR C function of static function `{f}`"),
        }
    }
}

/// One declared name and what declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub owner: Owner,
}

/// The naming grammar of one library's C interface.
#[derive(Debug, Clone, Copy)]
pub struct Symbols<'a> {
    lib: &'a str,
}

impl<'a> Symbols<'a> {
    pub fn new(lib: &'a str) -> Self {
        Symbols { lib }
    }

    pub fn lifecycle(&self, l: Lifecycle) -> String {
        format!("{}_{}", self.lib, l.suffix())
    }

    pub fn macro_name(&self, m: Macro) -> String {
        format!("{}_{}", self.lib.to_uppercase(), m.suffix())
    }

    /// `my_timer_echo`.
    pub fn method(&self, method: &str) -> String {
        format!("{}_{method}", self.lib)
    }

    /// `my_timer_echo_cbor`.
    pub fn method_cbor(&self, method: &str) -> String {
        format!("{}_{method}_cbor", self.lib)
    }

    /// `my_timer_job_status`: a method of object type `Job`.
    pub fn object_method(&self, object: &str, method: &str) -> String {
        format!("{}_{}_{method}", self.lib, snake_case(object))
    }

    /// `my_timer_job_status_cbor`.
    pub fn object_method_cbor(&self, object: &str, method: &str) -> String {
        format!("{}_{}_{method}_cbor", self.lib, snake_case(object))
    }

    /// `my_timer_job_free`.
    pub fn object_free(&self, object: &str) -> String {
        format!("{}_{}_free", self.lib, snake_case(object))
    }

    /// The C type of a struct, enum, `Vec` or `Option`:
    /// `my_timer_Vec_Option_String`.
    pub fn type_name(&self, ty: &TypeRef) -> String {
        format!("{}_{}", self.lib, ty.mangle())
    }

    /// The struct that carries several host-function or event arguments.
    pub fn args_struct(&self, fn_name: &str) -> String {
        format!("{}_{fn_name}_args", self.lib)
    }

    /// `MY_TIMER_PRIORITY_LOW`.
    pub fn enum_const(&self, enum_name: &str, variant: &str) -> String {
        format!(
            "{}_{}_{}",
            self.lib.to_uppercase(),
            upper_snake(enum_name),
            upper_snake(variant)
        )
    }
}

impl Library {
    pub fn symbol_names(&self) -> Symbols<'_> {
        Symbols::new(&self.name)
    }

    /// Every C name of the library, in the order a reader meets their
    /// owners: the fixed ones first, then the author's items in source
    /// order. Two equal names here are a collision.
    pub fn symbols(&self) -> Vec<Symbol> {
        let s = self.symbol_names();
        let mut out = Vec::new();
        let mut add = |name: String, owner: Owner| out.push(Symbol { name, owner });
        for l in Lifecycle::ALL {
            add(s.lifecycle(l), Owner::Lifecycle(l));
        }
        for m in Macro::ALL {
            add(s.macro_name(m), Owner::Macro(m));
        }
        for t in &self.types {
            add(
                s.type_name(&TypeRef::Struct(t.name().to_string())),
                Owner::Type(t.name().to_string()),
            );
            if let TypeDef::Enum(e) = t {
                for v in &e.variants {
                    add(
                        s.enum_const(&e.name, &v.name),
                        Owner::EnumConst(e.name.clone(), v.name.clone()),
                    );
                }
            }
        }
        for c in self.compound_types() {
            let ty = c.ty();
            add(s.type_name(&ty), Owner::Compound(ty));
        }
        for m in &self.methods {
            add(s.method(&m.name), Owner::Method(m.name.clone()));
            add(s.method_cbor(&m.name), Owner::MethodCbor(m.name.clone()));
        }
        for o in &self.objects {
            let ty = TypeRef::Object {
                name: o.name.clone(),
                shared: false,
            };
            add(s.type_name(&ty), Owner::Type(o.name.clone()));
            add(s.object_free(&o.name), Owner::ObjectFree(o.name.clone()));
            for m in &o.methods {
                let owner = (o.name.clone(), m.name.clone());
                add(
                    s.object_method(&o.name, &m.name),
                    Owner::ObjectMethod(owner.0.clone(), owner.1.clone()),
                );
                add(
                    s.object_method_cbor(&o.name, &m.name),
                    Owner::ObjectMethodCbor(owner.0, owner.1),
                );
            }
        }
        for f in &self.statics {
            add(s.method(&f.name), Owner::Static(f.name.clone()));
            add(s.method_cbor(&f.name), Owner::StaticCbor(f.name.clone()));
        }
        let several = self
            .hosts
            .iter()
            .map(|h| (&h.name, h.params.len()))
            .chain(self.events.iter().map(|e| (&e.name, e.params.len())));
        for (name, count) in several {
            if count > 1 {
                add(s.args_struct(name), Owner::Args(name.clone()));
            }
        }
        out
    }

    /// Pairs `(first, later)` of symbols with equal names.
    pub fn symbol_collisions(&self) -> Vec<(Symbol, Symbol)> {
        let all = self.symbols();
        let mut seen: std::collections::HashMap<&str, &Symbol> = Default::default();
        let mut out = Vec::new();
        for sym in &all {
            match seen.get(sym.name.as_str()) {
                Some(first) => out.push(((*first).clone(), sym.clone())),
                None => {
                    seen.insert(&sym.name, sym);
                }
            }
        }
        out
    }
}

/// `HttpClient` -> `http_client`, `HTTPApi` -> `http_api`.
pub fn snake_case(name: &str) -> String {
    upper_snake(name).to_lowercase()
}

/// `EchoRequest` -> `ECHO_REQUEST`, `HTTPApi` -> `HTTP_API`.
pub fn upper_snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        let s = Symbols::new("my_timer");
        assert_eq!(s.lifecycle(Lifecycle::CallCbor), "my_timer_call_cbor");
        assert_eq!(s.method("echo"), "my_timer_echo");
        assert_eq!(s.method_cbor("echo"), "my_timer_echo_cbor");
        assert_eq!(s.enum_const("Priority", "Low"), "MY_TIMER_PRIORITY_LOW");
        assert_eq!(s.macro_name(Macro::AbiVersion), "MY_TIMER_ABI_VERSION");
        assert_eq!(upper_snake("HTTPApi"), "HTTP_API");
        assert_eq!(upper_snake("EchoRequest2"), "ECHO_REQUEST2");
        assert_eq!(
            s.object_method("HttpClient", "get"),
            "my_timer_http_client_get"
        );
        assert_eq!(s.object_free("Job"), "my_timer_job_free");
        let vv = TypeRef::Vec(Box::new(TypeRef::Option(Box::new(TypeRef::String))));
        assert_eq!(s.type_name(&vv), "my_timer_Vec_Option_String");
    }
}
