//! What the generated `<lib>_<name>_cbor` functions call: reading the
//! request map of parameters, encoding the answer, and rejecting a call the
//! dispatcher cannot route. The calls themselves go through the same
//! `Library` methods as the native ABI, so the callback rule, handle checks
//! and panics behave identically.

use super::session::Session;
use super::{CborType, DecodeError, Decoder, to_vec};
use crate::abi::{FfiCallback, RET_ERR, RET_MISSING_CALLBACK};
use std::ffi::{c_char, c_int, c_void};
use std::sync::Arc;

/// The request bytes of a call.
///
/// # Safety
/// `ptr` must be NULL or valid for `len` bytes for the chosen lifetime.
pub unsafe fn request<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], String> {
    // SAFETY: forwarded from the caller.
    unsafe { crate::raw_slice(ptr, len) }.map_err(|e| format!("invalid request: {e}"))
}

/// Reads a request: a map from parameter wire name to value, calling
/// `param` for each key (see [`Decoder::map_entries`]). A method without
/// parameters also accepts an empty request or `null`.
pub fn decode_request(
    bytes: &[u8],
    param: impl FnMut(&mut Decoder<'_>, &str) -> Result<bool, DecodeError>,
) -> Result<(), DecodeError> {
    let mut d = Decoder::new(bytes);
    if d.at_end() || d.null() {
        return d.finish();
    }
    d.map_entries(param)?;
    d.finish()
}

/// The `RET_OK` answer: the CBOR encoding of the result, with object ids
/// of `session` (see [`super::session`]).
pub fn encode_result<T: CborType>(
    session: &Option<Arc<Session>>,
    result: Result<T, String>,
) -> Result<Vec<u8>, String> {
    result.map(|v| super::session::scoped(session, || to_vec(&v)))
}

/// The method name passed to `<lib>_call_cbor`.
///
/// # Safety
/// `ptr` must be NULL or valid for `len` bytes.
pub unsafe fn method_name<'a>(ptr: *const c_char, len: usize) -> Result<&'a [u8], String> {
    // SAFETY: forwarded from the caller.
    unsafe { crate::raw_slice(ptr.cast::<u8>(), len) }
        .map_err(|e| format!("invalid method name: {e}"))
}

/// Answers a call that cannot be made with `msg`.
///
/// # Safety
/// `cb` and `ud` follow the C ABI's callback contract.
pub unsafe fn reject(cb: FfiCallback, ud: *mut c_void, msg: &str) -> c_int {
    let Some(cb) = cb else {
        return RET_MISSING_CALLBACK;
    };
    // SAFETY: the callback contract of the C ABI.
    unsafe { cb(RET_ERR, msg.as_ptr().cast(), msg.len(), ud) };
    RET_ERR
}

/// Answers a call to a method the library does not have.
///
/// # Safety
/// `cb` and `ud` follow the C ABI's callback contract.
pub unsafe fn unknown_method(cb: FfiCallback, ud: *mut c_void, name: &[u8]) -> c_int {
    let msg = format!("unknown method '{}'", String::from_utf8_lossy(name));
    // SAFETY: forwarded from the caller.
    unsafe { reject(cb, ud, &msg) }
}

/// The `"self"` of an object method's request: the receiver's id.
///
/// # Safety
/// `req` must be NULL or valid for `len` bytes.
unsafe fn receiver_id(req: *const u8, len: usize) -> Result<u64, String> {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { request(req, len) }?;
    let mut id: Option<u64> = None;
    decode_request(bytes, |d, key| {
        if key != "self" {
            return Ok(false);
        }
        id = Some(super::field(d, "self")?);
        Ok(true)
    })
    .map_err(|e| e.to_string())?;
    super::required(id, "self").map_err(|e| e.to_string())
}

/// The receiver's handle: `"self"` looked up in `session`.
///
/// # Safety
/// `req` must be NULL or valid for `len` bytes.
pub unsafe fn receiver(
    session: &Option<Arc<Session>>,
    req: *const u8,
    len: usize,
) -> Result<*mut c_void, String> {
    // SAFETY: forwarded from the caller.
    let id = unsafe { receiver_id(req, len) }?;
    Ok(super::session::scoped(session, || {
        super::session::handle_of(id)
    }))
}

/// `Type.close` with `{"self": id}`: answers `null`, or an error for a
/// handle that is not live.
///
/// # Safety
/// `cb` and `ud` follow the C ABI's callback contract; `req` as for
/// [`receiver`].
pub unsafe fn close(
    session: &Option<Arc<Session>>,
    cb: FfiCallback,
    ud: *mut c_void,
    req: *const u8,
    len: usize,
    free: impl FnOnce(*mut c_void) -> c_int,
) -> c_int {
    let Some(cb_fn) = cb else {
        return RET_MISSING_CALLBACK;
    };
    // SAFETY: forwarded from the caller.
    let id = match unsafe { receiver_id(req, len) } {
        Ok(id) => id,
        // SAFETY: forwarded from the caller.
        Err(e) => return unsafe { reject(cb, ud, &e) },
    };
    let handle = super::session::scoped(session, || super::session::handle_of(id));
    if free(handle) != crate::abi::RET_OK {
        // SAFETY: forwarded from the caller.
        return unsafe {
            reject(
                cb,
                ud,
                "invalid object id (never created, or already closed)",
            )
        };
    }
    let null = to_vec(&());
    // SAFETY: the callback contract of the C ABI.
    unsafe { cb_fn(crate::abi::RET_OK, null.as_ptr().cast(), null.len(), ud) };
    crate::abi::RET_OK
}
