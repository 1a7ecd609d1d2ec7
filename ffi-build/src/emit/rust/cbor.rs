//! The Rust glue of the CBOR ABI: `<lib>_<name>_cbor` for the constructor
//! and every method, and the `<lib>_call_cbor` dispatcher the IPC server
//! uses. Appended inside `mod __ffi_glue` by `emit::rust`. Each function
//! decodes its request map where the native glue lifts C arguments, then
//! goes through the same `Library` calls.

use super::shell::{INDENT, Receiver, ctor_body, finish, method_body, rust_type};
use crate::emit::c::names::CNames;
use crate::emit::rust_names::locals;
use crate::emit::wire::wire_name;
use crate::ir::{Function, Library, Object, Param, TypeRef};
use std::fmt::Write;

const P: &str = "::ffi_core::__private";
const C: &str = "::ffi_core::cbor";

const SAFETY_DOC: &str = "    /// # Safety\n    /// Follows the contract in the generated CBOR header: `req` is NULL or \
valid for `len` bytes for the duration of the call.\n";

pub(crate) fn glue(lib: &Library) -> String {
    let n = CNames::new(&lib.name);
    let mut out = String::from("    // ---- CBOR ABI ----\n\n");
    ctor(&mut out, lib, &n);
    for m in &lib.methods {
        method(&mut out, lib, &n, m);
    }
    for (index, o) in lib.objects.iter().enumerate() {
        let index = u32::try_from(index).expect("fewer than 2^32 object types");
        for m in &o.methods {
            object_method(&mut out, lib, &n, o, index, m);
        }
    }
    for f in &lib.statics {
        static_fn(&mut out, lib, &n, f);
    }
    dispatcher(&mut out, lib, &n);
    out
}

/// The Rust type a parameter is decoded as: an object as its id.
fn wire_type(lib: &Library, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Object { .. } => format!("{P}::ObjectHandle"),
        ty => rust_type(lib, ty),
    }
}

/// Statements that decode the request map into one local per parameter
/// (named by [`locals`]).
fn decode(lib: &Library, params: &[Param], indent: &str) -> String {
    let mut s = format!("{indent}let __ffi_bytes = {C}::glue::request(__ffi_req, __ffi_len)?;\n");
    let locals = locals(params);
    for (p, local) in params.iter().zip(&locals) {
        let _ = writeln!(
            s,
            "{indent}let mut {local}: ::core::option::Option<{}> = ::core::option::Option::None;",
            wire_type(lib, &p.ty)
        );
    }
    if params.is_empty() {
        let _ = writeln!(
            s,
            "{indent}{C}::glue::decode_request(__ffi_bytes, |_, _| ::core::result::Result::Ok(false))?;"
        );
        return s;
    }
    let _ = writeln!(
        s,
        "{indent}{C}::session::scoped(&__ffi_session, || {C}::glue::decode_request(__ffi_bytes, |__ffi_d, __ffi_key| match __ffi_key {{"
    );
    for (p, local) in params.iter().zip(&locals) {
        let w = wire_name(&p.name);
        let _ = writeln!(
            s,
            "{indent}    {w:?} => {{\n{indent}        {local} = ::core::option::Option::Some({C}::field(__ffi_d, {w:?})?);\n\
             {indent}        ::core::result::Result::Ok(true)\n{indent}    }}"
        );
    }
    let _ = writeln!(
        s,
        "{indent}    _ => ::core::result::Result::Ok(false),\n{indent}}}))?;"
    );
    for (p, local) in params.iter().zip(&locals) {
        let _ = writeln!(
            s,
            "{indent}let {local} = {C}::required({local}, {:?})?;",
            wire_name(&p.name)
        );
        if let TypeRef::Object { name, .. } = &p.ty {
            let _ = writeln!(
                s,
                "{indent}let {local} = LIBRARY.object_arg::<{}>({}, {local}.0, {:?})?;",
                lib.object(name)
                    .map_or(name.as_str(), |o| o.rust_path.as_str()),
                lib.object_index(name).unwrap_or(u32::MAX),
                wire_name(&p.name)
            );
        }
    }
    s
}

fn ctor(out: &mut String, lib: &Library, n: &CNames) {
    let f = &lib.ctor;
    out.push_str(SAFETY_DOC);
    let _ = writeln!(
        out,
        "    #[unsafe(no_mangle)]\n    pub unsafe extern \"C\" fn {}(__ffi_cb: {P}::FfiCallback, __ffi_ud: *mut {P}::c_void, \
         __ffi_req: *const u8, __ffi_len: usize) -> *mut {P}::c_void {{",
        n.sym.lifecycle(crate::ir::Lifecycle::CreateCbor),
    );
    // A constructor takes and returns no objects: no session.
    let prelude = format!(
        "{INDENT}let __ffi_session: ::core::option::Option<{P}::Arc<{C}::session::Session>> = \
         ::core::option::Option::None;\n{}",
        decode(lib, &f.params, INDENT)
    );
    finish(out, &ctor_body(f, &prelude));
}

