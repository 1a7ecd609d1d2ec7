//! `syn::Type` -> [`TypeRef`]: the shape comes from the checks shared with
//! the macros (`ffi_abi::checks::shape`); which names are `#[ffi_type]`s or
//! `#[ffi_object]`s, and where an object may appear, is known only here,
//! where the whole crate is seen.

use std::collections::HashMap;

use ffi_abi::checks::{SUPPORTED, Shape, unraw};

use super::modules::Origin;
use crate::diagnostic::Diagnostic;
use crate::ir::{Primitive, TypeRef};

/// Whether a name is an `#[ffi_type]` struct or enum, or an `#[ffi_object]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamedKind {
    Struct,
    Enum,
    Object,
}

/// Where a type is used: objects cross only as method parameters (`&T`,
/// `Arc<T>`) and method results (`T`, `Arc<T>`, and `Vec`/`Option` of
/// those).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Param,
    Result,
    /// Anywhere else, described for the message: "a field", ...
    Elsewhere(&'static str),
}

pub(crate) struct TypeResolver<'a> {
    pub named: &'a HashMap<String, NamedKind>,
}

impl TypeResolver<'_> {
    /// A shape the shared checks accepted, with its names looked up.
    pub fn lower(
        &self,
        shape: &Shape<'_>,
        origin: &Origin,
        pos: Position,
    ) -> Result<TypeRef, Diagnostic> {
        self.lower_at(shape, origin, pos, 0)
    }

    /// `depth`: how many `Vec`/`Option` levels enclose `shape`.
    fn lower_at(
        &self,
        shape: &Shape<'_>,
        origin: &Origin,
        pos: Position,
        depth: usize,
    ) -> Result<TypeRef, Diagnostic> {
        Ok(match shape {
            Shape::Primitive(name) => TypeRef::Primitive(
                Primitive::from_rust_name(name).expect("the shared checks list the IR's scalars"),
            ),
            Shape::String => TypeRef::String,
            Shape::Bytes => TypeRef::Bytes,
            Shape::Vec(inner) => {
                TypeRef::Vec(Box::new(self.lower_at(inner, origin, pos, depth + 1)?))
            }
            Shape::Option(inner) => {
                TypeRef::Option(Box::new(self.lower_at(inner, origin, pos, depth + 1)?))
            }
            Shape::Named(ident) => {
                let name = unraw(ident);
                match self.named.get(&name) {
                    Some(NamedKind::Struct) => TypeRef::Struct(name),
                    Some(NamedKind::Enum) => TypeRef::Enum(name),
                    Some(NamedKind::Object) => {
                        self.object(ident, name, false, origin, pos, depth, "")?
                    }
                    None => {
                        return Err(origin.diag(
                            ident.span(),
                            format!("type `{name}` is not an `#[ffi_type]`"),
                            &format!(
                                "add #[ffi_type] to `{name}` (a struct with named fields or a \
                                 fieldless enum); {SUPPORTED}"
                            ),
                        ));
                    }
                }
            }
            Shape::Ref(ident) | Shape::Arc(ident) => {
                let name = unraw(ident);
                let arc = matches!(shape, Shape::Arc(_));
                let spelled = if arc {
                    format!("Arc<{name}>")
                } else {
                    format!("&{name}")
                };
                if self.named.get(&name) != Some(&NamedKind::Object) {
                    return Err(origin.diag(
                        ident.span(),
                        format!("`{spelled}`: `{name}` is not an `#[ffi_object]`"),
                        &format!(
                            "only `#[ffi_object]` types cross as `&T` or `Arc<T>`; \
                             pass other values by value; {SUPPORTED}"
                        ),
                    ));
                }
                let kind = if arc { "Arc" } else { "&" };
                self.object(ident, name, arc, origin, pos, depth, kind)?
            }
        })
    }

    /// An object type at `pos`: `kind` is `"&"`, `"Arc"` or `""` (by value).
    #[allow(clippy::too_many_arguments)]
    fn object(
        &self,
        ident: &syn::Ident,
        name: String,
        shared: bool,
        origin: &Origin,
        pos: Position,
        depth: usize,
        kind: &str,
    ) -> Result<TypeRef, Diagnostic> {
        let fail = |message: String, hint: String| Err(origin.diag(ident.span(), message, &hint));
        match pos {
            Position::Param if depth > 0 => fail(
                format!("`{name}` inside a `Vec` or `Option` parameter"),
                format!("an `#[ffi_object]` parameter is one `&{name}` or `Arc<{name}>`"),
            ),
            Position::Param if kind.is_empty() => fail(
                format!("`#[ffi_object]` `{name}` cannot be taken by value"),
                format!(
                    "take `&{name}` (borrowed for the call) or `Arc<{name}>` (shared); \
                     the host keeps its handle"
                ),
            ),
            Position::Result if kind == "&" => fail(
                format!("a method cannot return `&{name}`"),
                format!("return `{name}` (a new handle owns it) or `Arc<{name}>` (shared)"),
            ),
            Position::Result if depth > 1 => fail(
                format!("`{name}` nested more than one `Vec` or `Option` deep"),
                format!(
                    "an `#[ffi_object]` result is `{name}`, `Arc<{name}>`, or a `Vec` or \
                     `Option` of those"
                ),
            ),
            Position::Param | Position::Result => Ok(TypeRef::Object { name, shared }),
            Position::Elsewhere(what) => fail(
                format!("{what} cannot hold the `#[ffi_object]` `{name}`"),
                "objects cross only as method parameters (`&T`, `Arc<T>`) and method results \
                 (`T`, `Arc<T>`, `Vec`/`Option` of those); use an `#[ffi_type]` here"
                    .to_string(),
            ),
        }
    }
}
