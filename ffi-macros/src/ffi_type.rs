//! `#[ffi_type]`: the C mirror of a struct and its `FfiType` conversions.

use ffi_abi::checks::{check_enum, check_struct, unraw};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields};

/// The type as written, its conversions, and the errors of its
/// definition (`ffi_abi::checks`, as the build script reports them).
pub(crate) fn expand(input: &DeriveInput) -> TokenStream {
    let mut problems = Vec::new();
    match &input.data {
        Data::Struct(s) => {
            check_struct(&input.ident, &input.generics, &s.fields, &mut problems);
        }
        Data::Enum(e) => check_enum(&input.ident, &input.generics, &e.variants, &mut problems),
        Data::Union(_) => {
            return syn::Error::new_spanned(
                &input.ident,
                "#[ffi_type] supports structs and fieldless enums, not unions",
            )
            .into_compile_error();
        }
    }
    if !problems.is_empty() {
        return crate::with_problems(quote! { #input }, &problems);
    }
    let (conversions, wire) = match &input.data {
        Data::Struct(syn::DataStruct {
            fields: Fields::Named(f),
            ..
        }) => (
            expand_struct(input, f),
            crate::cbor::expand_struct(&input.ident, f),
        ),
        Data::Enum(e) => (
            expand_enum(input, e),
            crate::cbor::expand_enum(&input.ident, e),
        ),
        _ => unreachable!("check_struct refuses structs without named fields"),
    };
    quote! { #input #conversions #wire }
}

fn expand_struct(input: &DeriveInput, named: &syn::FieldsNamed) -> TokenStream {
    let name = &input.ident;
    let vis = &input.vis;
    let mirror = format_ident!("__FfiC{}", name);
    let idents: Vec<_> = named
        .named
        .iter()
        .map(|f| f.ident.clone().expect("named"))
        .collect();
    let labels: Vec<String> = idents.iter().map(unraw).collect();
    let types: Vec<_> = named.named.iter().map(|f| &f.ty).collect();
    quote! {
        #[doc(hidden)]
        #[repr(C)]
        #[derive(Clone, Copy)]
        #vis struct #mirror {
            #( #idents: <#types as ::ffi_core::FfiType>::C, )*
        }

        // SAFETY: the mirror is `repr(C)` and made only of `FfiType::C` fields.
        unsafe impl ::ffi_core::FfiType for #name {
            type C = #mirror;

            unsafe fn lift(c: &#mirror) -> ::core::result::Result<Self, ::ffi_core::LiftError> {
                ::core::result::Result::Ok(#name {
                    #(
                        // SAFETY: forwarded from the caller.
                        #idents: unsafe { <#types as ::ffi_core::FfiType>::lift(&c.#idents) }
                            .map_err(|e| e.in_field(#labels))?,
                    )*
                })
            }

            fn lower(&self, arena: &mut ::ffi_core::Arena) -> #mirror {
                #mirror {
                    #( #idents: <#types as ::ffi_core::FfiType>::lower(&self.#idents, arena), )*
                }
            }
        }
    }
}

fn expand_enum(input: &DeriveInput, data: &syn::DataEnum) -> TokenStream {
    let name = &input.ident;
    let variants: Vec<_> = data.variants.iter().map(|v| &v.ident).collect();
    let indices: Vec<i32> = (0..variants.len() as i32).collect();
    let invalid = format!("invalid value {{}} for enum {name}");
    quote! {
        // SAFETY: an enum crosses as its variant index, an `int32_t`.
        unsafe impl ::ffi_core::FfiType for #name {
            type C = i32;

            unsafe fn lift(c: &i32) -> ::core::result::Result<Self, ::ffi_core::LiftError> {
                match *c {
                    #( #indices => ::core::result::Result::Ok(#name::#variants), )*
                    other => ::core::result::Result::Err(::ffi_core::LiftError::new(
                        ::std::format!(#invalid, other),
                    )),
                }
            }

            fn lower(&self, _: &mut ::ffi_core::Arena) -> i32 {
                match self {
                    #( #name::#variants => #indices, )*
                }
            }
        }
    }
}