fn method(out: &mut String, lib: &Library, n: &CNames, f: &Function) {
    let decoded = decode(lib, &f.params, INDENT);
    let body = method_body(lib, f, Receiver::State, &decoded, encode);
    with_session(
        out,
        &n.sym.method_cbor(&f.name),
        METHOD_PARAMS,
        METHOD_ARGS,
        &body,
    );
}

fn encode(call: &str) -> String {
    format!("{C}::glue::encode_result(&__ffi_session, {call})")
}

/// The exported CBOR function `name` with `params` (C ABI), and the internal
/// one with the same body that also takes the peer's session; the exported
/// one has none (ids are handles' bits, as for the in-process CBOR ABI).
fn with_session(out: &mut String, name: &str, params: &str, args: &str, body: &str) {
    out.push_str(SAFETY_DOC);
    let _ = writeln!(
        out,
        "    #[unsafe(no_mangle)]\n    pub unsafe extern \"C\" fn {name}({params}) -> {P}::c_int {{\n        \
         // SAFETY: forwarded from the caller.\n        unsafe {{ __ffi_in_{name}(::core::option::Option::None, {args}) }}\n    }}\n"
    );
    let _ = writeln!(
        out,
        "    #[allow(non_snake_case)]\n    unsafe fn __ffi_in_{name}(__ffi_session: ::core::option::Option<{P}::Arc<{C}::session::Session>>, {params}) -> {P}::c_int {{"
    );
    finish(out, body);
}

const METHOD_PARAMS: &str = "__ffi_ctx: *mut ::ffi_core::__private::c_void, __ffi_cb: ::ffi_core::__private::FfiCallback, \
    __ffi_ud: *mut ::ffi_core::__private::c_void, __ffi_req: *const u8, __ffi_len: usize";
const METHOD_ARGS: &str = "__ffi_ctx, __ffi_cb, __ffi_ud, __ffi_req, __ffi_len";
const FREE_PARAMS: &str = "__ffi_cb: ::ffi_core::__private::FfiCallback, \
    __ffi_ud: *mut ::ffi_core::__private::c_void, __ffi_req: *const u8, __ffi_len: usize";
const FREE_ARGS: &str = "__ffi_cb, __ffi_ud, __ffi_req, __ffi_len";

/// `<lib>_<type>_<method>_cbor(cb, ud, req, len)`: the receiver's id is
/// the request's `"self"`.
fn object_method(
    out: &mut String,
    lib: &Library,
    n: &CNames,
    o: &Object,
    index: u32,
    f: &Function,
) {
    let decoded = decode(lib, &f.params, INDENT);
    let body = method_body(
        lib,
        f,
        Receiver::Object(index, &o.rust_path),
        &decoded,
        encode,
    );
    let body = format!("{}\n            {body}", receiver());
    let name = n.sym.object_method_cbor(&o.name, &f.name);
    with_session(out, &name, FREE_PARAMS, FREE_ARGS, &body);
}

/// `__ffi_handle`: the request's `"self"`, or the call is answered with
/// the error.
fn receiver() -> String {
    format!(
        "let __ffi_handle = match {C}::glue::receiver(&__ffi_session, __ffi_req, __ffi_len) {{\n                \
         ::core::result::Result::Ok(__ffi_h) => __ffi_h,\n                \
         ::core::result::Result::Err(__ffi_e) => return {C}::glue::reject(__ffi_cb, __ffi_ud, &__ffi_e),\n            }};"
    )
}

/// `<lib>_<fn>_cbor(cb, ud, req, len)`: a static function.
fn static_fn(out: &mut String, lib: &Library, n: &CNames, f: &Function) {
    let decoded = decode(lib, &f.params, INDENT);
    let body = method_body(lib, f, Receiver::Static, &decoded, encode);
    with_session(
        out,
        &n.sym.method_cbor(&f.name),
        FREE_PARAMS,
        FREE_ARGS,
        &body,
    );
}

