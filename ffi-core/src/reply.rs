//! Where a call's answer goes: the caller's callback and user data. A
//! `Reply` is consumed by answering, so each call is answered once.

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

    pub(crate) fn send<R: FfiType>(self, result: Result<R, String>) {
        match result {
            Ok(value) => value.with_message(|ptr, len| {
                // SAFETY: the callback contract of the C ABI.
                unsafe { (self.cb)(RET_OK, ptr, len, self.user_data) }
            }),
            Err(msg) => self.fail(&msg),
        }
    }

    pub(crate) fn fail(self, msg: &str) {
        // SAFETY: the callback contract of the C ABI.
        unsafe { (self.cb)(RET_ERR, msg.as_ptr().cast(), msg.len(), self.user_data) }
    }

    pub(crate) fn ok_empty(self) {
        // SAFETY: the callback contract of the C ABI.
        unsafe { (self.cb)(RET_OK, std::ptr::null(), 0, self.user_data) }
    }
}
