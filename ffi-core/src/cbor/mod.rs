//! The CBOR ABI's codec (RFC 8949), hand-written for speed: values encode
//! straight into a byte buffer and decode from a borrowed one, with no
//! intermediate tree and no serde.
//!
//! The wire format (SPEC section 7):
//! - `bool`, integers, `f32`/`f64`, `String` are CBOR's own types; an
//!   `f32` encodes as a 32-bit float, an `f64` as a 64-bit one, and a
//!   float field accepts any float width or an integer. Integers are range
//!   checked against the Rust type.
//! - `Vec<u8>` is a byte string, any other `Vec<T>` an array.
//! - `#[ffi_type]` structs are maps keyed by the lowerCamelCase field name
//!   ([`wire_name`]); a `None` field is omitted, and `null` is read as
//!   `None` too. Unknown keys are ignored, so a newer peer may send fields
//!   this side does not know yet. A missing non-`Option` field is an error.
//! - Fieldless enums are the variant name as text (`"Low"`).
//! - `()` encodes as `null` and decodes from anything (or nothing).
//!
//! Encoding is canonical (shortest integer and length forms, definite
//! lengths); decoding also accepts indefinite lengths and skips tags.

mod decode;
mod encode;
mod error;
pub mod glue;
mod impls;
pub mod session;
#[cfg(test)]
mod tests;

pub use decode::{Decoder, MAX_DEPTH, MapKeys};
pub use encode::Encoder;
pub use error::DecodeError;

/// A type with a CBOR wire form. `#[ffi_type]` implements it for structs
/// and enums.
pub trait CborType: Sized {
    fn encode(&self, e: &mut Encoder);

    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError>;

    /// The value of an absent map key: `None` unless the type is optional.
    fn absent() -> Option<Self> {
        None
    }

    /// Whether a struct field holding `self` is left out of the map.
    fn is_absent(&self) -> bool {
        false
    }

    /// Encodes a `Vec<Self>`; `u8` overrides it with a byte string.
    fn encode_vec(v: &[Self], e: &mut Encoder) {
        e.array(v.len());
        v.iter().for_each(|x| x.encode(e));
    }

    /// Decodes a `Vec<Self>`; `u8` overrides it with a byte string.
    fn decode_vec(d: &mut Decoder<'_>) -> Result<Vec<Self>, DecodeError> {
        let len = d.begin_array()?;
        // The length is checked against the input, but a small input can
        // still declare many items of a large type: cap the reservation.
        let mut out = Vec::with_capacity(len.unwrap_or(0).min(1024));
        while d.more(len, out.len())? {
            let i = out.len();
            out.push(Self::decode(d).map_err(|e| e.at_index(i))?);
        }
        d.end();
        Ok(out)
    }
}

/// The CBOR encoding of `value`.
pub fn to_vec<T: CborType>(value: &T) -> Vec<u8> {
    // Most answers are small: one allocation instead of 8 -> 16 -> ... growth.
    let mut e = Encoder::with_capacity(128);
    value.encode(&mut e);
    e.into_bytes()
}

/// Decodes exactly one item: trailing bytes are an error.
#[inline]
pub fn from_slice<T: CborType>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut d = Decoder::new(bytes);
    let v = T::decode(&mut d)?;
    d.finish()?;
    Ok(v)
}

/// A decoded struct field or request parameter, or its value when absent
/// (`None` for options), or the "missing field" error.
#[inline]
pub fn required<T: CborType>(slot: Option<T>, wire_name: &str) -> Result<T, DecodeError> {
    match slot {
        Some(v) => Ok(v),
        None => T::absent().ok_or_else(|| DecodeError::missing(wire_name)),
    }
}

/// Decodes the value of the map key `wire_name`, naming it in errors.
#[inline]
pub fn field<T: CborType>(d: &mut Decoder<'_>, wire_name: &str) -> Result<T, DecodeError> {
    T::decode(d).map_err(|e| e.in_field(wire_name))
}

/// The wire name of a Rust field or parameter: lowerCamelCase
/// (`delay_ms` -> `delayMs`, `r#type` -> `type`). Kept in `ffi-abi`, which
/// the `#[ffi_type]` macro and the generator read too.
pub use ffi_abi::wire_name;
