use ffi_core::prelude::*;
use std::collections::HashMap;

pub struct State {}

#[ffi]
pub fn count(_s: &State, words: HashMap<String, i64>) -> Result<u64, String> {
    Ok(words.len() as u64)
}

fn main() {}
