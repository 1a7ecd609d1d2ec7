//! The symbol table of one library: every C-level name its headers declare
//! and its shared library exports (the grammar is `ffi_abi::symbols`), with
//! what declares each. Validation checks the whole table for collisions, so
//! two items that would declare the same C name fail the build at the
//! author's line instead of in a compiler error inside generated code.

use super::{Library, TypeDef, TypeRef};
pub use ffi_abi::symbols::{Lifecycle, Macro, Mangled, Symbols, snake_case, upper_snake};

impl Mangled for TypeRef {
    fn mangle(&self) -> String {
        TypeRef::mangle(self)
    }
}

/// What declares a name, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Lifecycle(Lifecycle),
    Macro(Macro),
    /// The native function of a method, by method name.
    Method(String),
    /// Its CBOR twin, `<lib>_<method>_cbor`.
    MethodCbor(String),
    /// `<lib>_<Type>` of an `#[ffi_type]`, by type name.
    Type(String),
    /// `<lib>_Vec_T` / `<lib>_Option_T`.
    Compound(TypeRef),
    /// `<lib>_<fn>_args` of a host function or event with several
    /// parameters, by its name.
    Args(String),
    /// `<LIB>_<ENUM>_<VARIANT>`, by enum and variant name.
    EnumConst(String, String),
    /// `<lib>_<type>_<method>`, by object type and method name.
    ObjectMethod(String, String),
    /// Its CBOR twin.
    ObjectMethodCbor(String, String),
    /// `<lib>_<type>_free`, by object type.
    ObjectFree(String),
    /// A static function, by name.
    Static(String),
    /// Its CBOR twin.
    StaticCbor(String),
}

impl Owner {
    /// The author's item behind the name: a method and its CBOR twin are
    /// one item.
    pub fn item(&self) -> Owner {
        match self {
            Owner::MethodCbor(m) => Owner::Method(m.clone()),
            Owner::ObjectMethodCbor(t, m) => Owner::ObjectMethod(t.clone(), m.clone()),
            Owner::StaticCbor(f) => Owner::Static(f.clone()),
            other => other.clone(),
        }
    }

    /// What the name is, in a sentence: "the C function of method `echo`".
    pub fn describe(&self) -> String {
        match self {
            Owner::Lifecycle(l) => format!("the library's own C function `{}`", l.suffix()),
            Owner::Macro(m) => format!("the header macro `{}`", m.suffix()),
            Owner::Method(m) => format!("the C function of method `{m}`"),
            Owner::MethodCbor(m) => format!("the CBOR C function of method `{m}`"),
            Owner::Type(t) => format!("the C type of `{t}`"),
            Owner::Compound(t) => format!("the C type of `{t}`"),
            Owner::Args(f) => format!("the argument struct of `{f}`"),
            Owner::EnumConst(e, v) => format!("the C constant of `{e}::{v}`"),
            Owner::ObjectMethod(t, m) => format!("the C function of method `{t}::{m}`"),
            Owner::ObjectMethodCbor(t, m) => {
                format!("the CBOR C function of method `{t}::{m}`")
            }
            Owner::ObjectFree(t) => format!("the C function that closes a `{t}`"),
            Owner::Static(f) => format!("the C function of static function `{f}`"),
            Owner::StaticCbor(f) => format!("the CBOR C function of static function `{f}`"),
        }
    }
}

/// One declared name and what declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub owner: Owner,
}

impl Library {
    pub fn symbol_names(&self) -> Symbols<'_> {
        Symbols::new(&self.name)
    }

    /// Every C name of the library, in the order a reader meets their
    /// owners: the fixed ones first, then the author's items in source
    /// order. Two equal names here are a collision.
    pub fn symbols(&self) -> Vec<Symbol> {
        let s = self.symbol_names();
        let mut out = Vec::new();
        let mut add = |name: String, owner: Owner| out.push(Symbol { name, owner });
        for l in Lifecycle::ALL {
            add(s.lifecycle(l), Owner::Lifecycle(l));
        }
        for m in Macro::ALL {
            add(s.macro_name(m), Owner::Macro(m));
        }
        for t in &self.types {
            add(
                s.type_name(&TypeRef::Struct(t.name().to_string())),
                Owner::Type(t.name().to_string()),
            );
            if let TypeDef::Enum(e) = t {
                for v in &e.variants {
                    add(
                        s.enum_const(&e.name, &v.name),
                        Owner::EnumConst(e.name.clone(), v.name.clone()),
                    );
                }
            }
        }
        for c in self.compound_types() {
            let ty = c.ty();
            add(s.type_name(&ty), Owner::Compound(ty));
        }
        for m in &self.methods {
            add(s.method(&m.name), Owner::Method(m.name.clone()));
            add(s.method_cbor(&m.name), Owner::MethodCbor(m.name.clone()));
        }
        for o in &self.objects {
            let ty = TypeRef::Object {
                name: o.name.clone(),
                shared: false,
            };
            add(s.type_name(&ty), Owner::Type(o.name.clone()));
            add(s.object_free(&o.name), Owner::ObjectFree(o.name.clone()));
            for m in &o.methods {
                let owner = (o.name.clone(), m.name.clone());
                add(
                    s.object_method(&o.name, &m.name),
                    Owner::ObjectMethod(owner.0.clone(), owner.1.clone()),
                );
                add(
                    s.object_method_cbor(&o.name, &m.name),
                    Owner::ObjectMethodCbor(owner.0, owner.1),
                );
            }
        }
        for f in &self.statics {
            add(s.method(&f.name), Owner::Static(f.name.clone()));
            add(s.method_cbor(&f.name), Owner::StaticCbor(f.name.clone()));
        }
        let several = self
            .hosts
            .iter()
            .map(|h| (&h.name, h.params.len()))
            .chain(self.events.iter().map(|e| (&e.name, e.params.len())));
        for (name, count) in several {
            if count > 1 {
                add(s.args_struct(name), Owner::Args(name.clone()));
            }
        }
        out
    }

    /// Pairs `(first, later)` of symbols with equal names.
    pub fn symbol_collisions(&self) -> Vec<(Symbol, Symbol)> {
        let all = self.symbols();
        let mut seen: std::collections::HashMap<&str, &Symbol> = Default::default();
        let mut out = Vec::new();
        for sym in &all {
            match seen.get(sym.name.as_str()) {
                Some(first) => out.push(((*first).clone(), sym.clone())),
                None => {
                    seen.insert(&sym.name, sym);
                }
            }
        }
        out
    }
}
