//! Names the generated code uses itself, types the C headers spell, classes
//! and helpers of the C++ and Go runtimes, a sync `bool` result, and doc
//! text that could end or extend a comment.
#![allow(non_snake_case)]
use ffi_core::prelude::*;

/// Ends a C comment */ and opens one /* here.
/// Ends in a backslash \
///
///
#[ffi_library(name = "names")]
pub struct Names {}

/// A C++ `detail` class has this name.
#[ffi_type]
pub struct Inline {
    pub size_t: u8,
    pub uint8_t: Option<u8>,
    ///
    pub detail: String,
}

/// Go's runtime has `liftStr` and `lowerStr`.
#[ffi_type]
pub struct Str {
    pub ffi_arena: Vec<Inline>,
}

#[ffi_ctor]
pub fn make(ctx: u32, cb: u32, user_data: u32) -> Result<Names, String> {
    let _ = (ctx, cb, user_data);
    Ok(Names {})
}

/// A sync `bool` result; parameters named like the glue's own.
#[ffi]
pub fn flag(_s: &Names, __ffi_cb: bool, __ffi_ud: i32, cb: u8) -> Result<bool, String> {
    Ok(__ffi_cb && __ffi_ud > i32::from(cb))
}

/// Parameters named like the C++ wrapper's locals, members, namespaces and
/// types.
#[ffi]
pub async fn later(
    _s: &Names,
    ffi_done: Str,
    std: Vec<String>,
    ctx_: i64,
    detail: Option<Inline>,
    Inline: Inline,
    Error: u8,
) -> Result<Vec<Str>, String> {
    let _ = (std, ctx_, detail, Inline, Error);
    Ok(vec![ffi_done])
}

/// The answer's Go closures are too long for one line.
#[ffi_host]
pub async fn long_answer(key: String) -> Result<Option<Vec<Option<Inline>>>, String>;

#[ffi_event]
pub fn happened(ffi_slot: Str, callbacks_: u8);

/// Keywords of Go, C++ and C as parameter names, raw identifiers included.
#[ffi]
pub fn keywords(
    _s: &Names,
    func: i32,
    range: String,
    default: Option<i64>,
    r#type: u8,
    user_data: bool,
) -> Result<String, String> {
    Ok(format!("{func}{range}{default:?}{}{user_data}", r#type))
}
