//! A small library: sync and async methods, a struct, an enum, a dtor.
use ffi_core::prelude::*;

/// A counter.
#[ffi_library(name = "basic")]
pub struct Counter {
    start: i64,
}

#[ffi_type]
pub enum Mode {
    Fast,
    /// Careful mode.
    Careful,
}

/// What `add` answers.
#[ffi_type]
pub struct Sum {
    /// The total.
    pub total: i64,
    pub mode: Mode,
}

#[ffi_ctor]
pub fn new(start: i64) -> Result<Counter, String> {
    Ok(Counter { start })
}

/// Adds `n` to the start value.
#[ffi]
pub async fn add(c: &Counter, n: i64, mode: Mode) -> Result<Sum, String> {
    Ok(Sum { total: c.start + n, mode })
}

#[ffi]
pub fn name(_c: &Counter) -> Result<String, String> {
    Ok("basic".into())
}

#[ffi]
pub fn reset(_c: &Counter) -> Result<(), String> {
    Ok(())
}

#[ffi_dtor]
pub async fn close(_c: &Counter) {}
