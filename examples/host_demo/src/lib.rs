//! The host-callback round trip: a Rust handler awaits a function the host
//! implements, and returns what the host answered.

use ffi_core::prelude::*;

#[ffi_library(name = "host_demo")]
pub struct Demo {}

#[ffi_ctor]
pub fn new() -> Result<Demo, String> {
    Ok(Demo {})
}

/// Implemented by the host: returns a token for `key`.
#[ffi_host]
pub async fn fetch_token(key: String) -> Result<String, String>;

/// Asks the host for the token of `key` and wraps it.
#[ffi]
pub async fn use_token(_demo: &Demo, key: String) -> Result<String, String> {
    let token = fetch_token(key).await?;
    Ok(format!("token[{token}]"))
}
