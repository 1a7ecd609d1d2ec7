//! What the native and the CBOR extern functions share: the body that hands
//! a call to `ffi_core`'s `Library`, given statements that produce the
//! arguments.

use crate::ir::{Function, Library, Param, TypeDef, TypeRef};
use std::fmt::Write;

/// The Rust spelling of an interface type, with absolute paths.
pub(super) fn rust_type(lib: &Library, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(p) => p.rust_name().to_string(),
        TypeRef::String => "::std::string::String".into(),
        TypeRef::Bytes => "::std::vec::Vec<u8>".into(),
        TypeRef::Vec(inner) => format!("::std::vec::Vec<{}>", rust_type(lib, inner)),
        TypeRef::Option(inner) => format!("::core::option::Option<{}>", rust_type(lib, inner)),
        TypeRef::Struct(name) | TypeRef::Enum(name) => match lib.type_def(name) {
            Some(TypeDef::Struct(s)) => s.rust_path.clone(),
            Some(TypeDef::Enum(e)) => e.rust_path.clone(),
            None => name.clone(),
        },
        TypeRef::Object { name, shared } => {
            let path = lib
                .object(name)
                .map_or(name.as_str(), |o| o.rust_path.as_str());
            if *shared {
                format!("::std::sync::Arc<{path}>")
            } else {
                path.to_string()
            }
        }
    }
}

fn args(params: &[Param]) -> String {
    params
        .iter()
        .map(|p| crate::emit::rust_names::ident(&p.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Indentation of the statements inside a call's closure.
pub(super) const INDENT: &str = "                ";

/// The call of a constructor's extern function; `prelude` turns the
/// foreign arguments into Rust values of the parameters' names.
pub(super) fn ctor_body(f: &Function, prelude: &str) -> String {
    let call = format!("{}({})", f.rust_path, args(&f.params));
    if f.is_async {
        format!(
            "LIBRARY.create_async(__ffi_cb, __ffi_ud, move || {{\n{prelude}{INDENT}\
             Ok(async move {{ {call}.await }})\n            }})"
        )
    } else {
        format!(
            "LIBRARY.create_sync(__ffi_cb, __ffi_ud, move || {{\n{prelude}{INDENT}{call}\n            }})"
        )
    }
}

/// The call of a method's extern function: `prelude` as for
/// [`ctor_body`], `answer` maps the handler's result expression to what
/// the caller gets (as is for the native ABI, encoded for CBOR).
pub(super) fn method_body(f: &Function, prelude: &str, answer: impl Fn(&str) -> String) -> String {
    let sep = if f.params.is_empty() { "" } else { ", " };
    let call = format!("{}(__ffi_state{sep}{})", f.rust_path, args(&f.params));
    if f.is_async {
        let answer = answer(&format!("{call}.await"));
        format!(
            "LIBRARY.call_async(__ffi_ctx, __ffi_cb, __ffi_ud, move |__ffi_context| {{\n{prelude}{INDENT}\
             Ok(async move {{\n                    let __ffi_state = __ffi_context.state().await?;\n                    \
             {answer}\n                }})\n            }})"
        )
    } else {
        let answer = answer(&call);
        format!(
            "LIBRARY.call_sync(__ffi_ctx, __ffi_cb, __ffi_ud, move |__ffi_state| {{\n{prelude}{INDENT}{answer}\n            }})"
        )
    }
}

/// Closes an extern function around the library call `body`.
pub(super) fn finish(out: &mut String, body: &str) {
    let _ = writeln!(
        out,
        "        // SAFETY: forwarded from the caller.\n        unsafe {{\n            {body}\n        }}\n    }}\n"
    );
}
