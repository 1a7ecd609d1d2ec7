//! C++ value types for the library's `#[ffi_type]`s, and the conversions
//! between them and their C representations.

use super::names::CppNames;
use super::{Names, doc};
use crate::ir::{Compound, Decl, EnumDef, Library, Message, StructDef, TypeDef, TypeRef};
use std::fmt::Write;

/// Structs and enums, in dependency order.
pub(crate) fn definitions(out: &mut String, lib: &Library, n: &CppNames) {
    for t in &lib.types {
        match t {
            TypeDef::Struct(s) => struct_def(out, n, s),
            TypeDef::Enum(e) => enum_def(out, n, e),
        }
    }
}

fn enum_def(out: &mut String, n: &CppNames, e: &EnumDef) {
    doc(out, "", &e.docs);
    let _ = writeln!(out, "enum class {} : int32_t {{", n.type_name(&e.name));
    for v in &e.variants {
        doc(out, "    ", &v.docs);
        let _ = writeln!(out, "    {},", n.ident(&v.name));
    }
    out.push_str("};\n\n");
}

fn struct_def(out: &mut String, n: &CppNames, s: &StructDef) {
    let name = n.type_name(&s.name);
    doc(out, "", &s.docs);
    let _ = writeln!(out, "struct {name} {{");
    for f in &s.fields {
        doc(out, "    ", &f.docs);
        // Scalars start at zero (the first variant for enums) even when
        // default-initialised.
        let init = match f.ty {
            TypeRef::Primitive(_) | TypeRef::Enum(_) => "{}",
            _ => "",
        };
        let _ = writeln!(out, "    {} {}{init};", n.ty(&f.ty), n.ident(&f.name));
    }
    out.push_str("};\n\n");
    let _ = writeln!(
        out,
        "inline bool operator==(const {name} &a, const {name} &b) {{"
    );
    if s.fields.is_empty() {
        out.push_str("    (void)a;\n    (void)b;\n    return true;\n");
    } else {
        let cmp: Vec<String> = s
            .fields
            .iter()
            .map(|f| format!("a.{0} == b.{0}", n.ident(&f.name)))
            .collect();
        let _ = writeln!(out, "    return {};", cmp.join(" &&\n           "));
    }
    out.push_str("}\n\n");
    let _ = writeln!(
        out,
        "inline bool operator!=(const {name} &a, const {name} &b) {{ return !(a == b); }}\n"
    );
}

/// `detail::lower_*` / `detail::lift_*` for every struct and compound type,
/// each after what it uses.
pub(crate) fn conversions(out: &mut String, lib: &Library, names: &Names) {
    for d in lib.decl_order() {
        match d {
            Decl::Type(TypeDef::Struct(s)) => struct_conversions(out, s, names),
            Decl::Type(TypeDef::Enum(_)) => {}
            Decl::Compound(c) => compound_conversions(out, &c, names),
        }
    }
}

/// `lower_<S>` and `lift_<S>`: field by field.
fn struct_conversions(out: &mut String, s: &StructDef, names: &Names) {
    let (n, c) = (&names.cpp, &names.c);
    let ty = TypeRef::Struct(s.name.clone());
    let (cty, cppty) = (c.ty(&ty), n.ty(&ty));
    conversion_head(out, &cty, &cppty, &n.lower_fn(&ty));
    let _ = writeln!(out, "    {cty} c{{}};");
    for f in &s.fields {
        let field = format!("v.{}", n.ident(&f.name));
        let _ = writeln!(
            out,
            "    c.{} = {};",
            c.ident(&f.name),
            lower(names, &f.ty, &field)
        );
    }
    out.push_str("    return c;\n}\n\n");

    let _ = writeln!(out, "inline {cppty} {}(const {cty} &c) {{", n.lift_fn(&ty));
    if s.fields.is_empty() {
        out.push_str("    (void)c;\n");
    }
    let _ = writeln!(out, "    {cppty} v;");
    for f in &s.fields {
        let field = format!("c.{}", c.ident(&f.name));
        let _ = writeln!(
            out,
            "    v.{} = {};",
            n.ident(&f.name),
            lift(names, &f.ty, &field)
        );
    }
    out.push_str("    return v;\n}\n\n");
}

/// `lower_Vec_T` / `lift_Vec_T` (element by element, into the arena) and
/// `lower_Option_T` / `lift_Option_T`.
fn compound_conversions(out: &mut String, compound: &Compound, names: &Names) {
    let (n, c) = (&names.cpp, &names.c);
    let ty = compound.ty();
    let (cty, cppty) = (c.ty(&ty), n.ty(&ty));
    conversion_head(out, &cty, &cppty, &n.lower_fn(&ty));
    match compound {
        Compound::Vec(inner) => {
            let _ = writeln!(
                out,
                "    {} *p = ffi_arena.array<{0}>(v.size());",
                c.ty(inner)
            );
            out.push_str("    for (size_t i = 0; i < v.size(); ++i) {\n");
            let _ = writeln!(out, "        p[i] = {};", lower(names, inner, "v[i]"));
            let _ = writeln!(out, "    }}\n    return {cty}{{p, v.size()}};");
        }
        Compound::Option(inner) => {
            let _ = writeln!(
                out,
                "    {cty} c{{}};\n    if (v) {{\n        c.is_some = true;"
            );
            let _ = writeln!(
                out,
                "        c.value = {};\n    }}",
                lower(names, inner, "(*v)")
            );
            out.push_str("    return c;\n");
        }
    }
    out.push_str("}\n\n");

    let _ = writeln!(out, "inline {cppty} {}(const {cty} &c) {{", n.lift_fn(&ty));
    match compound {
        Compound::Vec(inner) => {
            let _ = writeln!(out, "    {cppty} v;\n    v.reserve(c.len);");
            out.push_str("    for (size_t i = 0; i < c.len; ++i) {\n");
            let _ = writeln!(
                out,
                "        v.push_back({});\n    }}",
                lift(names, inner, "c.ptr[i]")
            );
            out.push_str("    return v;\n");
        }
        Compound::Option(inner) => {
            let _ = writeln!(
                out,
                "    if (!c.is_some) {{\n        return std::nullopt;\n    }}"
            );
            let _ = writeln!(
                out,
                "    return {cppty}({});",
                lift(names, inner, "c.value")
            );
        }
    }
    out.push_str("}\n\n");
}

