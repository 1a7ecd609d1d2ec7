//! Every C identifier the generated header declares. The Go and C++
//! emitters name C things through here too.

use crate::ir::{Primitive, Symbols, TypeRef};

use crate::emit::keywords::RESERVED;

pub(crate) struct CNames<'a> {
    /// Every library-level C name (functions, types, macros).
    pub(crate) sym: Symbols<'a>,
}

impl<'a> CNames<'a> {
    pub(crate) fn new(lib: &'a str) -> Self {
        CNames {
            sym: Symbols::new(lib),
        }
    }

    /// A field or parameter name.
    pub(crate) fn ident(&self, name: &str) -> String {
        if RESERVED.contains(&name) || name.starts_with("__") {
            format!("{name}_")
        } else {
            name.to_string()
        }
    }

    /// The C spelling of a type.
    pub(crate) fn ty(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Primitive(p) => primitive(*p).to_string(),
            TypeRef::String => "FFIStr".into(),
            TypeRef::Bytes => "FFIBytes".into(),
            TypeRef::Vec(_) | TypeRef::Option(_) | TypeRef::Struct(_) | TypeRef::Enum(_) => {
                self.sym.type_name(ty)
            }
            TypeRef::Object { .. } => format!("{} *", self.sym.type_name(ty)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let n = CNames::new("my_timer");
        assert_eq!(n.ident("default"), "default_");
        assert_eq!(n.ident("delay_ms"), "delay_ms");
        let vv = TypeRef::Vec(Box::new(TypeRef::Option(Box::new(TypeRef::String))));
        assert_eq!(n.ty(&vv), "my_timer_Vec_Option_String");
        assert_eq!(n.ty(&TypeRef::Bytes), "FFIBytes");
    }
}
