//! The types that may cross the boundary (SPEC section 2).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
}

impl Primitive {
    pub const ALL: [Primitive; 11] = [
        Primitive::Bool,
        Primitive::I8,
        Primitive::I16,
        Primitive::I32,
        Primitive::I64,
        Primitive::U8,
        Primitive::U16,
        Primitive::U32,
        Primitive::U64,
        Primitive::F32,
        Primitive::F64,
    ];

    /// The Rust spelling, which is also the name used in generated type
    /// names (`my_timer_Vec_i64`).
    pub fn rust_name(self) -> &'static str {
        match self {
            Primitive::Bool => "bool",
            Primitive::I8 => "i8",
            Primitive::I16 => "i16",
            Primitive::I32 => "i32",
            Primitive::I64 => "i64",
            Primitive::U8 => "u8",
            Primitive::U16 => "u16",
            Primitive::U32 => "u32",
            Primitive::U64 => "u64",
            Primitive::F32 => "f32",
            Primitive::F64 => "f64",
        }
    }

    pub fn from_rust_name(name: &str) -> Option<Primitive> {
        Primitive::ALL.into_iter().find(|p| p.rust_name() == name)
    }
}

/// A use of a type in a field, parameter or result.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Primitive(Primitive),
    String,
    /// `Vec<u8>`.
    Bytes,
    Vec(Box<TypeRef>),
    Option(Box<TypeRef>),
    /// An `#[ffi_type]` struct, by name.
    Struct(String),
    /// An `#[ffi_type]` fieldless enum, by name.
    Enum(String),
    /// An `#[ffi_object]`, crossing as a handle. As a result `T` (the
    /// handle owns the value) or `Arc<T>` (`shared`: handles share it); as a
    /// parameter `&T` or `Arc<T>` (`shared`: the method gets its own `Arc`).
    Object {
        name: String,
        shared: bool,
    },
}

impl TypeRef {
    pub fn is_compound(&self) -> bool {
        matches!(self, TypeRef::Vec(_) | TypeRef::Option(_))
    }

    /// Appends every `Vec`/`Option` inside `self` (innermost first, then
    /// `self`), skipping ones already in `out`.
    pub fn collect_compounds(&self, out: &mut Vec<TypeRef>) {
        if let TypeRef::Vec(inner) | TypeRef::Option(inner) = self {
            inner.collect_compounds(out);
            let layout = self.layout();
            if !out.contains(&layout) {
                out.push(layout);
            }
        }
    }

    /// The type as its C layout sees it: `Arc<T>` and `T` of an object are
    /// the same handle, so `Vec<Arc<T>>` and `Vec<T>` are one C type.
    pub fn layout(&self) -> TypeRef {
        match self {
            TypeRef::Object { name, .. } => TypeRef::Object {
                name: name.clone(),
                shared: false,
            },
            TypeRef::Vec(inner) => TypeRef::Vec(Box::new(inner.layout())),
            TypeRef::Option(inner) => TypeRef::Option(Box::new(inner.layout())),
            other => other.clone(),
        }
    }

    /// Names of the `#[ffi_type]`s this type mentions directly or inside
    /// `Vec`/`Option`.
    pub fn named_types(&self) -> Vec<&str> {
        match self {
            TypeRef::Struct(n) | TypeRef::Enum(n) => vec![n.as_str()],
            TypeRef::Object { name, .. } => vec![name.as_str()],
            TypeRef::Vec(inner) | TypeRef::Option(inner) => inner.named_types(),
            TypeRef::Primitive(_) | TypeRef::String | TypeRef::Bytes => Vec::new(),
        }
    }

    /// A name fragment that identifies the type, used to build names for
    /// compound types: `Vec<Option<String>>` -> `Vec_Option_String`.
    pub fn mangle(&self) -> String {
        match self {
            TypeRef::Primitive(p) => p.rust_name().to_string(),
            TypeRef::String => "String".into(),
            TypeRef::Bytes => "Bytes".into(),
            TypeRef::Vec(inner) => format!("Vec_{}", inner.mangle()),
            TypeRef::Option(inner) => format!("Option_{}", inner.mangle()),
            TypeRef::Struct(n) | TypeRef::Enum(n) | TypeRef::Object { name: n, .. } => n.clone(),
        }
    }

    /// The object type this is, or holds in a `Vec`/`Option`.
    pub fn object(&self) -> Option<&str> {
        match self {
            TypeRef::Object { name, .. } => Some(name),
            TypeRef::Vec(inner) | TypeRef::Option(inner) => inner.object(),
            TypeRef::Primitive(_)
            | TypeRef::String
            | TypeRef::Bytes
            | TypeRef::Struct(_)
            | TypeRef::Enum(_) => None,
        }
    }
}

/// Rust source spelling, relative to the author's scope for named types.
impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::Primitive(p) => f.write_str(p.rust_name()),
            TypeRef::String => f.write_str("String"),
            TypeRef::Bytes => f.write_str("Vec<u8>"),
            TypeRef::Vec(inner) => write!(f, "Vec<{inner}>"),
            TypeRef::Option(inner) => write!(f, "Option<{inner}>"),
            TypeRef::Struct(n) | TypeRef::Enum(n) => f.write_str(n),
            TypeRef::Object { name, shared: true } => write!(f, "Arc<{name}>"),
            TypeRef::Object {
                name,
                shared: false,
            } => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compounds_are_listed_innermost_first_without_repeats() {
        let vv = TypeRef::Vec(Box::new(TypeRef::Vec(Box::new(TypeRef::String))));
        let ov = TypeRef::Option(Box::new(TypeRef::Vec(Box::new(TypeRef::String))));
        let mut out = Vec::new();
        vv.collect_compounds(&mut out);
        ov.collect_compounds(&mut out);
        let names: Vec<String> = out.iter().map(TypeRef::mangle).collect();
        assert_eq!(names, ["Vec_String", "Vec_Vec_String", "Option_Vec_String"]);
    }

    #[test]
    fn shared_and_owned_objects_are_one_compound() {
        let obj = |shared| TypeRef::Object {
            name: "C".into(),
            shared,
        };
        let mut out = Vec::new();
        TypeRef::Vec(Box::new(obj(false))).collect_compounds(&mut out);
        TypeRef::Vec(Box::new(obj(true))).collect_compounds(&mut out);
        assert_eq!(out, [TypeRef::Vec(Box::new(obj(false)))]);
    }
}
