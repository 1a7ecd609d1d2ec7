//! How one value crosses the C ABI as `(const char *msg, size_t len)`: a
//! call's result, a host function's request and answer, an event payload.

use super::{Param, TypeRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message<'a> {
    /// `()` or no parameters: `(NULL, 0)`.
    Empty,
    /// A `String`: its UTF-8 bytes, not NUL-terminated.
    Str,
    /// A `Vec<u8>`: its bytes.
    Bytes,
    /// Any other single value: a pointer to its C representation,
    /// `len == sizeof` it.
    Value(&'a TypeRef),
    /// Several parameters: a pointer to the `<lib>_<fn>_args` struct.
    Args(&'a [Param]),
}

impl<'a> Message<'a> {
    pub fn of_type(ty: Option<&'a TypeRef>) -> Self {
        match ty {
            None => Message::Empty,
            Some(TypeRef::String) => Message::Str,
            Some(TypeRef::Bytes) => Message::Bytes,
            Some(t) => Message::Value(t),
        }
    }

    pub fn of_params(params: &'a [Param]) -> Self {
        match params {
            [] => Message::Empty,
            [one] => Message::of_type(Some(&one.ty)),
            _ => Message::Args(params),
        }
    }
}
