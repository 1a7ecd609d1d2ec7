//! `syn::Type` -> [`TypeRef`]: the types that may cross the boundary.

use std::collections::HashMap;

use quote::ToTokens;
use syn::spanned::Spanned;

use super::modules::Origin;
use crate::diagnostic::Diagnostic;
use crate::ir::{Primitive, TypeRef};

pub(crate) const SUPPORTED: &str = "supported: bool, i8..i64, u8..u64, f32, f64, String, \
     Vec<u8>, Vec<T>, Option<T>, and #[ffi_type] structs and enums";

/// Whether an `#[ffi_type]` name is a struct or an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamedKind {
    Struct,
    Enum,
}

/// Names that are not `#[ffi_type]`s but are well known not to be
/// supported; everything else unknown is reported as a missing `#[ffi_type]`.
const KNOWN_UNSUPPORTED: &[&str] = &[
    "usize",
    "isize",
    "char",
    "str",
    "i128",
    "u128",
    "Box",
    "Rc",
    "Arc",
    "Cell",
    "RefCell",
    "Mutex",
    "RwLock",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "VecDeque",
    "LinkedList",
    "BinaryHeap",
    "Cow",
    "Path",
    "PathBuf",
    "OsString",
    "OsStr",
    "CString",
    "CStr",
    "Duration",
    "Instant",
    "SystemTime",
    "Result",
    "Self",
    "Pin",
    "PhantomData",
];

pub(crate) struct TypeResolver<'a> {
    pub named: &'a HashMap<String, NamedKind>,
}

impl TypeResolver<'_> {
    /// Maps `ty`, or explains why it cannot cross the boundary.
    pub fn resolve(&self, ty: &syn::Type, origin: &Origin) -> Result<TypeRef, Diagnostic> {
        let unsupported = || {
            origin.diag(
                ty.span(),
                format!("unsupported type `{}`", type_to_string(ty)),
                SUPPORTED,
            )
        };
        let path = match ty {
            syn::Type::Path(p) if p.qself.is_none() => &p.path,
            syn::Type::Group(g) => return self.resolve(&g.elem, origin),
            syn::Type::Paren(p) => return self.resolve(&p.elem, origin),
            _ => return Err(unsupported()),
        };
        let last = path.segments.last().ok_or_else(unsupported)?;
        let name = last.ident.to_string();
        let args = generic_types(&last.arguments);

        let single = path.segments.len() == 1 && path.leading_colon.is_none() && args.is_none();
        if let Some(p) = Primitive::from_rust_name(&name).filter(|_| single) {
            return Ok(TypeRef::Primitive(p));
        }
        if is_std(path, "string", "String") && args.is_none() {
            return Ok(TypeRef::String);
        }
        if is_std(path, "vec", "Vec") {
            if let Some([inner]) = args.as_deref() {
                return match self.resolve(inner, origin)? {
                    TypeRef::Primitive(Primitive::U8) => Ok(TypeRef::Bytes),
                    inner => Ok(TypeRef::Vec(Box::new(inner))),
                };
            }
            return Err(unsupported());
        }
        if is_std(path, "option", "Option") {
            if let Some([inner]) = args.as_deref() {
                return Ok(TypeRef::Option(Box::new(self.resolve(inner, origin)?)));
            }
            return Err(unsupported());
        }
        if KNOWN_UNSUPPORTED.contains(&name.as_str()) || !last.arguments.is_none() {
            return Err(unsupported());
        }
        match self.named.get(&name) {
            Some(NamedKind::Struct) => Ok(TypeRef::Struct(name)),
            Some(NamedKind::Enum) => Ok(TypeRef::Enum(name)),
            None => Err(origin.diag(
                last.ident.span(),
                format!("type `{name}` is not an `#[ffi_type]`"),
                &format!(
                    "add #[ffi_type] to `{name}` (a struct with named fields or a fieldless \
                     enum); {SUPPORTED}"
                ),
            )),
        }
    }
}

/// `Name`, `std::module::Name`, `core::..` or `alloc::..`.
fn is_std(path: &syn::Path, module: &str, name: &str) -> bool {
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let prefix_ok = path
        .segments
        .iter()
        .rev()
        .skip(1)
        .all(|s| s.arguments.is_none());
    if !prefix_ok {
        return false;
    }
    match segs.as_slice() {
        [n] => path.leading_colon.is_none() && n == name,
        [root, m, n] => {
            matches!(root.as_str(), "std" | "core" | "alloc") && m == module && n == name
        }
        _ => false,
    }
}

/// The type arguments of `<..>`, or `None` if there are none or any
/// argument is not a type (a lifetime, a const, an associated binding).
fn generic_types(args: &syn::PathArguments) -> Option<Vec<syn::Type>> {
    let syn::PathArguments::AngleBracketed(ab) = args else {
        return None;
    };
    ab.args
        .iter()
        .map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// `Result<T, String>` (optionally `std::result::`/`core::result::`): the
/// type `T`.
pub(crate) fn result_ok_type(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    if p.qself.is_some() || !is_std(&p.path, "result", "Result") {
        return None;
    }
    let syn::PathArguments::AngleBracketed(ab) = &p.path.segments.last()?.arguments else {
        return None;
    };
    let mut args = ab.args.iter();
    let (Some(syn::GenericArgument::Type(ok)), Some(syn::GenericArgument::Type(err)), None) =
        (args.next(), args.next(), args.next())
    else {
        return None;
    };
    let syn::Type::Path(e) = err else { return None };
    (e.qself.is_none() && is_std(&e.path, "string", "String")).then_some(ok)
}

/// `()`.
pub(crate) fn is_unit(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Tuple(t) if t.elems.is_empty())
}

/// Source-like spelling for messages: `HashMap<String, i64>`, `&str`.
pub(crate) fn type_to_string(ty: &syn::Type) -> String {
    tokens_to_string(ty.to_token_stream())
}

pub(crate) fn tokens_to_string(tokens: proc_macro2::TokenStream) -> String {
    let mut s = tokens.to_string();
    for (from, to) in [
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        (" ;", ";"),
        (" :: ", "::"),
        (":: ", "::"),
        ("& ", "&"),
        ("* const ", "*const "),
        ("* mut ", "*mut "),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        ("[ ", "["),
        (" ]", "]"),
    ] {
        s = s.replace(from, to);
    }
    s
}
