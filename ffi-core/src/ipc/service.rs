//! One context of a library, driven through its CBOR ABI from safe Rust.

use crate::abi::{FfiCallback, RET_ERR, RET_OK};
use std::ffi::{c_char, c_int, c_void};
use std::sync::mpsc;

/// The extern "C" functions of a library's CBOR ABI (see `<lib>_cbor.h`).
/// Build it with [`crate::cbor_abi!`].
#[derive(Clone, Copy)]
pub struct CborAbi {
    /// `<lib>_create_cbor`.
    pub create: unsafe extern "C" fn(FfiCallback, *mut c_void, *const u8, usize) -> *mut c_void,
    /// `<lib>_call_cbor`.
    pub call: unsafe extern "C" fn(
        *mut c_void,
        *const c_char,
        usize,
        FfiCallback,
        *mut c_void,
        *const u8,
        usize,
    ) -> c_int,
    /// `<lib>_destroy`.
    pub destroy: unsafe extern "C" fn(*mut c_void) -> c_int,
    /// `<lib>_cancel`, which `$cancel` needs (without it `$cancel` only
    /// discards the answer).
    pub cancel: Option<unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int>,
    /// `<lib>_interface_fingerprint`, when the library exports it (SPEC
    /// section 14): the hello checks the client's against it.
    pub fingerprint: Option<unsafe extern "C" fn() -> *const c_char>,
    /// The library's name (`my_timer`), told to version 2 clients.
    pub library: &'static str,
    /// `<lib>_cbor_session_new`, `<lib>_cbor_session_free` and
    /// `<lib>_call_cbor_in`: object ids scoped to each connection, whose
    /// objects are closed when it ends (SPEC section 8). Without them ids
    /// are the handles' bits, valid in the whole process.
    pub sessions: Option<CborSessions>,
}

/// See [`CborAbi::sessions`].
#[derive(Clone, Copy)]
pub struct CborSessions {
    pub new: unsafe extern "C" fn() -> *mut c_void,
    pub free: unsafe extern "C" fn(*mut c_void) -> c_int,
    #[allow(clippy::type_complexity)]
    pub call_in: unsafe extern "C" fn(
        *mut c_void,
        *mut c_void,
        *const c_char,
        usize,
        FfiCallback,
        *mut c_void,
        *const u8,
        usize,
    ) -> c_int,
}

type Done = Box<dyn FnOnce(c_int, Vec<u8>) + Send>;

/// A live context. Calls may come from any thread; dropping it destroys
/// the context (pending calls are answered with an error first).
pub struct Service {
    abi: CborAbi,
    ctx: *mut c_void,
}

// SAFETY: `ctx` is an opaque handle that the library validates on every
// call; the C ABI may be called from any thread.
unsafe impl Send for Service {}
// SAFETY: as above; `Service` has no interior state of its own.
unsafe impl Sync for Service {}

/// The C callback behind [`Service::call_with`]: `ud` is a leaked `Done`.
unsafe extern "C" fn answer(ret: c_int, msg: *const c_char, len: usize, ud: *mut c_void) {
    // SAFETY: `ud` came from `Box::into_raw` and the library calls each
    // callback exactly once.
    let done = unsafe { Box::from_raw(ud.cast::<Done>()) };
    // SAFETY: `msg` is valid for `len` bytes during the callback.
    let body = unsafe { crate::raw_slice(msg.cast::<u8>(), len) }
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    done(ret, body);
}

fn leak(done: impl FnOnce(c_int, Vec<u8>) + Send + 'static) -> *mut c_void {
    let done: Done = Box::new(done);
    Box::into_raw(Box::new(done)).cast()
}

impl Service {
    /// Creates a context with `<lib>_create_cbor`, `request` being the
    /// constructor's CBOR request map; waits for the constructor.
    pub fn create(abi: CborAbi, request: &[u8]) -> Result<Service, String> {
        let (tx, rx) = mpsc::sync_channel(1);
        let ud = leak(move |ret, body| {
            let _ = tx.send((ret, body));
        });
        // SAFETY: `answer` and `ud` follow the callback contract; `request`
        // outlives the call.
        let ctx = unsafe { (abi.create)(Some(answer), ud, request.as_ptr(), request.len()) };
        let (ret, body) = rx
            .recv()
            .map_err(|_| "the constructor never answered".to_string())?;
        let service = Service { abi, ctx };
        if ret == RET_OK && !ctx.is_null() {
            Ok(service)
        } else {
            // Dropping `service` destroys whatever half-made context exists.
            Err(String::from_utf8_lossy(&body).into_owned())
        }
    }

