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

/// What a method is called on.
#[derive(Debug, Clone, Copy)]
pub(super) enum Receiver<'a> {
    /// The library type: the context's state.
    State,
    /// An object, by its run-time type index.
    Object(u32, &'a str),
    /// Nothing: a static function.
    Static,
}

/// The arguments of the author's function: objects are passed as `&T`
/// (borrowed from the handle's `Arc`) or as the `Arc<T>` itself.
fn args(params: &[Param]) -> String {
    params
        .iter()
        .zip(crate::emit::rust_names::locals(params))
        .map(|(p, name)| match &p.ty {
            TypeRef::Object { shared: false, .. } => format!("&{name}"),
            _ => name,
        })
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

/// `result` (a `Result<T, String>` expression) with the objects in `T`
/// turned into handles owned by the call's context (`__ffi_exporter`).
pub(super) fn exported(lib: &Library, ty: Option<&TypeRef>, result: &str) -> String {
    let Some(ty) = ty else {
        return result.to_string();
    };
    let index = |name: &str| lib.object_index(name).unwrap_or(u32::MAX);
    let arc = |shared: bool| {
        if shared {
            ""
        } else {
            ".map(::std::sync::Arc::new)"
        }
    };
    match ty {
        TypeRef::Object { name, shared } => {
            let wrap = if *shared {
                "v"
            } else {
                "::std::sync::Arc::new(v)"
            };
            format!(
                "{result}.and_then(|v| __ffi_exporter.export({}, {wrap}))",
                index(name)
            )
        }
        TypeRef::Vec(inner) => match &**inner {
            TypeRef::Object { name, shared } => format!(
                "{result}.and_then(|v| __ffi_exporter.export_vec({}, v.into_iter(){}.collect()))",
                index(name),
                arc(*shared)
            ),
            _ => result.to_string(),
        },
        TypeRef::Option(inner) => match &**inner {
            TypeRef::Object { name, shared } => format!(
                "{result}.and_then(|v| __ffi_exporter.export_option({}, v{}))",
                index(name),
                arc(*shared)
            ),
            _ => result.to_string(),
        },
        TypeRef::Primitive(_)
        | TypeRef::String
        | TypeRef::Bytes
        | TypeRef::Struct(_)
        | TypeRef::Enum(_) => result.to_string(),
    }
}

/// The call of a method's extern function: `prelude` as for
/// [`ctor_body`], `answer` maps the handler's result expression (with its
/// objects exported) to what the caller gets (as is for the native ABI,
/// encoded for CBOR).
pub(super) fn method_body(
    lib: &Library,
    f: &Function,
    receiver: Receiver<'_>,
    prelude: &str,
    answer: impl Fn(&str) -> String,
) -> String {
    let params = args(&f.params);
    let call = |receiver: &str| {
        let sep = if f.params.is_empty() || receiver.is_empty() {
            ""
        } else {
            ", "
        };
        format!("{}({receiver}{sep}{params})", f.rust_path)
    };
    let ret = f.ret.as_ref();
    match (receiver, f.is_async) {
        (Receiver::State, true) => {
            let answer = answer(&exported(
                lib,
                ret,
                &format!("{}.await", call("__ffi_state")),
            ));
            format!(
                "LIBRARY.call_async(__ffi_ctx, __ffi_cb, __ffi_ud, move |__ffi_context| {{\n{prelude}{INDENT}\
                 Ok(async move {{\n                    let __ffi_state = __ffi_context.state().await?;\n                    \
                 let __ffi_exporter = LIBRARY.exporter(&__ffi_context);\n                    \
                 {answer}\n                }})\n            }})"
            )
        }
        (Receiver::State, false) => {
            let answer = answer(&exported(lib, ret, &call("__ffi_state")));
            format!(
                "LIBRARY.call_sync(__ffi_ctx, __ffi_cb, __ffi_ud, move |__ffi_state, __ffi_exporter| {{\n{prelude}{INDENT}{answer}\n            }})"
            )
        }
        (Receiver::Object(index, path), true) => {
            let answer = answer(&exported(
                lib,
                ret,
                &format!("{}.await", call("&__ffi_self")),
            ));
            format!(
                "LIBRARY.object_call_async::<{path}, _, _>({index}, __ffi_handle, __ffi_cb, __ffi_ud, \
                 move |__ffi_self, __ffi_context| {{\n{prelude}{INDENT}\
                 Ok(async move {{\n                    let __ffi_exporter = LIBRARY.exporter(&__ffi_context);\n                    \
                 {answer}\n                }})\n            }})"
            )
        }
        (Receiver::Object(index, path), false) => {
            let answer = answer(&exported(lib, ret, &call("__ffi_self")));
            format!(
                "LIBRARY.object_call_sync::<{path}, _>({index}, __ffi_handle, __ffi_cb, __ffi_ud, \
                 move |__ffi_self, __ffi_exporter| {{\n{prelude}{INDENT}{answer}\n            }})"
            )
        }
        (Receiver::Static, _) => {
            let answer = answer(&call(""));
            format!(
                "LIBRARY.call_static(__ffi_cb, __ffi_ud, move || {{\n{prelude}{INDENT}{answer}\n            }})"
            )
        }
    }
}

/// Closes an extern function around the library call `body`.
pub(super) fn finish(out: &mut String, body: &str) {
    let _ = writeln!(
        out,
        "        // SAFETY: forwarded from the caller.\n        unsafe {{\n            {body}\n        }}\n    }}\n"
    );
}
