//! Facts about the C layout of each type, computed here once so that every
//! emitter reads the same answer. The matches are exhaustive: a new kind of
//! type is a compile error here and in every emitter that matches on
//! [`CLayout`] or [`Compound`], never a silent fall-through.

use super::{Primitive, TypeRef};

/// Field names of the generated C structs of strings, bytes and `Vec`s
/// (`{ptr, len}`) and of `Option`s (`{is_some, value}`).
pub const SLICE_PTR: &str = "ptr";
pub const SLICE_LEN: &str = "len";
pub const OPTION_IS_SOME: &str = "is_some";
pub const OPTION_VALUE: &str = "value";

/// How a value of a type is represented in the C ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CLayout<'a> {
    /// A C scalar (`bool`, `int32_t`, `double`, ...).
    Scalar(Primitive),
    /// A fieldless enum: `int32_t` holding the variant's index.
    Enum(&'a str),
    /// `FFIStr {ptr, len}`: UTF-8, borrowed.
    Str,
    /// `FFIBytes {ptr, len}`: borrowed.
    Bytes,
    /// `<lib>_Vec_T {ptr, len}` of elements laid out as the inner type.
    Slice(&'a TypeRef),
    /// `<lib>_Option_T {is_some, value}`.
    Optional(&'a TypeRef),
    /// A flat struct of the fields' layouts.
    Struct(&'a str),
    /// An object handle: `<lib>_<Type> *`, opaque.
    Handle(&'a str),
}

impl<'a> CLayout<'a> {
    pub fn of(ty: &'a TypeRef) -> Self {
        match ty {
            TypeRef::Primitive(p) => CLayout::Scalar(*p),
            TypeRef::Enum(name) => CLayout::Enum(name),
            TypeRef::String => CLayout::Str,
            TypeRef::Bytes => CLayout::Bytes,
            TypeRef::Vec(inner) => CLayout::Slice(inner),
            TypeRef::Option(inner) => CLayout::Optional(inner),
            TypeRef::Struct(name) => CLayout::Struct(name),
            TypeRef::Object { name, .. } => CLayout::Handle(name),
        }
    }

    /// A single C scalar: copied as is, nothing to point to or free.
    pub fn is_scalar(self) -> bool {
        match self {
            CLayout::Scalar(_) | CLayout::Enum(_) | CLayout::Handle(_) => true,
            CLayout::Str
            | CLayout::Bytes
            | CLayout::Slice(_)
            | CLayout::Optional(_)
            | CLayout::Struct(_) => false,
        }
    }

    /// Whether lowering a host value to this layout may allocate C memory
    /// that must outlive the expression (an arena): arrays of converted
    /// elements and converted members. Strings and bytes point into the
    /// host's own buffer instead.
    pub fn needs_arena(self) -> bool {
        match self {
            CLayout::Slice(_) | CLayout::Optional(_) | CLayout::Struct(_) => true,
            CLayout::Scalar(_)
            | CLayout::Enum(_)
            | CLayout::Handle(_)
            | CLayout::Str
            | CLayout::Bytes => false,
        }
    }
}

/// A generated C struct for a `Vec<T>` or an `Option<T>`, by its inner type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Compound {
    Vec(TypeRef),
    Option(TypeRef),
}

impl Compound {
    /// The compound a type is, if it is one.
    pub fn of(ty: &TypeRef) -> Option<Compound> {
        match ty {
            TypeRef::Vec(inner) => Some(Compound::Vec((**inner).clone())),
            TypeRef::Option(inner) => Some(Compound::Option((**inner).clone())),
            TypeRef::Primitive(_)
            | TypeRef::String
            | TypeRef::Bytes
            | TypeRef::Struct(_)
            | TypeRef::Enum(_)
            | TypeRef::Object { .. } => None,
        }
    }

    /// The whole type, `Vec<T>` or `Option<T>`.
    pub fn ty(&self) -> TypeRef {
        match self {
            Compound::Vec(inner) => TypeRef::Vec(Box::new(inner.clone())),
            Compound::Option(inner) => TypeRef::Option(Box::new(inner.clone())),
        }
    }

    pub fn inner(&self) -> &TypeRef {
        match self {
            Compound::Vec(inner) | Compound::Option(inner) => inner,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_facts() {
        let s = TypeRef::Struct("S".into());
        let v = TypeRef::Vec(Box::new(TypeRef::String));
        assert!(CLayout::of(&TypeRef::Primitive(Primitive::Bool)).is_scalar());
        assert!(CLayout::of(&TypeRef::Enum("E".into())).is_scalar());
        assert!(!CLayout::of(&TypeRef::String).needs_arena());
        assert!(CLayout::of(&s).needs_arena());
        assert!(CLayout::of(&v).needs_arena());
        let c = Compound::of(&v).unwrap();
        assert_eq!(c.ty(), v);
        assert_eq!(c.inner(), &TypeRef::String);
        assert_eq!(Compound::of(&s), None);
    }
}
