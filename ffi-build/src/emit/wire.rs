//! CBOR wire names and the wire schema of interface types, shared by every
//! emitter that speaks the CBOR ABI (Rust glue, `<lib>_cbor.h`, the Go
//! remote client).

use crate::ir::{Primitive, TypeRef};

/// The wire name of a Rust field or parameter: the runtime's and the
/// `#[ffi_type]` macro's (all three read `ffi-abi`), so the generated glue
/// and clients agree with the codec by construction.
pub use ffi_abi::wire_name;

/// A type in CDDL (RFC 8610) notation, for the schema comments of
/// `<lib>_cbor.h`. Integer widths are given as CDDL's `.size`-free
/// aliases plus the Rust type (`int ; i64` would not fit inline), so
/// sized types read `int64`, `uint8`, ... and are defined in the header.
pub(crate) fn cddl(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(p) => match p {
            Primitive::Bool => "bool".into(),
            Primitive::F32 => "float32".into(),
            Primitive::F64 => "float64".into(),
            Primitive::I8 | Primitive::I16 | Primitive::I32 | Primitive::I64 => {
                format!("int{}", &p.rust_name()[1..])
            }
            Primitive::U8 | Primitive::U16 | Primitive::U32 | Primitive::U64 => {
                format!("uint{}", &p.rust_name()[1..])
            }
        },
        TypeRef::String => "tstr".into(),
        TypeRef::Bytes => "bstr".into(),
        TypeRef::Vec(inner) => format!("[* {}]", cddl(inner)),
        TypeRef::Option(inner) => format!("{} / null", cddl(inner)),
        TypeRef::Struct(n) | TypeRef::Enum(n) => n.clone(),
        TypeRef::Object { name, .. } => format!("{name}Id"),
    }
}

/// One map entry in CDDL: `? "note": tstr / null` for options.
pub(crate) fn cddl_entry(rust_name: &str, ty: &TypeRef) -> String {
    let opt = if matches!(ty, TypeRef::Option(_)) {
        "? "
    } else {
        ""
    };
    format!("{opt}\"{}\": {}", wire_name(rust_name), cddl(ty))
}
