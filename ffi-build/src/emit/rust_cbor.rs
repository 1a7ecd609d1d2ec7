//! The Rust glue of the CBOR ABI: `<lib>_<name>_cbor` for the constructor
//! and every method, and the `<lib>_call_cbor` dispatcher the IPC server
//! uses. Appended inside `mod __ffi_glue` by `emit::rust`. Each function
//! decodes its request map where the native glue lifts C arguments, then
//! goes through the same `Library` calls.

use super::c::names::CNames;
use super::rust::{INDENT, ctor_body, finish, locals, method_body, rust_type};
use super::wire::wire_name;
use crate::ir::{Function, Library, Param};
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
    dispatcher(&mut out, lib, &n);
    out
}

/// Statements that decode the request map into one local per parameter.
fn decode(lib: &Library, params: &[Param], indent: &str) -> String {
    let mut s = format!("{indent}let __ffi_bytes = {C}::glue::request(__ffi_req, __ffi_len)?;\n");
    let locals = locals(params);
    for (p, local) in params.iter().zip(&locals) {
        let _ = writeln!(
            s,
            "{indent}let mut {local}: ::core::option::Option<{}> = ::core::option::Option::None;",
            rust_type(lib, &p.ty)
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
        "{indent}{C}::glue::decode_request(__ffi_bytes, |__ffi_d, __ffi_key| match __ffi_key {{"
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
        "{indent}    _ => ::core::result::Result::Ok(false),\n{indent}}})?;"
    );
    for (p, local) in params.iter().zip(&locals) {
        let _ = writeln!(
            s,
            "{indent}let {local} = {C}::required({local}, {:?})?;",
            wire_name(&p.name)
        );
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
        n.function("create_cbor"),
    );
    finish(out, &ctor_body(f, &decode(lib, &f.params, INDENT)));
}

fn method(out: &mut String, lib: &Library, n: &CNames, f: &Function) {
    out.push_str(SAFETY_DOC);
    let _ = writeln!(
        out,
        "    #[unsafe(no_mangle)]\n    pub unsafe extern \"C\" fn {}(__ffi_ctx: *mut {P}::c_void, __ffi_cb: {P}::FfiCallback, \
         __ffi_ud: *mut {P}::c_void, __ffi_req: *const u8, __ffi_len: usize) -> {P}::c_int {{",
        n.function(&format!("{}_cbor", f.name)),
    );
    let decoded = decode(lib, &f.params, INDENT);
    let body = method_body(f, &decoded, |call| {
        format!("{C}::glue::encode_result({call})")
    });
    finish(out, &body);
}

/// `<lib>_call_cbor`: routes by Rust method name.
fn dispatcher(out: &mut String, lib: &Library, n: &CNames) {
    let _ = writeln!(
        out,
        "    /// # Safety\n    /// `method` is NULL or valid for `method_len` bytes; `req` as for the other CBOR functions.\n    \
         #[unsafe(no_mangle)]\n    pub unsafe extern \"C\" fn {}(__ffi_ctx: *mut {P}::c_void, __ffi_method: *const {P}::c_char, \
         __ffi_method_len: usize, __ffi_cb: {P}::FfiCallback, __ffi_ud: *mut {P}::c_void, __ffi_req: *const u8, \
         __ffi_len: usize) -> {P}::c_int {{\n        \
         // SAFETY: forwarded from the caller.\n        unsafe {{\n            \
         match {C}::glue::method_name(__ffi_method, __ffi_method_len) {{",
        n.function("call_cbor"),
    );
    for m in &lib.methods {
        let _ = writeln!(
            out,
            "                Ok(b{:?}) => {}(__ffi_ctx, __ffi_cb, __ffi_ud, __ffi_req, __ffi_len),",
            m.name,
            n.function(&format!("{}_cbor", m.name))
        );
    }
    out.push_str(&format!(
        "                Ok(__ffi_other) => {C}::glue::unknown_method(__ffi_cb, __ffi_ud, __ffi_other),\n                \
         Err(__ffi_e) => {C}::glue::reject(__ffi_cb, __ffi_ud, &__ffi_e),\n            }}\n        }}\n    }}\n"
    ));
}
