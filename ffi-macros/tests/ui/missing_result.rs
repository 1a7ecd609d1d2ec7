use ffi_core::prelude::*;

pub struct State {}

#[ffi]
pub fn answer(_s: &State) -> u64 {
    42
}

#[ffi_host]
pub async fn lookup(key: String) -> String;

fn main() {}
