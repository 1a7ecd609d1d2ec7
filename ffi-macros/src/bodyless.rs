//! `#[ffi_host]` and `#[ffi_event]`: functions declared without a body,
//! whose body the macro writes.

use ffi_abi::checks::{FnKind, check_fn, combine, result_ok_type};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, Pat, ReturnType, Signature, Type, Visibility};

pub(crate) struct BodylessFn {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
    /// A body written by mistake: reported by the checks.
    body: Option<Span>,
}

impl Parse for BodylessFn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig: Signature = input.parse()?;
        let body = if input.peek(syn::token::Brace) {
            Some(input.parse::<syn::Block>()?.span())
        } else {
            input.parse::<syn::Token![;]>()?;
            None
        };
        Ok(BodylessFn {
            attrs,
            vis,
            sig,
            body,
        })
    }
}

impl BodylessFn {
    /// The shared checks of the signature (`ffi_abi::checks`).
    fn check(&self, kind: FnKind) -> syn::Result<()> {
        let mut problems = Vec::new();
        check_fn(kind, &self.sig, self.body, None, &mut problems);
        combine(&problems).map_or(Ok(()), Err)
    }

    /// The parameters, which the checks found to be plain names.
    fn params(&self) -> Vec<(Ident, &Type)> {
        self.sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                FnArg::Typed(pt) => match &*pt.pat {
                    Pat::Ident(pi) => Some((pi.ident.clone(), &*pt.ty)),
                    _ => None,
                },
                FnArg::Receiver(_) => None,
            })
            .collect()
    }

    fn with_body(&self, body: TokenStream) -> TokenStream {
        let BodylessFn {
            attrs, vis, sig, ..
        } = self;
        quote! { #(#attrs)* #vis #sig { #body } }
    }
}

/// Code that hands the parameters, as one message, to `send`: a single
/// parameter as itself, several as a `repr(C)` struct of their C forms.
/// `by_ref`: the parameter names are bound to references already.
fn send_message(params: &[(Ident, &Type)], send: &Ident, by_ref: bool) -> TokenStream {
    let amp = if by_ref { quote!() } else { quote!(&) };
    match params {
        [] => quote! { #send(::core::ptr::null(), 0) },
        [(name, ty)] => quote! {
            <#ty as ::ffi_core::FfiType>::with_message(#amp #name, |p, n| #send(p, n))
        },
        _ => {
            let names: Vec<_> = params.iter().map(|(n, _)| n).collect();
            let types: Vec<_> = params.iter().map(|(_, t)| t).collect();
            quote! {
                #[repr(C)]
                struct __FfiArgs { #( #names: <#types as ::ffi_core::FfiType>::C, )* }
                let mut __arena = ::ffi_core::Arena::new();
                let __args = __FfiArgs {
                    #( #names: <#types as ::ffi_core::FfiType>::lower(#amp #names, &mut __arena), )*
                };
                #send((&raw const __args).cast(), ::core::mem::size_of::<__FfiArgs>())
            }
        }
    }
}

pub(crate) fn expand_host(f: &BodylessFn) -> syn::Result<TokenStream> {
    f.check(FnKind::Host)?;
    let params = f.params();
    let ok = match &f.sig.output {
        ReturnType::Type(_, ty) => result_ok_type(ty).expect("checked: Result<T, String>"),
        ReturnType::Default => unreachable!("checked: Result<T, String>"),
    };
    let name = ffi_abi::checks::unraw(&f.sig.ident);
    let send = Ident::new("__ffi_send", proc_macro2::Span::call_site());
    let message = send_message(&params, &send, false);
    Ok(f.with_body(quote! {
        ::ffi_core::__private::call_host::<#ok>(#name, move |#send| { #message; }).await
    }))
}

pub(crate) fn expand_event(f: &BodylessFn) -> syn::Result<TokenStream> {
    f.check(FnKind::Event)?;
    let params = f.params();
    let names: Vec<_> = params.iter().map(|(n, _)| n).collect();
    let types: Vec<_> = params.iter().map(|(_, t)| t).collect();
    let name = ffi_abi::checks::unraw(&f.sig.ident);
    let send = Ident::new("__ffi_send", proc_macro2::Span::call_site());
    let message = send_message(&params, &send, true);
    Ok(f.with_body(quote! {
        struct __FfiEvent { #( #names: #types, )* }
        impl ::ffi_core::events::Payload for __FfiEvent {
            fn send(&self, #send: &mut dyn FnMut(*const ::core::ffi::c_char, usize)) {
                let __FfiEvent { #( #names, )* } = self;
                #message;
            }
        }
        ::ffi_core::__private::emit_event(#name, __FfiEvent { #( #names, )* });
    }))
}
