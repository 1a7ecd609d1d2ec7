//! Runtime for Rust libraries exported to C, Go and C++.
//!
//! A library author annotates ordinary Rust with the attributes in
//! [`prelude`] and calls `ffi_build::generate()` from `build.rs`; the
//! generated glue calls into this crate. Each context gets a dedicated
//! worker thread that polls its async handlers; sync handlers run inline
//! on the caller's thread.

pub mod abi;
pub mod cbor;
mod context;
pub mod events;
mod executor;
pub mod host;
#[cfg(feature = "ipc")]
pub mod ipc;
mod library;
mod objects;
mod registry;
mod reply;
mod scope;
pub mod time;
mod timer;
mod value;

pub use context::{Context, ContextRef};
pub use executor::BoxFuture;
pub use value::{Arena, FfiType, LiftError, raw_slice, zeroed};

/// The attributes, plus `sleep`.
pub mod prelude {
    pub use crate::time::sleep;
    pub use ffi_macros::{
        ffi, ffi_ctor, ffi_dtor, ffi_event, ffi_host, ffi_library, ffi_object, ffi_type,
    };
}

pub use ffi_macros::{
    ffi, ffi_ctor, ffi_dtor, ffi_event, ffi_host, ffi_library, ffi_object, ffi_type,
};

/// Used by generated code only.
#[doc(hidden)]
pub mod __private {
    pub use crate::abi::*;
    pub use crate::library::{Dtor, Exporter, Library, lift_arg};
    pub use crate::objects::ObjectHandle;
    pub use crate::scope::{call_host, emit_event};
    pub use std::ffi::{c_char, c_int, c_void};
    pub use std::sync::Arc;
}
