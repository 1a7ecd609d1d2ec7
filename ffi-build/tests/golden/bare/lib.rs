//! A library without methods: only a constructor, an enum and an event.
use ffi_core::prelude::*;

#[ffi_library(name = "bare")]
pub struct Bare {}

#[ffi_type]
pub enum Level {
    Low,
    High,
}

#[ffi_ctor]
pub fn open(level: Level) -> Result<Bare, String> {
    let _ = level;
    Ok(Bare {})
}

#[ffi_event]
pub fn leveled(level: Level);
