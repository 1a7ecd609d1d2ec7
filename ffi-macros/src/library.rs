//! `#[ffi_library]`: the state struct, checked, followed by the generated
//! glue from `OUT_DIR`.

use ffi_abi::checks::{check_library, library_name};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

pub(crate) fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let s = match syn::parse2::<syn::ItemStruct>(item.clone()) {
        Ok(s) => s,
        // Not a struct: the build script says where the attribute goes.
        Err(_) => return item,
    };
    let mut problems = Vec::new();
    check_library(&s.ident, &s.generics, &mut problems);
    library_name(Some(attr), Span::call_site(), &mut problems);
    // The glue shares the state across threads and keeps it for as long as
    // the context lives; say so at the struct rather than deep inside the
    // glue's use of the runtime.
    let assertion = s
        .generics
        .params
        .is_empty()
        .then(|| send_sync_static(&s.ident, "ffi_library_state_must_be_Send_Sync_and_static"));
    let checked = crate::with_problems(quote! { #item #assertion }, &problems);
    quote! {
        #checked
        include!(concat!(env!("OUT_DIR"), "/ffi_glue.rs"));
    }
}

/// Requires `ident: Send + Sync + 'static`, failing at `ident`'s span with
/// a note naming `requirement`. A where clause on an item is checked before
/// the bodies of the generated glue, so this error comes first.
pub(crate) fn send_sync_static(ident: &syn::Ident, requirement: &str) -> TokenStream {
    let requirement = syn::Ident::new(requirement, ident.span());
    quote_spanned! {ident.span()=>
        const _: () = {
            #[allow(non_camel_case_types)]
            trait #requirement {}
            impl<T: ::core::marker::Send + ::core::marker::Sync + 'static> #requirement for T {}
            #[allow(dead_code)]
            struct Check
            where
                #ident: #requirement;
        };
    }
}
