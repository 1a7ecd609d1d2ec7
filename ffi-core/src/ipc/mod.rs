//! Serving one context's CBOR ABI over a Unix or TCP socket (SPEC
//! sections 7 and 13), so another process or machine can call the
//! library. `ffi-serve` serves any library with this; a program can too.
//!
//! Version 1 frames are big-endian. Request: `[u32 method_len][method]
//! [u32 payload_len][payload]`, where the method is the Rust function
//! name (`echo`) and the payload the CBOR request map. Response: `[i32
//! ret][u32 len][body]`, `ret` being `RET_OK` (body: the CBOR result) or
//! `RET_ERR` (body: UTF-8 error text). Answers come in request order.
//!
//! Version 2 starts with a version 1 request `$hello` (`{"version": 2,
//! "token": .., "fingerprint": ..}`), answered `{"version": 2, "library":
//! .., "fingerprint": ..}`; then requests carry an id (`[u32 id]` before
//! each frame, also before each response), answers come as they are
//! ready, and `$cancel {"id": n}` cancels request `n` (the library drops
//! its future; `n` is answered `call cancelled`).
//!
//! Safety: a Unix socket gets mode 0600 and a live server's socket is
//! never taken over; TLS (rustls) and a bearer token are options; every
//! limit of [`Limits`] has a safe default. A request over the frame limit
//! gets the answer `frame too large: N bytes (limit M)`; the rest of it is
//! read and dropped (so the client reads the answer rather than a reset),
//! then a version 1 connection is closed and a version 2 one goes on. A
//! connection that ends mid-frame is closed; others are not affected.
//! Connections are tasks on a tokio runtime with a fixed number of
//! threads; logs are logfmt lines on stderr.
//!
//! A server program is a few lines:
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
mod hello;
mod limits;
mod log;
mod output;
mod server;
mod service;
#[cfg(test)]
mod tests;
mod tls;

pub use limits::{DEFAULT_MAX_FRAME, Limits};
pub use server::{Builder, Server, ShutdownHandle};
pub use service::{CborAbi, CborSessions, Service};

/// Resolves once the server is asked to stop (at once if it already was).
async fn stopped(rx: &mut tokio::sync::watch::Receiver<bool>) {
    if rx.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await; // the server outlives its connections
    }
}

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
            #[link_name = concat!(stringify!($lib), "_cancel")]
            fn cancel(
                ctx: *mut ::std::ffi::c_void,
                ud: *mut ::std::ffi::c_void,
            ) -> ::std::ffi::c_int;
        }
        unsafe extern "C" {
            #[link_name = concat!(stringify!($lib), "_cbor_session_new")]
            fn session_new() -> *mut ::std::ffi::c_void;
            #[link_name = concat!(stringify!($lib), "_cbor_session_free")]
            fn session_free(s: *mut ::std::ffi::c_void) -> ::std::ffi::c_int;
            #[link_name = concat!(stringify!($lib), "_call_cbor_in")]
            fn call_in(
                s: *mut ::std::ffi::c_void,
                ctx: *mut ::std::ffi::c_void,
                method: *const ::std::ffi::c_char,
                method_len: usize,
                cb: $crate::abi::FfiCallback,
                ud: *mut ::std::ffi::c_void,
                req: *const u8,
                len: usize,
            ) -> ::std::ffi::c_int;
        }
        $crate::ipc::CborAbi {
            create,
            call,
            destroy,
            cancel: Some(cancel),
            fingerprint: None,
            library: stringify!($lib),
            sessions: Some($crate::ipc::CborSessions {
                new: session_new,
                free: session_free,
                call_in,
            }),
        }
    }};
}
