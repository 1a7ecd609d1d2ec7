//! `#[ffi_host]` and `#[ffi_event]`: functions declared without a body,
//! whose body the macro writes.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, FnArg, Ident, Pat, ReturnType, Signature, Type, Visibility};

pub(crate) struct BodylessFn {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
}

impl Parse for BodylessFn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig: Signature = input.parse()?;
        if input.peek(syn::token::Brace) {
            return Err(input.error(
                "this function is implemented elsewhere: declare it without a body, ending in `;`",
            ));
        }
        input.parse::<syn::Token![;]>()?;
        Ok(BodylessFn { attrs, vis, sig })
    }
}

impl BodylessFn {
    fn params(&self) -> syn::Result<Vec<(Ident, &Type)>> {
        self.sig
            .inputs
            .iter()
            .map(|arg| match arg {
                FnArg::Typed(pt) => match &*pt.pat {
                    Pat::Ident(pi) => Ok((pi.ident.clone(), &*pt.ty)),
                    other => Err(syn::Error::new_spanned(
                        other,
                        "parameters must be plain names",
                    )),
                },
                FnArg::Receiver(r) => Err(syn::Error::new_spanned(r, "`self` is not allowed here")),
            })
            .collect()
    }

    fn with_body(&self, body: TokenStream) -> TokenStream {
        let BodylessFn { attrs, vis, sig } = self;
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

/// `Result<T, String>` -> `T`.
fn ok_type(ret: &ReturnType) -> syn::Result<&Type> {
    if let ReturnType::Type(_, ty) = ret
        && let Type::Path(tp) = &**ty
        && let Some(last) = tp.path.segments.last()
        && last.ident == "Result"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(t)) = args.args.first()
    {
        return Ok(t);
    }
    Err(syn::Error::new_spanned(
        ret,
        "host functions return `Result<T, String>`",
    ))
}

pub(crate) fn expand_host(f: &BodylessFn) -> syn::Result<TokenStream> {
    if f.sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            f.sig.fn_token,
            "#[ffi_host] functions must be `async`",
        ));
    }
    let params = f.params()?;
    let ok = ok_type(&f.sig.output)?;
    let name = f.sig.ident.to_string();
    let send = Ident::new("__ffi_send", proc_macro2::Span::call_site());
    let message = send_message(&params, &send, false);
    Ok(f.with_body(quote! {
        ::ffi_core::__private::call_host::<#ok>(#name, move |#send| { #message; }).await
    }))
}

pub(crate) fn expand_event(f: &BodylessFn) -> syn::Result<TokenStream> {
    if let Some(a) = &f.sig.asyncness {
        return Err(syn::Error::new_spanned(
            a,
            "#[ffi_event] functions are not `async`",
        ));
    }
    if !matches!(f.sig.output, ReturnType::Default) {
        return Err(syn::Error::new_spanned(
            &f.sig.output,
            "#[ffi_event] functions return nothing",
        ));
    }
    let params = f.params()?;
    let names: Vec<_> = params.iter().map(|(n, _)| n).collect();
    let types: Vec<_> = params.iter().map(|(_, t)| t).collect();
    let name = f.sig.ident.to_string();
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
