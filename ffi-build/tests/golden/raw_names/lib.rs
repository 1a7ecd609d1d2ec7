//! Raw identifiers (SPEC section 2): parameters, fields and methods named
//! after Rust keywords. The IR keeps `type`; the Rust glue spells it
//! `r#type`, the other languages escape it as their own keywords require.
use ffi_core::prelude::*;

#[ffi_library(name = "raw_names")]
pub struct Raw {}

#[ffi_type]
pub enum Kind {
    Plain,
    Fancy,
}

#[ffi_type]
pub struct Item {
    pub r#type: Kind,
    pub r#match: String,
    pub r#loop: Option<Vec<i32>>,
}

#[ffi_ctor]
pub fn new(r#type: String) -> Result<Raw, String> {
    let _ = r#type;
    Ok(Raw {})
}

#[ffi]
pub fn r#match(_s: &Raw, r#type: Item, r#fn: i32) -> Result<Item, String> {
    let _ = r#fn;
    Ok(r#type)
}

#[ffi]
pub async fn r#loop(_s: &Raw, r#in: String, r#struct: Option<Kind>) -> Result<String, String> {
    let _ = r#struct;
    Ok(r#in)
}
