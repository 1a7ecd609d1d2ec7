//! Which Rust types may cross the boundary, by their shape alone; whether a
//! plain name is an `#[ffi_type]` is for the generator, which sees the
//! whole crate.

use quote::ToTokens;
use syn::spanned::Spanned;

use super::Problem;

pub const SUPPORTED: &str = "supported: bool, i8..i64, u8..u64, f32, f64, String, \
     Vec<u8>, Vec<T>, Option<T>, and #[ffi_type] structs and enums (and #[ffi_object]s as \
     `&T`/`Arc<T>` parameters and `T`/`Arc<T>` results)";

/// The Rust names of the scalar types that cross as themselves.
pub const PRIMITIVES: &[&str] = &[
    "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64",
];

/// Names that are not `#[ffi_type]`s but are well known not to be
/// supported; every other unknown name is taken for an `#[ffi_type]`.
const KNOWN_UNSUPPORTED: &[&str] = &[
    "usize",
    "isize",
    "char",
    "str",
    "i128",
    "u128",
    "Box",
    "Rc",
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
    "Pin",
    "PhantomData",
];

/// The shape of a supported type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape<'a> {
    /// One of [`PRIMITIVES`], by its Rust name.
    Primitive(&'static str),
    String,
    /// `Vec<u8>`.
    Bytes,
    Vec(Box<Shape<'a>>),
    Option(Box<Shape<'a>>),
    /// A plain name, which must be an `#[ffi_type]` (or, as a result, an
    /// `#[ffi_object]`).
    Named(&'a syn::Ident),
    /// `&Name`: a borrowed `#[ffi_object]` parameter.
    Ref(&'a syn::Ident),
    /// `Arc<Name>` (`std::sync::Arc`): a shared `#[ffi_object]`.
    Arc(&'a syn::Ident),
}

/// The shape of `ty`, or why it cannot cross the boundary.
pub fn shape(ty: &syn::Type) -> Result<Shape<'_>, Problem> {
    let unsupported = || {
        Problem::new(
            ty.span(),
            format!("unsupported type `{}`", type_to_string(ty)),
            SUPPORTED,
        )
    };
    let path = match ty {
        syn::Type::Path(p) if p.qself.is_none() => &p.path,
        syn::Type::Group(g) => return shape(&g.elem),
        syn::Type::Paren(p) => return shape(&p.elem),
        syn::Type::Reference(r) if r.mutability.is_none() && r.lifetime.is_none() => {
            return match shape(&r.elem) {
                Ok(Shape::Named(ident)) => Ok(Shape::Ref(ident)),
                _ => Err(unsupported()),
            };
        }
        _ => return Err(unsupported()),
    };
    let last = path.segments.last().ok_or_else(unsupported)?;
    let name = last.ident.to_string();
    let args = generic_types(&last.arguments);

    let single = path.segments.len() == 1 && path.leading_colon.is_none() && args.is_none();
    if let Some(p) = PRIMITIVES.iter().find(|p| **p == name).filter(|_| single) {
        return Ok(Shape::Primitive(p));
    }
    if is_std(path, "string", "String") && args.is_none() {
        return Ok(Shape::String);
    }
    if is_std(path, "vec", "Vec") {
        if let Some([inner]) = args.as_deref() {
            return match shape(inner)? {
                Shape::Primitive("u8") => Ok(Shape::Bytes),
                inner => Ok(Shape::Vec(Box::new(inner))),
            };
        }
        return Err(unsupported());
    }
    if is_std(path, "option", "Option") {
        if let Some([inner]) = args.as_deref() {
            return Ok(Shape::Option(Box::new(shape(inner)?)));
        }
        return Err(unsupported());
    }
    if is_std(path, "sync", "Arc") {
        if let Some([inner]) = args.as_deref()
            && let Shape::Named(ident) = shape(inner)?
        {
            return Ok(Shape::Arc(ident));
        }
        return Err(unsupported());
    }
    if KNOWN_UNSUPPORTED.contains(&name.as_str()) || !last.arguments.is_none() {
        return Err(unsupported());
    }
    Ok(Shape::Named(&last.ident))
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
fn generic_types(args: &syn::PathArguments) -> Option<Vec<&syn::Type>> {
    let syn::PathArguments::AngleBracketed(ab) = args else {
        return None;
    };
    ab.args
        .iter()
        .map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// `Result<T, String>` (optionally `std::result::`/`core::result::`): the
/// type `T`.
pub fn result_ok_type(ty: &syn::Type) -> Option<&syn::Type> {
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
pub fn is_unit(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Tuple(t) if t.elems.is_empty())
}

/// Source-like spelling for messages: `HashMap<String, i64>`, `&str`.
pub fn type_to_string(ty: &syn::Type) -> String {
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
