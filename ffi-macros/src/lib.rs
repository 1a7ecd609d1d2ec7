//! The attributes behind a library's foreign interface. Re-exported by
//! `ffi-core`; use them through `ffi_core::prelude`.
//!
//! `ffi_build::generate()` reads the same attributes from the crate's
//! source at build time, validates them, and writes the C ABI glue that
//! `#[ffi_library]` includes. The macros themselves only add what must
//! live next to the annotated item: value conversions for `#[ffi_type]`,
//! and the bodies of `#[ffi_host]` and `#[ffi_event]` functions.

extern crate proc_macro;

mod bodyless;
mod cbor;
mod ffi_type;

use proc_macro::TokenStream;
use quote::quote;
use syn::parse_macro_input;

/// Marks the state struct a context owns and names the library:
/// `#[ffi_library(name = "my_timer")]`. Includes the generated glue.
#[proc_macro_attribute]
pub fn ffi_library(_attr: TokenStream, item: TokenStream) -> TokenStream {
    // The name argument is read and validated by `ffi_build`.
    let item = proc_macro2::TokenStream::from(item);
    quote! {
        #item
        include!(concat!(env!("OUT_DIR"), "/ffi_glue.rs"));
    }
    .into()
}

/// A struct or fieldless enum that crosses the boundary.
#[proc_macro_attribute]
pub fn ffi_type(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let input = parse_macro_input!(item as syn::DeriveInput);
    ffi_type::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The constructor. Validated by `ffi_build`; the item is unchanged.
#[proc_macro_attribute]
pub fn ffi_ctor(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// A method, sync (runs on the caller's thread) or async (runs on the
/// context's worker). Validated by `ffi_build`; the item is unchanged.
#[proc_macro_attribute]
pub fn ffi(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// The teardown hook. Validated by `ffi_build`; the item is unchanged.
#[proc_macro_attribute]
pub fn ffi_dtor(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// A bodyless `async fn` the host implements; the body awaits its answer.
#[proc_macro_attribute]
pub fn ffi_host(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let f = parse_macro_input!(item as bodyless::BodylessFn);
    bodyless::expand_host(&f)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A bodyless `fn` that delivers its arguments to the current context's
/// listeners.
#[proc_macro_attribute]
pub fn ffi_event(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let f = parse_macro_input!(item as bodyless::BodylessFn);
    bodyless::expand_event(&f)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
