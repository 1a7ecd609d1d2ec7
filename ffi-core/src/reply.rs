//! Where a call's answer goes: the caller's callback and user data. A
//! `Reply` is consumed by answering, so each call is answered once; one
//! dropped without an answer (a path that forgot it) still answers, with an
//! error, so no callback is ever lost.

use crate::FfiType;
use crate::abi::{RET_ERR, RET_OK};
use std::ffi::{c_char, c_int, c_void};

type Callback = unsafe extern "C" fn(c_int, *const c_char, usize, *mut c_void);

pub(crate) struct Reply {
    cb: Callback,
    user_data: *mut c_void,
}

// SAFETY: the user data is an opaque token handed back to the caller's
// callback; the C ABI contract makes the callback callable from any thread.
unsafe impl Send for Reply {}

impl Reply {
    pub(crate) fn new(cb: Callback, user_data: *mut c_void) -> Self {
        Reply { cb, user_data }
    }

    pub(crate) fn user_data(&self) -> usize {
        self.user_data as usize
    }

    /// Takes the callback out; `Drop` then has nothing left to do.
    fn take(self) -> (Callback, *mut c_void) {
        let parts = (self.cb, self.user_data);
        std::mem::forget(self);
        parts
    }

    pub(crate) fn send<R: FfiType>(self, result: Result<R, String>) {
        match result {
            Ok(value) => {
                let (cb, ud) = self.take();
                // SAFETY: the callback contract of the C ABI.
                value.with_message(|ptr, len| unsafe { cb(RET_OK, ptr, len, ud) })
            }
            Err(msg) => self.fail(&msg),
        }
    }

    pub(crate) fn fail(self, msg: &str) {
        let (cb, ud) = self.take();
        // SAFETY: the callback contract of the C ABI.
        unsafe { cb(RET_ERR, msg.as_ptr().cast(), msg.len(), ud) }
    }

    pub(crate) fn ok_empty(self) {
        let (cb, ud) = self.take();
        // SAFETY: the callback contract of the C ABI.
        unsafe { cb(RET_OK, std::ptr::null(), 0, ud) }
    }
}

impl Drop for Reply {
    fn drop(&mut self) {
        let msg = "call dropped without an answer";
        // SAFETY: the callback contract of the C ABI.
        unsafe { (self.cb)(RET_ERR, msg.as_ptr().cast(), msg.len(), self.user_data) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI32, Ordering};

    unsafe extern "C" fn record(ret: c_int, _: *const c_char, _: usize, ud: *mut c_void) {
        // SAFETY: the tests pass an `AtomicI32` that outlives the reply.
        let seen = unsafe { &*(ud as *const AtomicI32) };
        seen.fetch_add(10 + ret, Ordering::SeqCst);
    }

    fn reply(seen: &AtomicI32) -> Reply {
        Reply::new(record, seen as *const AtomicI32 as *mut c_void)
    }

    #[test]
    fn every_reply_answers_exactly_once() {
        let sent = AtomicI32::new(0);
        reply(&sent).send(Ok::<u32, String>(7));
        assert_eq!(sent.load(Ordering::SeqCst), 10 + RET_OK);
        let failed = AtomicI32::new(0);
        reply(&failed).fail("no");
        assert_eq!(failed.load(Ordering::SeqCst), 10 + RET_ERR);
        let dropped = AtomicI32::new(0);
        drop(reply(&dropped));
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            10 + RET_ERR,
            "a forgotten reply still answers"
        );
    }
}
