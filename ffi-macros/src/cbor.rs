//! `#[ffi_type]`'s CBOR half: `impl ffi_core::cbor::CborType` for the type.
//! Structs are maps keyed by the lowerCamelCase field names (`None` fields
//! omitted, unknown keys ignored); enums are their variant name as text.

use ffi_abi::wire_name;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::{DataEnum, FieldsNamed, Ident};

const C: &str = "::ffi_core::cbor";

/// A map key as CBOR text, header included (shortest length form), so the
/// generated encoder appends it with one copy.
fn encoded_key(key: &str) -> syn::LitByteStr {
    let len = key.len() as u64;
    let mut out = Vec::with_capacity(key.len() + 9);
    const TEXT: u8 = 3 << 5;
    if len < 24 {
        out.push(TEXT | len as u8);
    } else if len <= u64::from(u8::MAX) {
        out.extend_from_slice(&[TEXT | 24, len as u8]);
    } else if len <= u64::from(u16::MAX) {
        out.push(TEXT | 25);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(TEXT | 26);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(key.as_bytes());
    syn::LitByteStr::new(&out, proc_macro2::Span::call_site())
}

fn cbor() -> TokenStream {
    C.parse().expect("path")
}

pub(crate) fn expand_struct(name: &Ident, fields: &FieldsNamed) -> TokenStream {
    let c = cbor();
    let idents: Vec<&Ident> = fields
        .named
        .iter()
        .map(|f| f.ident.as_ref().expect("named"))
        .collect();
    let types: Vec<_> = fields.named.iter().map(|f| &f.ty).collect();
    let keys: Vec<String> = idents
        .iter()
        .map(|i| wire_name(&i.unraw().to_string()))
        .collect();
    let key_bytes: Vec<syn::LitByteStr> = keys
        .iter()
        .map(|k| syn::LitByteStr::new(k.as_bytes(), proc_macro2::Span::call_site()))
        .collect();
    let encoded: Vec<syn::LitByteStr> = keys.iter().map(|k| encoded_key(k)).collect();
    let slots: Vec<Ident> = idents
        .iter()
        .map(|i| format_ident!("__ffi_field_{}", i.unraw()))
        .collect();
    quote! {
        impl #c::CborType for #name {
            #[inline]
            fn encode(&self, __ffi_e: &mut #c::Encoder) {
                let __ffi_len = 0usize #( + usize::from(!#c::CborType::is_absent(&self.#idents)) )*;
                __ffi_e.map(__ffi_len);
                #(
                    if !#c::CborType::is_absent(&self.#idents) {
                        __ffi_e.raw(#encoded);
                        #c::CborType::encode(&self.#idents, __ffi_e);
                    }
                )*
            }

            #[inline]
            fn decode(__ffi_d: &mut #c::Decoder<'_>) -> ::core::result::Result<Self, #c::DecodeError> {
                #( let mut #slots: ::core::option::Option<#types> = ::core::option::Option::None; )*
                let mut __ffi_map = __ffi_d.begin_map_keys()?;
                while let ::core::option::Option::Some(__ffi_key) = __ffi_d.next_key(&mut __ffi_map)? {
                    match &*__ffi_key {
                        #(
                            #key_bytes => {
                                #slots = ::core::option::Option::Some(#c::field(__ffi_d, #keys)?);
                            }
                        )*
                        __ffi_other => __ffi_d.skip_unknown(__ffi_other)?,
                    }
                }
                ::core::result::Result::Ok(#name {
                    #( #idents: #c::required(#slots, #keys)?, )*
                })
            }
        }
    }
}

pub(crate) fn expand_enum(name: &Ident, data: &DataEnum) -> TokenStream {
    let c = cbor();
    let variants: Vec<&Ident> = data.variants.iter().map(|v| &v.ident).collect();
    let labels: Vec<String> = variants.iter().map(ToString::to_string).collect();
    let type_name = name.to_string();
    quote! {
        impl #c::CborType for #name {
            fn encode(&self, __ffi_e: &mut #c::Encoder) {
                __ffi_e.text(match self {
                    #( #name::#variants => #labels, )*
                });
            }

            fn decode(__ffi_d: &mut #c::Decoder<'_>) -> ::core::result::Result<Self, #c::DecodeError> {
                let __ffi_text = __ffi_d.text()?;
                match &*__ffi_text {
                    #( #labels => ::core::result::Result::Ok(#name::#variants), )*
                    other => ::core::result::Result::Err(#c::DecodeError::unknown_enum(other, #type_name)),
                }
            }
        }
    }
}
