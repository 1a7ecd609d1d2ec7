//! Every type shape, host functions with zero, one and several
//! parameters, and events; names that need escaping in C and Go.
use ffi_core::prelude::*;

#[ffi_library(name = "shapes")]
pub struct Shapes {}

#[ffi_type]
pub enum Kind {
    A,
    B,
}

#[ffi_type]
pub struct Inner {
    pub id: u64,
    pub url: String,
    pub data: Vec<u8>,
    pub kind: Kind,
}

#[ffi_type]
pub struct Outer {
    pub inner: Inner,
    pub inners: Vec<Inner>,
    pub maybe_inner: Option<Inner>,
    pub grid: Vec<Vec<String>>,
    pub maybe_list: Option<Vec<i32>>,
    pub list_of_maybe: Vec<Option<f64>>,
    pub maybe_bytes: Option<Vec<u8>>,
    pub flags: Vec<bool>,
    pub http_api: String,
    pub user_ids: Vec<u16>,
    pub default: i8,
    pub register: u8,
}

#[ffi_ctor]
pub async fn make(first: Outer, second: Option<Inner>) -> Result<Shapes, String> {
    let _ = (first, second);
    Ok(Shapes {})
}

#[ffi]
pub async fn swap(_s: &Shapes, a: Outer, b: Vec<Inner>) -> Result<Vec<Outer>, String> {
    let _ = b;
    Ok(vec![a])
}

#[ffi]
pub fn bytes(_s: &Shapes, data: Vec<u8>, range: u32, chan: bool) -> Result<Vec<u8>, String> {
    let _ = (range, chan);
    Ok(data)
}

#[ffi]
pub fn maybe(_s: &Shapes) -> Result<Option<Kind>, String> {
    Ok(None)
}

#[ffi_host]
pub async fn ask_none() -> Result<(), String>;

#[ffi_host]
pub async fn ask_one(text: String) -> Result<Vec<u8>, String>;

#[ffi_host]
pub async fn ask_many(inner: Inner, count: u32, tags: Vec<String>) -> Result<Outer, String>;

#[ffi_event]
pub fn changed(outer: Outer);

#[ffi_event]
pub fn moved(from: i32, to: i32);
