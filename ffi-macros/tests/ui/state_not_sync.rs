use ffi_core::prelude::*;
use std::cell::Cell;

#[ffi_library(name = "counter")]
pub struct Counter {
    n: Cell<u64>,
}

fn main() {
    let c = Counter { n: Cell::new(0) };
    c.n.set(1);
}
