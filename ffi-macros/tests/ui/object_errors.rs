use ffi_core::prelude::*;
use std::cell::Cell;

/// Not `Sync`: the error is at the struct's name.
#[ffi_object]
pub struct Cursor {
    at: Cell<u64>,
}

#[ffi]
impl Cursor {
    pub fn at(&self) -> Result<u64, String> {
        Ok(self.at.get())
    }
    pub fn seek(&mut self, to: u64) -> Result<(), String> {
        self.at.set(to);
        Ok(())
    }
    pub fn make() -> Result<u64, String> {
        Ok(0)
    }
    #[ffi(skip)]
    pub fn helper() -> u64 {
        1
    }
}

fn main() {
    let c = Cursor { at: Cell::new(0) };
    let _ = (c.at(), Cursor::make(), Cursor::helper());
}
