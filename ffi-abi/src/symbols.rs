//! The C symbol grammar: every `<lib>_<x>` name a library's headers declare
//! and its shared library exports, spelled here once. The generator builds
//! its symbol table (and checks it for collisions) from these, and the IPC
//! server looks the functions up by them.

/// A type's name fragment in C type names (`Vec_Option_String`).
pub trait Mangled {
    fn mangle(&self) -> String;
}

impl Mangled for str {
    fn mangle(&self) -> String {
        self.to_string()
    }
}

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

    pub fn suffix(self) -> &'static str {
        match self {
            Macro::HeaderGuard => "H",
            Macro::CborHeaderGuard => "CBOR_H",
            Macro::CppHeaderGuard => "HPP",
            Macro::AbiVersion => "ABI_VERSION",
            Macro::InterfaceFingerprint => "INTERFACE_FINGERPRINT",
        }
    }
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

    /// The C type of a struct, enum, object, `Vec` or `Option`, by its
    /// mangled name: `my_timer_Vec_Option_String`.
    pub fn type_name(&self, ty: &(impl Mangled + ?Sized)) -> String {
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
        assert_eq!(s.type_name("Vec_String"), "my_timer_Vec_String");
    }
}
