//! `syn::Type` -> [`TypeRef`]: the shape comes from the checks shared with
//! the macros (`ffi_abi::checks::shape`); which names are `#[ffi_type]`s is
//! known only here, where the whole crate is seen.

use std::collections::HashMap;

use ffi_abi::checks::{SUPPORTED, Shape, unraw};

use super::modules::Origin;
use crate::diagnostic::Diagnostic;
use crate::ir::{Primitive, TypeRef};

/// Whether an `#[ffi_type]` name is a struct or an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamedKind {
    Struct,
    Enum,
}

pub(crate) struct TypeResolver<'a> {
    pub named: &'a HashMap<String, NamedKind>,
}

impl TypeResolver<'_> {
    /// A shape the shared checks accepted, with its names looked up.
    pub fn lower(&self, shape: &Shape<'_>, origin: &Origin) -> Result<TypeRef, Diagnostic> {
        Ok(match shape {
            Shape::Primitive(name) => TypeRef::Primitive(
                Primitive::from_rust_name(name).expect("the shared checks list the IR's scalars"),
            ),
            Shape::String => TypeRef::String,
            Shape::Bytes => TypeRef::Bytes,
            Shape::Vec(inner) => TypeRef::Vec(Box::new(self.lower(inner, origin)?)),
            Shape::Option(inner) => TypeRef::Option(Box::new(self.lower(inner, origin)?)),
            Shape::Named(ident) => {
                let name = unraw(ident);
                match self.named.get(&name) {
                    Some(NamedKind::Struct) => TypeRef::Struct(name),
                    Some(NamedKind::Enum) => TypeRef::Enum(name),
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
        })
    }
}
