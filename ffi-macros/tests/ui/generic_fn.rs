use ffi_core::prelude::*;

pub struct State {}

#[ffi]
pub fn echo<T: Clone>(_s: &State, value: String) -> Result<String, String> {
    Ok(value)
}

fn main() {}