    /// Calls `method` (the Rust name) with a CBOR request; `done` gets the
    /// return code and the answer (CBOR on `RET_OK`, text on `RET_ERR`),
    /// possibly on another thread, possibly before this returns.
    pub fn call_with(
        &self,
        method: &str,
        request: &[u8],
        done: impl FnOnce(c_int, Vec<u8>) + Send + 'static,
    ) {
        let ud = leak(done);
        // SAFETY: all pointers are valid for the call; the callback
        // contract guarantees `answer` runs exactly once.
        unsafe {
            (self.abi.call)(
                self.ctx,
                method.as_ptr().cast(),
                method.len(),
                Some(answer),
                ud,
                request.as_ptr(),
                request.len(),
            );
        }
    }

    /// [`Service::call_with`] with the C callback itself: no allocation
    /// here, `cb(ret, msg, len, ud)` gets the answer.
    ///
    /// # Safety
    /// `cb` and `ud` follow the C ABI's callback contract (called exactly
    /// once, possibly before this returns, possibly on another thread).
    pub(crate) unsafe fn call_raw(
        &self,
        session: *mut c_void,
        method: &[u8],
        request: &[u8],
        cb: FfiCallback,
        ud: *mut c_void,
    ) {
        // SAFETY: all pointers are valid for the call; the rest is the
        // caller's promise.
        unsafe {
            match self.abi.sessions {
                Some(s) if !session.is_null() => (s.call_in)(
                    session,
                    self.ctx,
                    method.as_ptr().cast(),
                    method.len(),
                    cb,
                    ud,
                    request.as_ptr(),
                    request.len(),
                ),
                _ => (self.abi.call)(
                    self.ctx,
                    method.as_ptr().cast(),
                    method.len(),
                    cb,
                    ud,
                    request.as_ptr(),
                    request.len(),
                ),
            };
        }
    }

    /// A new session for one connection's object ids (NULL without
    /// sessions).
    pub(crate) fn session_new(&self) -> *mut c_void {
        match self.abi.sessions {
            // SAFETY: a plain constructor of the library.
            Some(s) => unsafe { (s.new)() },
            None => std::ptr::null_mut(),
        }
    }

    /// Ends a connection's session: the library closes its objects.
    pub(crate) fn session_free(&self, session: *mut c_void) {
        if let (Some(s), false) = (self.abi.sessions, session.is_null()) {
            // SAFETY: a handle from `session_new`, freed once.
            unsafe { (s.free)(session) };
        }
    }

    /// Cancels the async calls made with `ud` (`<lib>_cancel`): each is
    /// answered `call cancelled` and its future dropped. False when the
    /// library has no cancel function.
    pub(crate) fn cancel(&self, ud: *mut c_void) -> bool {
        match self.abi.cancel {
            // SAFETY: `ctx` came from `create`; `ud` is only compared.
            Some(cancel) => unsafe { cancel(self.ctx, ud) == RET_OK },
            None => false,
        }
    }

    /// The library's interface fingerprint, if it exports one.
    pub fn fingerprint(&self) -> Option<String> {
        let f = self.abi.fingerprint?;
        // SAFETY: the function returns a static NUL-terminated string (or
        // NULL).
        let p = unsafe { f() };
        if p.is_null() {
            return None;
        }
        // SAFETY: as above.
        let s = unsafe { std::ffi::CStr::from_ptr(p) };
        Some(s.to_string_lossy().into_owned())
    }

    /// The library's name.
    pub fn library(&self) -> &str {
        self.abi.library
    }

    /// [`Service::call_with`], waiting for the answer.
    pub fn call(&self, method: &str, request: &[u8]) -> (c_int, Vec<u8>) {
        let (tx, rx) = mpsc::sync_channel(1);
        self.call_with(method, request, move |ret, body| {
            let _ = tx.send((ret, body));
        });
        rx.recv()
            .unwrap_or((RET_ERR, b"the call was never answered".to_vec()))
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if !self.ctx.is_null() {
            // SAFETY: the handle came from `create`; a stale one is harmless.
            unsafe { (self.abi.destroy)(self.ctx) };
        }
    }
}
