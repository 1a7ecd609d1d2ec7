//! The attributes behind a library's foreign interface. Re-exported by
//! `ffi-core`; use them through `ffi_core::prelude`.
//!
//! `ffi_build::generate()` reads the same attributes from the crate's
//! source at build time, validates them, and writes the C ABI glue that
//! `#[ffi_library]` includes. The macros add what must live next to the
//! annotated item (value conversions for `#[ffi_type]`, the bodies of
//! `#[ffi_host]` and `#[ffi_event]` functions), and report the errors of
//! the item itself at its own span, with the generator's wording (both run
//! `ffi_abi::checks`), so an editor shows them inline. Errors that need the
//! whole crate (name collisions, a missing constructor, the state's type
//! name) come from the build script.

extern crate proc_macro;

mod bodyless;
mod cbor;
mod ffi_type;
mod library;

use ffi_abi::checks::{FnKind, Problem, check_fn, combine};
use proc_macro::TokenStream;
use quote::quote;
use syn::parse_macro_input;

/// Marks the state struct a context owns and names the library:
/// `#[ffi_library(name = "my_timer")]`. Includes the generated glue, and
/// asserts at the struct that it is `Send + Sync + 'static`.
#[proc_macro_attribute]
pub fn ffi_library(attr: TokenStream, item: TokenStream) -> TokenStream {
    library::expand(attr.into(), item.into()).into()
}

/// A struct or fieldless enum that crosses the boundary.
#[proc_macro_attribute]
pub fn ffi_type(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let input = parse_macro_input!(item as syn::DeriveInput);
    ffi_type::expand(&input).into()
}

/// The constructor. The item is unchanged; its signature is checked here
/// and by `ffi_build`.
#[proc_macro_attribute]
pub fn ffi_ctor(_attr: TokenStream, item: TokenStream) -> TokenStream {
    checked_fn(FnKind::Ctor, item)
}

/// A method, sync (runs on the caller's thread) or async (runs on the
/// context's worker), or a static function (no state, sync). On an `impl`
/// block of the library type or of an `#[ffi_object]`, exports every
/// `pub fn` taking `&self` (`#[ffi(skip)]` leaves one out). The item is
/// unchanged; its signatures are checked here and by `ffi_build`.
#[proc_macro_attribute]
pub fn ffi(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let tokens = proc_macro2::TokenStream::from(item.clone());
    match syn::parse2::<syn::ItemImpl>(tokens) {
        Ok(imp) => impl_block(imp).into(),
        Err(_) => checked_fn(FnKind::Method, item),
    }
}

/// A type whose values the host holds through handles: the item is
/// unchanged, and asserted at its name to be `Send + Sync + 'static`.
#[proc_macro_attribute]
pub fn ffi_object(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let tokens = proc_macro2::TokenStream::from(item);
    let Ok(s) = syn::parse2::<syn::ItemStruct>(tokens.clone()) else {
        return tokens.into();
    };
    let mut problems = Vec::new();
    ffi_abi::checks::no_generics(
        &s.generics,
        "`#[ffi_object]` struct",
        &s.ident,
        &mut problems,
    );
    let assertion =
        s.generics.params.is_empty().then(|| {
            library::send_sync_static(&s.ident, "ffi_object_must_be_Send_Sync_and_static")
        });
    with_problems(quote! { #tokens #assertion }, &problems).into()
}

/// `#[ffi] impl T { .. }`: every `pub fn` is checked as an exported method
/// unless marked `#[ffi(skip)]`; the `#[ffi(skip)]` markers are removed.
fn impl_block(mut imp: syn::ItemImpl) -> proc_macro2::TokenStream {
    let mut problems = Vec::new();
    ffi_abi::checks::no_generics(
        &imp.generics,
        "`#[ffi]` impl block",
        &impl_ident(&imp),
        &mut problems,
    );
    for item in &mut imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        let before = f.attrs.len();
        f.attrs.retain(|a| !is_ffi_skip(a));
        let skipped = f.attrs.len() != before;
        if skipped || !matches!(f.vis, syn::Visibility::Public(_)) {
            continue;
        }
        check_fn(FnKind::ImplMethod, &f.sig, None, None, &mut problems);
    }
    with_problems(quote! { #imp }, &problems)
}

/// The name of the type an impl block is for (for messages).
fn impl_ident(imp: &syn::ItemImpl) -> syn::Ident {
    match &*imp.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
    .unwrap_or_else(|| syn::Ident::new("Self", proc_macro2::Span::call_site()))
}

/// `#[ffi(skip)]` (also as `#[ffi_core::ffi(skip)]`).
pub(crate) fn is_ffi_skip(attr: &syn::Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "ffi")
        && attr
            .parse_args::<syn::Ident>()
            .is_ok_and(|arg| arg == "skip")
}

/// The teardown hook. The item is unchanged; its signature is checked here
/// and by `ffi_build`.
#[proc_macro_attribute]
pub fn ffi_dtor(_attr: TokenStream, item: TokenStream) -> TokenStream {
    checked_fn(FnKind::Dtor, item)
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

/// The item as written, followed by the errors of its signature. An item
/// that is not a function is left to the build script, which explains
/// where the attribute goes.
fn checked_fn(kind: FnKind, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let Ok(f) = syn::parse2::<syn::ItemFn>(item.clone()) else {
        return item.into();
    };
    let mut problems = Vec::new();
    check_fn(kind, &f.sig, None, None, &mut problems);
    with_problems(item, &problems).into()
}

/// `tokens`, then every problem as a compile error at its span.
pub(crate) fn with_problems(
    tokens: proc_macro2::TokenStream,
    problems: &[Problem],
) -> proc_macro2::TokenStream {
    let errors = combine(problems).map(syn::Error::into_compile_error);
    quote! { #tokens #errors }
}
