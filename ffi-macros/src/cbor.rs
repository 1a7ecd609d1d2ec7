//! `#[ffi_type]`'s CBOR half: `impl ffi_core::cbor::CborType` for the type.
//! Structs are maps keyed by the lowerCamelCase field names (`None` fields
//! omitted, unknown keys ignored); enums are their variant name as text.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::{DataEnum, FieldsNamed, Ident};

/// The wire name of a Rust field: lowerCamelCase (`delay_ms` -> `delayMs`).
/// Identical to `ffi_build`'s and `ffi_core::cbor::wire_name`; the golden
/// wire vectors keep the copies in agreement.
pub(crate) fn wire_name(rust_name: &str) -> String {
    let mut out = String::with_capacity(rust_name.len());
    let mut upper = false;
    for c in rust_name.trim_start_matches("r#").chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

const C: &str = "::ffi_core::cbor";

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
    let slots: Vec<Ident> = idents
        .iter()
        .map(|i| format_ident!("__ffi_field_{}", i.unraw()))
        .collect();
    quote! {
        impl #c::CborType for #name {
            fn encode(&self, __ffi_e: &mut #c::Encoder) {
                let __ffi_len = 0usize #( + usize::from(!#c::CborType::is_absent(&self.#idents)) )*;
                __ffi_e.map(__ffi_len);
                #(
                    if !#c::CborType::is_absent(&self.#idents) {
                        __ffi_e.text(#keys);
                        #c::CborType::encode(&self.#idents, __ffi_e);
                    }
                )*
            }

            fn decode(__ffi_d: &mut #c::Decoder<'_>) -> ::core::result::Result<Self, #c::DecodeError> {
                #( let mut #slots: ::core::option::Option<#types> = ::core::option::Option::None; )*
                __ffi_d.map_entries(|__ffi_d, __ffi_key| {
                    match __ffi_key {
                        #(
                            #keys => {
                                #slots = ::core::option::Option::Some(#c::field(__ffi_d, #keys)?);
                                ::core::result::Result::Ok(true)
                            }
                        )*
                        _ => ::core::result::Result::Ok(false),
                    }
                })?;
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
