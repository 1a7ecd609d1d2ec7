//! CBOR wire names and the wire schema of interface types, shared by every
//! emitter that speaks the CBOR ABI (Rust glue, `<lib>_cbor.h`, the Go
//! remote client).

use crate::ir::{Primitive, TypeRef};

/// The wire name of a Rust field or parameter: lowerCamelCase
/// (`delay_ms` -> `delayMs`, `http_url` -> `httpUrl`). The `#[ffi_type]`
/// macro and `ffi_core::cbor::wire_name` carry identical copies; the
/// golden wire vectors keep them in agreement.
pub fn wire_name(rust_name: &str) -> String {
    let mut out = String::with_capacity(rust_name.len());
    let mut upper = false;
    for c in rust_name.trim_start_matches("r#").chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        assert_eq!(wire_name("delay_ms"), "delayMs");
        assert_eq!(wire_name("job_id"), "jobId");
        assert_eq!(wire_name("http_url"), "httpUrl");
        assert_eq!(wire_name("i8_v"), "i8V");
        assert_eq!(wire_name("req"), "req");
    }
}
