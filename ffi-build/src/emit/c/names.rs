//! Every C identifier the generated header declares. The Go and C++
//! emitters name C things through here too.

use crate::ir::{Primitive, TypeRef};

use crate::emit::keywords::RESERVED;

pub(crate) struct CNames<'a> {
    lib: &'a str,
}

impl<'a> CNames<'a> {
    pub(crate) fn new(lib: &'a str) -> Self {
        CNames { lib }
    }

    /// A field or parameter name.
    pub(crate) fn ident(&self, name: &str) -> String {
        if RESERVED.contains(&name) || name.starts_with("__") {
            format!("{name}_")
        } else {
            name.to_string()
        }
    }

    /// `my_timer_echo`, `my_timer_create`, ...
    pub(crate) fn function(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.lib)
    }

    /// `MY_TIMER_H`.
    pub(crate) fn include_guard(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.lib.to_uppercase())
    }

    pub(crate) fn abi_version_macro(&self) -> String {
        format!("{}_ABI_VERSION", self.lib.to_uppercase())
    }

    /// The struct that carries several host-function or event arguments.
    pub(crate) fn args_struct(&self, fn_name: &str) -> String {
        format!("{}_{fn_name}_args", self.lib)
    }

    /// `MY_TIMER_PRIORITY_LOW`.
    pub(crate) fn enum_const(&self, enum_name: &str, variant: &str) -> String {
        format!(
            "{}_{}_{}",
            self.lib.to_uppercase(),
            upper_snake(enum_name),
            upper_snake(variant)
        )
    }

    /// The C spelling of a type.
    pub(crate) fn ty(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Primitive(p) => primitive(*p).to_string(),
            TypeRef::String => "FFIStr".into(),
            TypeRef::Bytes => "FFIBytes".into(),
            TypeRef::Vec(_) | TypeRef::Option(_) | TypeRef::Struct(_) | TypeRef::Enum(_) => {
                format!("{}_{}", self.lib, ty.mangle())
            }
        }
    }
}

pub(crate) fn primitive(p: Primitive) -> &'static str {
    match p {
        Primitive::Bool => "bool",
        Primitive::I8 => "int8_t",
        Primitive::I16 => "int16_t",
        Primitive::I32 => "int32_t",
        Primitive::I64 => "int64_t",
        Primitive::U8 => "uint8_t",
        Primitive::U16 => "uint16_t",
        Primitive::U32 => "uint32_t",
        Primitive::U64 => "uint64_t",
        Primitive::F32 => "float",
        Primitive::F64 => "double",
    }
}

/// `EchoRequest` -> `ECHO_REQUEST`, `HTTPApi` -> `HTTP_API`.
pub(crate) fn upper_snake(name: &str) -> String {
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
    fn names() {
        let n = CNames::new("my_timer");
        assert_eq!(n.enum_const("Priority", "Low"), "MY_TIMER_PRIORITY_LOW");
        assert_eq!(upper_snake("HTTPApi"), "HTTP_API");
        assert_eq!(upper_snake("EchoRequest2"), "ECHO_REQUEST2");
        assert_eq!(n.ident("default"), "default_");
        assert_eq!(n.ident("delay_ms"), "delay_ms");
        let vv = TypeRef::Vec(Box::new(TypeRef::Option(Box::new(TypeRef::String))));
        assert_eq!(n.ty(&vv), "my_timer_Vec_Option_String");
        assert_eq!(n.ty(&TypeRef::Bytes), "FFIBytes");
    }
}