/// The signature of a `lower_*` function, up to its body.
fn conversion_head(out: &mut String, cty: &str, cppty: &str, lower_fn: &str) {
    let _ = writeln!(
        out,
        "inline {cty} {lower_fn}(Arena &ffi_arena, const {cppty} &v) {{"
    );
    out.push_str("    (void)ffi_arena;\n");
}

/// An expression turning the C++ value `expr` into its C representation.
/// It may point into `expr` and into `arena`.
pub(crate) fn lower(names: &Names, ty: &TypeRef, expr: &str) -> String {
    match ty {
        TypeRef::Primitive(_) => expr.to_string(),
        TypeRef::Enum(_) => format!("static_cast<{}>({expr})", names.c.ty(ty)),
        TypeRef::String => format!("detail::lower_str({expr})"),
        TypeRef::Bytes => format!("detail::lower_bytes({expr})"),
        TypeRef::Object { .. } => format!("{expr}.native_handle()"),
        _ => format!("detail::{}(ffi_arena, {expr})", names.cpp.lower_fn(ty)),
    }
}

/// An expression copying the C value `expr` into a C++ value.
pub(crate) fn lift(names: &Names, ty: &TypeRef, expr: &str) -> String {
    match ty {
        TypeRef::Primitive(_) => expr.to_string(),
        TypeRef::Enum(_) => format!("static_cast<{}>({expr})", names.cpp.ty(ty)),
        TypeRef::String => format!("detail::lift_str({expr})"),
        TypeRef::Bytes => format!("detail::lift_bytes({expr})"),
        _ => format!("detail::{}({expr})", names.cpp.lift_fn(ty)),
    }
}

/// Expressions lifting each value of a message `msg`/`len` (several values
/// read the `args` that [`bind_args`] binds).
pub(crate) fn lift_message(names: &Names, m: Message<'_>) -> Vec<String> {
    match m {
        Message::Empty => Vec::new(),
        Message::Str => vec!["detail::lift_str(msg, len)".into()],
        Message::Bytes => vec!["detail::lift_bytes(msg, len)".into()],
        Message::Value(t) => {
            let c = format!("(*reinterpret_cast<{}>(msg))", const_ptr(&names.c.ty(t)));
            vec![lift(names, t, &c)]
        }
        Message::Args(params) => params
            .iter()
            .map(|p| lift(names, &p.ty, &format!("args.{}", names.c.ident(&p.name))))
            .collect(),
    }
}

/// A pointer to a constant C value: `const T *`, or `T *const *` for a
/// handle (itself a pointer).
fn const_ptr(c_type: &str) -> String {
    if c_type.ends_with('*') {
        format!("{c_type}const *")
    } else {
        format!("const {c_type} *")
    }
}

/// The statement binding `args` for [`lift_message`] (empty unless the
/// message carries several values).
pub(crate) fn bind_args(names: &Names, owner: &str, m: Message<'_>) -> String {
    match m {
        Message::Args(_) => format!(
            "const auto &args = *reinterpret_cast<const {} *>(msg);",
            names.c.sym.args_struct(owner)
        ),
        _ => "(void)msg;".into(),
    }
}

/// `detail::msg_*`: lifts a call's answer, one per distinct result type.
pub(crate) fn answer_lifters(out: &mut String, lib: &Library, names: &Names) {
    let mut done: Vec<String> = Vec::new();
    let rets = lib
        .methods
        .iter()
        .chain(lib.objects.iter().flat_map(|o| &o.methods))
        .chain(&lib.statics)
        .filter_map(|m| m.ret.as_ref());
    for ret in rets {
        // `T` and `Arc<T>` of an object share one lifter.
        let name = names.cpp.msg_fn(Some(ret));
        if done.contains(&name) {
            continue;
        }
        done.push(name);
        let cppty = names.cpp.ty(ret);
        let value = lift_message(names, Message::of_type(Some(ret))).remove(0);
        let _ = writeln!(
            out,
            "inline Result<{cppty}> {}(const char *msg, size_t len) {{\n    (void)len;\n    return Result<{cppty}>({value});\n}}\n",
            names.cpp.msg_fn(Some(ret))
        );
    }
}

/// Statements lowering `value` (a C++ `ty`) into a message and answering a
/// host call with it through `reply`.
pub(crate) fn reply_with(names: &Names, ty: Option<&TypeRef>, value: &str) -> String {
    match Message::of_type(ty) {
        Message::Empty => "reply.ok(nullptr, 0);".into(),
        Message::Str | Message::Bytes => format!("reply.ok({value}.data(), {value}.size());"),
        Message::Value(t) => {
            let arena = match t {
                TypeRef::Struct(_) | TypeRef::Vec(_) | TypeRef::Option(_) => {
                    "detail::Arena ffi_arena;\n"
                }
                _ => "",
            };
            format!(
                "{arena}{} c = {};\nreply.ok(&c, sizeof c);",
                names.c.ty(t),
                lower(names, t, value)
            )
        }
        Message::Args(_) => unreachable!("a result is one value"),
    }
}
