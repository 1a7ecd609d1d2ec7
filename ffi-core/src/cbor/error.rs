//! Decoding errors. Each names where in the value it happened, as a wire
//! path (`req.messages[1].delayMs`) built while the decoder unwinds: the
//! innermost decoder reports what is wrong, and every enclosing struct
//! field, array index and request parameter prefixes its own name.

use std::fmt;

/// Why a CBOR value could not be decoded, and where in it.
///
/// Boxed, so a `Result<T, DecodeError>` is one pointer wider than `T` at
/// most: the success path of the decoder moves small values only.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError(Box<Inner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    path: String,
    kind: Kind,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("path", &self.0.path)
            .field("kind", &self.0.kind)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// The item has the wrong CBOR type.
    Type {
        expected: &'static str,
        got: &'static str,
    },
    /// An integer outside the target type's range.
    Range {
        ty: &'static str,
    },
    Missing,
    /// Not well-formed CBOR, or beyond a limit.
    Malformed(String),
    Utf8,
    UnknownEnum {
        value: String,
        ty: &'static str,
    },
}

impl DecodeError {
    #[cold]
    pub fn wrong_type(expected: &'static str, got: &'static str) -> Self {
        Self::of(Kind::Type { expected, got })
    }

    #[cold]
    pub fn out_of_range(ty: &'static str) -> Self {
        Self::of(Kind::Range { ty })
    }

    /// A required field (or parameter) `name` is absent.
    #[cold]
    pub fn missing(name: &str) -> Self {
        Self::of(Kind::Missing).in_field(name)
    }

    #[cold]
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::of(Kind::Malformed(message.into()))
    }

    #[cold]
    pub fn invalid_utf8() -> Self {
        Self::of(Kind::Utf8)
    }

    /// Text that names no variant of the enum `ty`.
    #[cold]
    pub fn unknown_enum(value: &str, ty: &'static str) -> Self {
        Self::of(Kind::UnknownEnum {
            value: value.to_owned(),
            ty,
        })
    }

    #[cold]
    fn of(kind: Kind) -> Self {
        DecodeError(Box::new(Inner {
            path: String::new(),
            kind,
        }))
    }

    /// Prefixes the location with a field or parameter wire name.
    #[cold]
    pub fn in_field(mut self, name: &str) -> Self {
        let path = &mut self.0.path;
        if !path.is_empty() && !path.starts_with('[') {
            path.insert(0, '.');
        }
        path.insert_str(0, name);
        self
    }

    /// Prefixes the location with an array index.
    #[cold]
    pub fn at_index(mut self, index: usize) -> Self {
        let path = &mut self.0.path;
        if !path.is_empty() && !path.starts_with('[') {
            path.insert(0, '.');
        }
        path.insert_str(0, &format!("[{index}]"));
        self
    }

    /// The wire path of the offending item (empty at the top level).
    pub fn path(&self) -> &str {
        &self.0.path
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.0.path;
        let at = |f: &mut fmt::Formatter<'_>| {
            if p.is_empty() {
                Ok(())
            } else {
                write!(f, " in field '{p}'")
            }
        };
        match &self.0.kind {
            Kind::Type { expected, got } if p.is_empty() => {
                write!(f, "expected {expected}, got {got}")
            }
            Kind::Type { expected, got } => {
                write!(f, "field '{p}': expected {expected}, got {got}")
            }
            Kind::Range { ty } if p.is_empty() => write!(f, "expected integer in range of {ty}"),
            Kind::Range { ty } => write!(f, "field '{p}': expected integer in range of {ty}"),
            Kind::Missing => write!(f, "missing field '{p}'"),
            Kind::Malformed(m) => {
                write!(f, "malformed CBOR: {m}")?;
                at(f)
            }
            Kind::Utf8 => {
                f.write_str("invalid UTF-8")?;
                if p.is_empty() {
                    f.write_str(" in text")
                } else {
                    at(f)
                }
            }
            Kind::UnknownEnum { value, ty } => {
                write!(f, "unknown enum value '{value}' for {ty}")?;
                at(f)
            }
        }
    }
}

impl std::error::Error for DecodeError {}

impl From<DecodeError> for String {
    fn from(e: DecodeError) -> String {
        e.to_string()
    }
}
