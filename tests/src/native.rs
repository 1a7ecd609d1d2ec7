//! The fixture's native C ABI, declared for Rust tests that drive it the
//! way a C program would (the `fixture` rlib provides the symbols).

use std::ffi::{c_char, c_int, c_void};

pub type Callback = Option<unsafe extern "C" fn(c_int, *const c_char, usize, *mut c_void)>;
pub type HostFn = Option<unsafe extern "C" fn(u64, *const c_char, usize, *mut c_void)>;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct FfiStr {
    pub ptr: *const c_char,
    pub len: usize,
}

impl FfiStr {
    pub fn new(s: &str) -> Self {
        FfiStr {
            ptr: s.as_ptr().cast(),
            len: s.len(),
        }
    }
}

pub const RET_OK: c_int = 0;
pub const RET_ERR: c_int = 1;

unsafe extern "C" {
    pub fn fixture_create(cb: Callback, ud: *mut c_void, label: FfiStr) -> *mut c_void;
    pub fn fixture_destroy(ctx: *mut c_void) -> c_int;
    pub fn fixture_nothing(ctx: *mut c_void, cb: Callback, ud: *mut c_void) -> c_int;
    pub fn fixture_nothing_async(ctx: *mut c_void, cb: Callback, ud: *mut c_void) -> c_int;
    pub fn fixture_calls(ctx: *mut c_void, cb: Callback, ud: *mut c_void) -> c_int;
    pub fn fixture_sleep_ms(ctx: *mut c_void, cb: Callback, ud: *mut c_void, ms: u64) -> c_int;
    pub fn fixture_call_host_notify(
        ctx: *mut c_void,
        cb: Callback,
        ud: *mut c_void,
        n: i64,
    ) -> c_int;
    pub fn fixture_fire_ticks(
        ctx: *mut c_void,
        cb: Callback,
        ud: *mut c_void,
        source: u32,
        count: u64,
    ) -> c_int;
    pub fn fixture_register_host_fn(
        ctx: *mut c_void,
        name: *const c_char,
        f: HostFn,
        ud: *mut c_void,
    ) -> c_int;
    pub fn fixture_host_complete(
        ctx: *mut c_void,
        id: u64,
        ret: c_int,
        msg: *const c_char,
        len: usize,
    ) -> c_int;
    pub fn fixture_add_event_listener(
        ctx: *mut c_void,
        event: *const c_char,
        cb: Callback,
        ud: *mut c_void,
    ) -> u64;
    pub fn fixture_remove_event_listener(ctx: *mut c_void, id: u64) -> c_int;
}

/// Makes sure the fixture rlib is linked into the test binary.
pub fn link() {
    let _ = fixture::Color::Red;
}
