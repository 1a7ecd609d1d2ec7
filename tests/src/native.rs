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

/// `FFIBytes`: bytes; `ptr` may be NULL when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FfiBytes {
    pub ptr: *const u8,
    pub len: usize,
}

impl FfiBytes {
    pub fn new(b: &[u8]) -> Self {
        FfiBytes {
            ptr: b.as_ptr(),
            len: b.len(),
        }
    }
}

/// `fixture_Leaf`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct FfiLeaf {
    pub label: FfiStr,
    pub data: FfiBytes,
    pub color: i32,
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
    pub fn fixture_cancel(ctx: *mut c_void, ud: *mut c_void) -> c_int;
    pub fn fixture_call_host_bytes(
        ctx: *mut c_void,
        cb: Callback,
        ud: *mut c_void,
        data: FfiBytes,
    ) -> c_int;
    pub fn fixture_call_host_lookup(
        ctx: *mut c_void,
        cb: Callback,
        ud: *mut c_void,
        key: FfiStr,
        leaf: FfiLeaf,
    ) -> c_int;
    pub fn fixture_call_host_now(ctx: *mut c_void, cb: Callback, ud: *mut c_void) -> c_int;
    pub fn fixture_create_cbor(
        cb: Callback,
        ud: *mut c_void,
        req: *const u8,
        len: usize,
    ) -> *mut c_void;
    pub fn fixture_call_cbor(
        ctx: *mut c_void,
        method: *const c_char,
        method_len: usize,
        cb: Callback,
        ud: *mut c_void,
        req: *const u8,
        len: usize,
    ) -> c_int;
    pub fn fixture_echo_string_cbor(
        ctx: *mut c_void,
        cb: Callback,
        ud: *mut c_void,
        req: *const u8,
        len: usize,
    ) -> c_int;
}

/// `fixture_Counter *` and `fixture_Tag *`: opaque object handles.
pub type Handle = *mut c_void;

unsafe extern "C" {
    pub fn fixture_make_counter(
        ctx: *mut c_void,
        cb: Callback,
        ud: *mut c_void,
        start: i64,
    ) -> c_int;
    pub fn fixture_shared_counter(ctx: *mut c_void, cb: Callback, ud: *mut c_void) -> c_int;
    pub fn fixture_sum_counters(
        ctx: *mut c_void,
        cb: Callback,
        ud: *mut c_void,
        a: Handle,
        b: Handle,
    ) -> c_int;
    pub fn fixture_counter_get(c: Handle, cb: Callback, ud: *mut c_void) -> c_int;
    pub fn fixture_counter_add(c: Handle, cb: Callback, ud: *mut c_void, n: i64) -> c_int;
    pub fn fixture_counter_add_later(
        c: Handle,
        cb: Callback,
        ud: *mut c_void,
        n: i64,
        delay_ms: u64,
    ) -> c_int;
    pub fn fixture_counter_fork(c: Handle, cb: Callback, ud: *mut c_void) -> c_int;
    pub fn fixture_counter_free(c: Handle) -> c_int;
    pub fn fixture_counter_stats(cb: Callback, ud: *mut c_void) -> c_int;
}

/// Makes sure the fixture rlib is linked into the test binary.
pub fn link() {
    let _ = fixture::Color::Red;
}
