//! One plain data model of a library's foreign interface.
//!
//! The parser (`crate::syntax`) builds it and validates it; every emitter
//! (`crate::emit::*`) reads only this. Nothing here refers to syn.

pub mod abi;
mod fingerprint;
mod message;
pub mod symbols;
mod types;

pub use abi::{CLayout, Compound};
pub use message::Message;
pub use symbols::{Lifecycle, Macro, Owner, Symbol, Symbols, snake_case};
pub use types::{Primitive, TypeRef};

/// A whole library, as declared by its author's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    /// `#[ffi_library(name = "...")]`: the C prefix, e.g. `my_timer`.
    pub name: String,
    /// File stem of the shared library (`lib<link_name>.so`).
    pub link_name: String,
    /// The `#[ffi_library]` struct: the value each context owns.
    pub state: State,
    /// `#[ffi_type]` structs and enums, ordered so that a type comes after
    /// every type it contains.
    pub types: Vec<TypeDef>,
    pub ctor: Function,
    /// `#[ffi]` methods of the library type, in source order.
    pub methods: Vec<Function>,
    /// `#[ffi_object]` types with their methods, in source order; an
    /// object's index here is its type index at run time.
    pub objects: Vec<Object>,
    /// Free `#[ffi]` functions without a state: sync, no context.
    pub statics: Vec<Function>,
    pub dtor: Option<Dtor>,
    pub events: Vec<Event>,
    pub hosts: Vec<HostFn>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub name: String,
    /// Absolute path from the crate root, e.g. `crate::MyTimer`.
    pub rust_path: String,
    pub docs: Vec<String>,
}

/// An `#[ffi_object]` type: values the host holds through handles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub name: String,
    /// Absolute path from the crate root, e.g. `crate::Pattern`.
    pub rust_path: String,
    pub docs: Vec<String>,
    /// Its `#[ffi] impl` methods taking `&self`, in source order.
    pub methods: Vec<Function>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructDef {
    pub name: String,
    pub rust_path: String,
    pub fields: Vec<Field>,
    pub docs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The Rust (snake_case) name.
    pub name: String,
    pub ty: TypeRef,
    pub docs: Vec<String>,
}

/// A fieldless enum. Crosses the C ABI as `int32_t` holding the variant's
/// index (0, 1, ...), in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    pub name: String,
    pub rust_path: String,
    pub variants: Vec<Variant>,
    pub docs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub name: String,
    pub docs: Vec<String>,
}

/// A constructor or a method. For methods the `&State` receiver is implied
/// and is not part of `params`; for the constructor the result is the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    pub rust_path: String,
    pub is_async: bool,
    pub params: Vec<Param>,
    /// `None` for `Result<(), String>` (and for the constructor).
    pub ret: Option<TypeRef>,
    pub docs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub ty: TypeRef,
}

/// `#[ffi_dtor]`: runs on the worker before the context goes away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dtor {
    pub name: String,
    pub rust_path: String,
    pub is_async: bool,
}

/// `#[ffi_event]`: library -> host, fire and forget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub name: String,
    pub params: Vec<Param>,
    pub docs: Vec<String>,
}

/// `#[ffi_host]`: implemented by the host, awaited by async handlers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFn {
    pub name: String,
    pub params: Vec<Param>,
    /// `None` for `Result<(), String>`.
    pub ret: Option<TypeRef>,
    pub docs: Vec<String>,
}

impl Library {
    /// The constructor, the library's methods, every object's methods and
    /// the static functions.
    pub fn functions(&self) -> impl Iterator<Item = &Function> {
        std::iter::once(&self.ctor)
            .chain(&self.methods)
            .chain(self.objects.iter().flat_map(|o| &o.methods))
            .chain(&self.statics)
    }

    /// The run-time type index of an object type.
    pub fn object_index(&self, name: &str) -> Option<u32> {
        let i = self.objects.iter().position(|o| o.name == name)?;
        u32::try_from(i).ok()
    }

    pub fn object(&self, name: &str) -> Option<&Object> {
        self.objects.iter().find(|o| o.name == name)
    }

    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name() == name)
    }

    pub fn structs(&self) -> impl Iterator<Item = &StructDef> {
        self.types.iter().filter_map(|t| match t {
            TypeDef::Struct(s) => Some(s),
            TypeDef::Enum(_) => None,
        })
    }

    pub fn enums(&self) -> impl Iterator<Item = &EnumDef> {
        self.types.iter().filter_map(|t| match t {
            TypeDef::Enum(e) => Some(e),
            TypeDef::Struct(_) => None,
        })
    }

    /// Every distinct `Vec<T>` / `Option<T>` type used anywhere in the
    /// interface (fields, params, results, events, host fns), each listed
    /// after the types it contains, so emitters can declare them in order.
    pub fn compound_types(&self) -> Vec<Compound> {
        let mut out: Vec<TypeRef> = Vec::new();
        let mut visit = |ty: &TypeRef| ty.collect_compounds(&mut out);
        for s in self.structs() {
            s.fields.iter().for_each(|f| visit(&f.ty));
        }
        for f in self.functions() {
            f.params.iter().for_each(|p| visit(&p.ty));
            f.ret.iter().for_each(&mut visit);
        }
        for e in &self.events {
            e.params.iter().for_each(|p| visit(&p.ty));
        }
        for h in &self.hosts {
            h.params.iter().for_each(|p| visit(&p.ty));
            h.ret.iter().for_each(&mut visit);
        }
        out.iter().filter_map(Compound::of).collect()
    }

    /// Everything a C-like emitter declares, each after what it contains:
    /// the `#[ffi_type]`s in order, each preceded by the `Vec`/`Option`
    /// types its fields need, then the compounds only functions use.
    pub fn decl_order(&self) -> Vec<Decl<'_>> {
        let mut done: Vec<TypeRef> = Vec::new();
        let mut out = Vec::new();
        let mut push_compounds = |ty: &TypeRef, out: &mut Vec<Decl<'_>>| {
            let mut needed = Vec::new();
            ty.collect_compounds(&mut needed);
            for c in needed {
                if !done.contains(&c) {
                    done.push(c.clone());
                    out.extend(Compound::of(&c).map(Decl::Compound));
                }
            }
        };
        for t in &self.types {
            if let TypeDef::Struct(s) = t {
                for f in &s.fields {
                    push_compounds(&f.ty, &mut out);
                }
            }
            out.push(Decl::Type(t));
        }
        for c in self.compound_types() {
            push_compounds(&c.ty(), &mut out);
        }
        out
    }
}

/// One item of [`Library::decl_order`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decl<'a> {
    Type(&'a TypeDef),
    Compound(Compound),
}
