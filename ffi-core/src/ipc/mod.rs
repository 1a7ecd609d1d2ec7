//! Serving one context's CBOR ABI over a Unix or TCP socket (SPEC
//! section 7), so another process or machine can call the library.
//!
//! Frames are big-endian. Request: `[u32 method_len][method][u32
//! payload_len][payload]`, where the method is the Rust function name
//! (`echo`) and the payload the CBOR request map. Response: `[i32 ret][u32
//! len][body]`, `ret` being `RET_OK` (body: the CBOR result) or `RET_ERR`
//! (body: UTF-8 error text).
//!
//! Each connection is served by its own thread; requests on one
//! connection may be pipelined and run concurrently, and their answers
//! are written in request order. A frame whose `method_len +
//! payload_len` exceeds the limit gets the error answer `frame too large:
//! N bytes (limit M)` and the connection is closed; nothing of the
//! declared size is allocated (buffers grow only with bytes received). A
//! connection that ends mid-frame is closed; other connections are not
//! affected.
//!
//! A server binary is a few lines:
//!
//! ```no_run
//! # fn main() -> std::io::Result<()> {
//! # let abi: ffi_core::ipc::CborAbi = unimplemented!();
//! // let abi = ffi_core::cbor_abi!(my_timer);   // the library's extern "C" functions
//! let service = ffi_core::ipc::Service::create(abi, &[0xa0]).map_err(std::io::Error::other)?;
//! let server = ffi_core::ipc::Server::builder().handle_signals(true).bind_unix("/tmp/timer.sock")?;
//! server.serve(service) // until SIGINT/SIGTERM
//! # }
//! ```

mod connection;
#[doc(hidden)]
pub mod frame;
mod server;
mod service;
mod signal;
#[cfg(test)]
mod tests;

pub use server::{Builder, DEFAULT_MAX_FRAME, Server, ShutdownHandle};
pub use service::{CborAbi, Service};

/// The [`CborAbi`] of a library linked into this program, by its
/// `#[ffi_library(name = ...)]`: `ffi_core::cbor_abi!(my_timer)`. The
/// library crate must be linked (`use my_timer as _;`).
#[macro_export]
macro_rules! cbor_abi {
    ($lib:ident) => {{
        unsafe extern "C" {
            #[link_name = concat!(stringify!($lib), "_create_cbor")]
            fn create(
                cb: $crate::abi::FfiCallback,
                ud: *mut ::std::ffi::c_void,
                req: *const u8,
                len: usize,
            ) -> *mut ::std::ffi::c_void;
            #[link_name = concat!(stringify!($lib), "_call_cbor")]
            fn call(
                ctx: *mut ::std::ffi::c_void,
                method: *const ::std::ffi::c_char,
                method_len: usize,
                cb: $crate::abi::FfiCallback,
                ud: *mut ::std::ffi::c_void,
                req: *const u8,
                len: usize,
            ) -> ::std::ffi::c_int;
            #[link_name = concat!(stringify!($lib), "_destroy")]
            fn destroy(ctx: *mut ::std::ffi::c_void) -> ::std::ffi::c_int;
        }
        $crate::ipc::CborAbi {
            create,
            call,
            destroy,
        }
    }};
}
