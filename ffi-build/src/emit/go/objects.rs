//! `#[ffi_object]` types in Go: `*T` wrapping a handle that `Close` (or the
//! garbage collector) closes, with a method and a `Context` variant per
//! Rust method; and the static functions, as package functions.

use super::calls::{Recv, method};
use super::names::{GoNames, method_names};
use super::types::{doc_comment, go_type};
use crate::emit::template::fill;
use crate::ir::{Compound, Library, TypeRef};
use std::fmt::Write;

const OBJECT: &str = include_str!("templates/object.go.in");

/// The preamble shell that closes each object type's handles.
pub(crate) fn shells(out: &mut String, lib: &Library, n: &GoNames) {
    for o in &lib.objects {
        let handle = n.c.ty(&TypeRef::Object {
            name: o.name.clone(),
            shared: false,
        });
        let _ = write!(
            out,
            "\nstatic inline int {}(uintptr_t h) {{\n\treturn {}(({handle})h);\n}}\n",
            free_shell(n, &o.name),
            n.c.sym.object_free(&o.name),
        );
    }
}

fn free_shell(n: &GoNames, object: &str) -> String {
    n.shell(&format!("{}_free", crate::ir::snake_case(object)))
}

/// Each object type and its methods.
pub(crate) fn types(out: &mut String, lib: &Library, n: &GoNames) {
    for o in &lib.objects {
        doc_comment(
            out,
            "",
            &o.docs,
            &format!("{} is a handle to a {} of the library.", o.name, o.name),
        );
        let _ = writeln!(
            out,
            "//\n// Close it when done; one the garbage collector finds unreachable is closed\n\
             // for you. Its methods are safe for concurrent use."
        );
        out.push_str(&fill(
            OBJECT,
            &[
                ("Type", &o.name),
                ("pkg", n.pkg()),
                ("free", &free_shell(n, &o.name)),
                ("cancel", &n.shell("cancel")),
                ("item", &n.shell("item")),
            ],
        ));
        let list: Vec<&str> = o.methods.iter().map(|m| m.name.as_str()).collect();
        let names = method_names(&list, &[], &[]);
        let recv = Recv::object(&o.name, &o.name);
        for (m, (plain, with_ctx)) in o.methods.iter().zip(&names.methods) {
            method(out, &recv, m, plain, with_ctx, n);
        }
    }
}

/// The lifters of `Vec`/`Option` results of objects: they adopt handles
/// into the context `ctx` and read them as integers (Go never holds a
/// handle in a pointer type).
pub(crate) fn converters(out: &mut String, lib: &Library, n: &GoNames) {
    for c in lib.compound_types() {
        let Some(object) = c.inner().object().map(str::to_string) else {
            continue;
        };
        let ty = c.ty();
        let (go, cty) = (go_type(&ty), n.c_type(&ty));
        let lift = n.object_lift_fn(&object);
        match c {
            Compound::Vec(_) => {
                let _ = write!(
                    out,
                    "func {}(ctx C.uintptr_t, c *{cty}) {go} {{
\titems := unsafe.Slice((*C.uintptr_t)(unsafe.Pointer(c.ptr)), int(c.len))
\tout := make({go}, len(items))
\tfor i, h := range items {{
\t\tout[i] = {lift}(ctx, h)
\t}}
\treturn out
}}

",
                    n.lift_fn(&ty)
                );
            }
            Compound::Option(_) => {
                let _ = write!(
                    out,
                    "func {}(ctx C.uintptr_t, c *{cty}) {go} {{
\tif !bool(c.is_some) {{
\t\treturn nil
\t}}
\treturn {lift}(ctx, *(*C.uintptr_t)(unsafe.Pointer(&c.value)))
}}

",
                    n.lift_fn(&ty)
                );
            }
        }
    }
}