/// `<lib>_call_cbor` (no session) and `<lib>_call_cbor_in` (a peer's
/// session, from `<lib>_cbor_session_new`): route by Rust method name,
/// `Type.method` or `Type.close`.
fn dispatcher(out: &mut String, lib: &Library, n: &CNames) {
    use crate::ir::Lifecycle;
    let params = format!(
        "__ffi_ctx: *mut {P}::c_void, __ffi_method: *const {P}::c_char, __ffi_method_len: usize, \
         __ffi_cb: {P}::FfiCallback, __ffi_ud: *mut {P}::c_void, __ffi_req: *const u8, __ffi_len: usize"
    );
    let args =
        "__ffi_ctx, __ffi_method, __ffi_method_len, __ffi_cb, __ffi_ud, __ffi_req, __ffi_len";
    let _ = writeln!(
        out,
        "    /// # Safety\n    /// `method` is NULL or valid for `method_len` bytes; `req` as for the other CBOR functions.\n    \
         #[unsafe(no_mangle)]\n    pub unsafe extern \"C\" fn {}({params}) -> {P}::c_int {{\n        \
         // SAFETY: forwarded from the caller.\n        unsafe {{ __ffi_dispatch(::core::option::Option::None, {args}) }}\n    }}\n",
        n.sym.lifecycle(Lifecycle::CallCbor),
    );
    let _ = writeln!(
        out,
        "    /// # Safety\n    /// As for the dispatcher without a session.\n    \
         #[unsafe(no_mangle)]\n    pub unsafe extern \"C\" fn {}(__ffi_s: *mut {P}::c_void, {params}) -> {P}::c_int {{\n        \
         match LIBRARY.session(__ffi_s) {{\n            \
         // SAFETY: forwarded from the caller.\n            \
         ::core::option::Option::Some(__ffi_session) => unsafe {{ __ffi_dispatch(::core::option::Option::Some(__ffi_session), {args}) }},\n            \
         // SAFETY: forwarded from the caller.\n            \
         ::core::option::Option::None => unsafe {{ {C}::glue::reject(__ffi_cb, __ffi_ud, \"invalid CBOR session\") }},\n        \
         }}\n    }}\n",
        n.sym.lifecycle(Lifecycle::CallCborIn),
    );
    let _ = writeln!(
        out,
        "    #[unsafe(no_mangle)]\n    pub extern \"C\" fn {}() -> *mut {P}::c_void {{\n        LIBRARY.session_new()\n    }}\n\n    \
         #[unsafe(no_mangle)]\n    pub extern \"C\" fn {}(__ffi_s: *mut {P}::c_void) -> {P}::c_int {{\n        LIBRARY.session_free(__ffi_s)\n    }}\n",
        n.sym.lifecycle(Lifecycle::CborSessionNew),
        n.sym.lifecycle(Lifecycle::CborSessionFree),
    );
    let _ = writeln!(
        out,
        "    unsafe fn __ffi_dispatch(__ffi_session: ::core::option::Option<{P}::Arc<{C}::session::Session>>, {params}) -> {P}::c_int {{\n        \
         // SAFETY: forwarded from the caller.\n        unsafe {{\n            \
         match {C}::glue::method_name(__ffi_method, __ffi_method_len) {{"
    );
    for m in &lib.methods {
        let _ = writeln!(
            out,
            "                Ok(b{:?}) => __ffi_in_{}(__ffi_session, __ffi_ctx, __ffi_cb, __ffi_ud, __ffi_req, __ffi_len),",
            m.name,
            n.sym.method_cbor(&m.name)
        );
    }
    for f in &lib.statics {
        let _ = writeln!(
            out,
            "                Ok(b{:?}) => __ffi_in_{}(__ffi_session, __ffi_cb, __ffi_ud, __ffi_req, __ffi_len),",
            f.name,
            n.sym.method_cbor(&f.name)
        );
    }
    for (index, o) in lib.objects.iter().enumerate() {
        for m in &o.methods {
            let _ = writeln!(
                out,
                "                Ok(b\"{}.{}\") => __ffi_in_{}(__ffi_session, __ffi_cb, __ffi_ud, __ffi_req, __ffi_len),",
                o.name,
                m.name,
                n.sym.object_method_cbor(&o.name, &m.name)
            );
        }
        let _ = writeln!(
            out,
            "                Ok(b\"{}.close\") => {C}::glue::close(&__ffi_session, __ffi_cb, __ffi_ud, __ffi_req, __ffi_len, \
             |__ffi_h| LIBRARY.free_object({index}, __ffi_h)),",
            o.name
        );
    }
    out.push_str(&format!(
        "                Ok(__ffi_other) => {C}::glue::unknown_method(__ffi_cb, __ffi_ud, __ffi_other),\n                \
         Err(__ffi_e) => {C}::glue::reject(__ffi_cb, __ffi_ud, &__ffi_e),\n            }}\n        }}\n    }}\n"
    ));
}
