use ffi_core::prelude::*;

pub struct Counter {
    n: u64,
}

#[ffi]
pub fn bump(c: &mut Counter) -> Result<u64, String> {
    c.n += 1;
    Ok(c.n)
}

fn main() {}
