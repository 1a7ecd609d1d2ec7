//! The fixed part of the native C ABI: result codes, callback types and the
//! C layouts of strings, bytes, vectors and options. The generated header
//! declares the same layouts (`FFIStr`, `FFIBytes`, `<lib>_Vec_T`,
//! `<lib>_Option_T`).

use std::ffi::{c_char, c_int, c_void};

/// Bumped whenever the layout or meaning of anything crossing the C ABI
/// changes. Generated bindings compare it with `<lib>_abi_version()`.
/// Kept in `ffi-abi`, which the macros and the generator read too.
pub use ffi_abi::ABI_VERSION;

/// The error of every call that a destroyed context fails.
pub(crate) const DESTROYED: &str = "context destroyed";

pub const RET_OK: c_int = 0;
pub const RET_ERR: c_int = 1;
pub const RET_MISSING_CALLBACK: c_int = 2;

/// `typedef void (*FFICallBack)(int ret, const char *msg, size_t len, void *userData);`
pub type FfiCallback = Option<
    unsafe extern "C" fn(ret: c_int, msg: *const c_char, len: usize, user_data: *mut c_void),
>;

/// `typedef void (*FFIHostFn)(uint64_t callId, const char *req, size_t len, void *userData);`
pub type FfiHostFn = Option<
    unsafe extern "C" fn(call_id: u64, req: *const c_char, len: usize, user_data: *mut c_void),
>;

/// `FFIStr`: UTF-8 bytes, not NUL-terminated. `ptr` may be NULL when `len`
/// is 0.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FfiStr {
    pub ptr: *const c_char,
    pub len: usize,
}

/// `FFIBytes` and every `<lib>_Vec_T`: a pointer to `len` consecutive
/// elements. `ptr` may be NULL when `len` is 0.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FfiSlice<T> {
    pub ptr: *const T,
    pub len: usize,
}

/// `<lib>_Option_T`: `value` is meaningful only when `is_some` is non-zero
/// (it is zeroed otherwise). `is_some` is a C `bool`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FfiOption<T> {
    pub is_some: u8,
    pub value: T,
}

impl FfiStr {
    pub const EMPTY: FfiStr = FfiStr {
        ptr: std::ptr::null(),
        len: 0,
    };
}

impl<T> FfiSlice<T> {
    pub const fn empty() -> Self {
        FfiSlice {
            ptr: std::ptr::null(),
            len: 0,
        }
    }
}
