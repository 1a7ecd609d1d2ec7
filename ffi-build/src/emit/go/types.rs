//! Go types, their declarations, and the functions that copy values
//! between Go and their C layouts: `lower<T>` builds the C value in Go
//! memory (pinning what it points to), `lift<T>` copies a C value into Go
//! memory.

use super::aligned;
use super::names::GoNames;
use crate::ir::{Compound, EnumDef, Field, Library, Message, Primitive, StructDef, TypeRef};
use std::fmt::Write;

/// The Go spelling of a type.
pub(crate) fn go_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(p) => primitive(*p).into(),
        TypeRef::String => "string".into(),
        TypeRef::Bytes => "[]byte".into(),
        TypeRef::Vec(inner) => format!("[]{}", go_type(inner)),
        // An object is a pointer already: nil is None.
        TypeRef::Option(inner) if matches!(**inner, TypeRef::Object { .. }) => go_type(inner),
        TypeRef::Option(inner) => format!("*{}", go_type(inner)),
        TypeRef::Struct(n) | TypeRef::Enum(n) => n.clone(),
        TypeRef::Object { name, .. } => format!("*{name}"),
    }
}

fn primitive(p: Primitive) -> &'static str {
    match p {
        Primitive::Bool => "bool",
        Primitive::I8 => "int8",
        Primitive::I16 => "int16",
        Primitive::I32 => "int32",
        Primitive::I64 => "int64",
        Primitive::U8 => "uint8",
        Primitive::U16 => "uint16",
        Primitive::U32 => "uint32",
        Primitive::U64 => "uint64",
        Primitive::F32 => "float32",
        Primitive::F64 => "float64",
    }
}

/// Whether [`doc_comment`] writes any line for `docs` (without a fallback).
fn has_docs(docs: &[String]) -> bool {
    docs.iter().any(|l| !l.trim_end().is_empty())
}

/// `// line` for each line of Rust docs, or `fallback` when there are none.
/// Blank lines are kept only between paragraphs, one each, as gofmt
/// leaves a doc comment.
pub(crate) fn doc_comment(out: &mut String, indent: &str, docs: &[String], fallback: &str) {
    let mut kept: Vec<&str> = Vec::new();
    for line in docs.iter().map(|l| l.trim_end()) {
        if !line.is_empty() || kept.last().is_some_and(|l| !l.is_empty()) {
            kept.push(line);
        }
    }
    while kept.last() == Some(&"") {
        kept.pop();
    }
    let docs = kept;
    if docs.is_empty() {
        if !fallback.is_empty() {
            let _ = writeln!(out, "{indent}// {fallback}");
        }
        return;
    }
    for line in docs {
        if line.is_empty() {
            let _ = writeln!(out, "{indent}//");
        } else if line.starts_with(' ') {
            let _ = writeln!(out, "{indent}//{line}");
        } else {
            let _ = writeln!(out, "{indent}// {line}");
        }
    }
}

/// The `#[ffi_type]` declarations.
pub(crate) fn declarations(out: &mut String, lib: &Library, n: &GoNames) {
    for s in lib.structs() {
        struct_decl(out, s, n);
    }
    for e in lib.enums() {
        enum_decl(out, e, n);
    }
}

fn struct_decl(out: &mut String, s: &StructDef, n: &GoNames) {
    struct_type(out, s, n, |_| None);
}

/// `type <Name> struct {...}`, fields in Rust order; `tag` may add a
/// struct tag to a field (the remote client's `cbor:"..."` tags).
pub(crate) fn struct_type(
    out: &mut String,
    s: &StructDef,
    n: &GoNames,
    tag: impl Fn(&Field) -> Option<String>,
) {
    doc_comment(
        out,
        "",
        &s.docs,
        &format!("{} mirrors the Rust struct {}.", s.name, s.name),
    );
    let _ = writeln!(out, "type {} struct {{", s.name);
    let mut block = Vec::new();
    for f in &s.fields {
        if has_docs(&f.docs) {
            out.push_str(&aligned("\t", &std::mem::take(&mut block)));
            doc_comment(out, "\t", &f.docs, "");
        }
        let mut row = vec![n.exported(&f.name), go_type(&f.ty)];
        row.extend(tag(f));
        block.push(row);
    }
    out.push_str(&aligned("\t", &block));
    out.push_str("}\n\n");
}

fn enum_decl(out: &mut String, e: &EnumDef, n: &GoNames) {
    enum_type(
        out,
        e,
        n,
        &format!("{} mirrors the Rust enum {}.", e.name, e.name),
    );
    let _ = writeln!(out, "// String returns the Rust name of the variant.");
    let _ = writeln!(out, "func (v {}) String() string {{\n\tswitch v {{", e.name);
    for v in &e.variants {
        let _ = writeln!(
            out,
            "\tcase {}:\n\t\treturn {:?}",
            n.enum_const(&e.name, &v.name),
            v.name
        );
    }
    let _ = writeln!(
        out,
        "\t}}\n\treturn enumString({:?}, int32(v))\n}}\n",
        e.name
    );
}

/// `type <Name> int32` and its constants, one per variant, valued by index.
pub(crate) fn enum_type(out: &mut String, e: &EnumDef, n: &GoNames, fallback_doc: &str) {
    doc_comment(out, "", &e.docs, fallback_doc);
    let _ = writeln!(out, "type {} int32\n\nconst (", e.name);
    let mut block = Vec::new();
    for (i, v) in e.variants.iter().enumerate() {
        if has_docs(&v.docs) {
            out.push_str(&aligned("\t", &std::mem::take(&mut block)));
            doc_comment(out, "\t", &v.docs, "");
        }
        block.push(vec![
            n.enum_const(&e.name, &v.name),
            e.name.clone(),
            format!("= {i}"),
        ]);
    }
    out.push_str(&aligned("\t", &block));
    out.push_str(")\n\n");
}

/// `lift<T>` and `lower<T>` for every struct and every `Vec`/`Option`.
pub(crate) fn converters(out: &mut String, lib: &Library, n: &GoNames) {
    for s in lib.structs() {
        let ty = TypeRef::Struct(s.name.clone());
        let (go, c) = (&s.name, n.c_type(&ty));
        let lifts: Vec<Vec<String>> = (s.fields.iter())
            .map(|f| {
                let place = format!("c.{}", n.c_field(&f.name));
                vec![
                    format!("{}:", n.exported(&f.name)),
                    format!("{},", lift_expr(&f.ty, &place, n)),
                ]
            })
            .collect();
        let _ = writeln!(out, "func {}(c *{c}) {go} {{", n.lift_fn(&ty));
        composite(out, "\treturn ", go, &lifts);
        out.push_str("}\n\n");
        let lowers: Vec<Vec<String>> = (s.fields.iter())
            .map(|f| {
                let value = format!("v.{}", n.exported(&f.name));
                vec![
                    format!("{}:", n.c_field(&f.name)),
                    format!("{},", lower_expr(&f.ty, &value, n)),
                ]
            })
            .collect();
        let _ = writeln!(
            out,
            "func {}(p *runtime.Pinner, v {go}) {c} {{",
            n.lower_fn(&ty)
        );
        composite(out, "\treturn ", &c, &lowers);
        out.push_str("}\n\n");
    }
    for c in lib.compound_types() {
        if c.inner().object().is_some() {
            continue; // objects::converters
        }
        let ty = c.ty();
        match &c {
            Compound::Vec(inner) => vec_converters(out, &ty, inner, n),
            Compound::Option(inner) => option_converters(out, &ty, inner, n),
        }
    }
}

/// An empty Vec lifts to an empty, non-nil slice.
fn vec_converters(out: &mut String, ty: &TypeRef, inner: &TypeRef, n: &GoNames) {
    let (go, c, c_item) = (go_type(ty), n.c_type(ty), n.c_type(inner));
    let lift = lift_expr(inner, "items[i]", n);
    let _ = write!(
        out,
        "func {}(c *{c}) {go} {{
\titems := unsafe.Slice(c.ptr, int(c.len))
\tout := make({go}, len(items))
\tfor i := range items {{
\t\tout[i] = {lift}
\t}}
\treturn out
}}

",
        n.lift_fn(ty)
    );
    let lower = lower_expr(inner, "x", n);
    let _ = write!(
        out,
        "func {}(p *runtime.Pinner, v {go}) {c} {{
\tif len(v) == 0 {{
\t\treturn {c}{{}}
\t}}
\titems := make([]{c_item}, len(v))
\tfor i, x := range v {{
\t\titems[i] = {lower}
\t}}
\tp.Pin(&items[0])
\treturn {c}{{ptr: &items[0], len: C.size_t(len(items))}}
}}

",
        n.lower_fn(ty)
    );
}

fn option_converters(out: &mut String, ty: &TypeRef, inner: &TypeRef, n: &GoNames) {
    let (go, c) = (go_type(ty), n.c_type(ty));
    let lift = lift_expr(inner, "c.value", n);
    let lower = lower_expr(inner, "*v", n);
    let _ = write!(
        out,
        "func {}(c *{c}) {go} {{
\tif !bool(c.is_some) {{
\t\treturn nil
\t}}
\tv := {lift}
\treturn &v
}}

func {}(p *runtime.Pinner, v {go}) {c} {{
\tif v == nil {{
\t\treturn {c}{{}}
\t}}
\treturn {c}{{is_some: true, value: {lower}}}
}}

",
        n.lift_fn(ty),
        n.lower_fn(ty)
    );
}

/// `{prefix}Type{...}`: on one line when empty, else one aligned
/// `key: value,` row per line.
fn composite(out: &mut String, prefix: &str, ty: &str, rows: &[Vec<String>]) {
    if rows.is_empty() {
        let _ = writeln!(out, "{prefix}{ty}{{}}");
        return;
    }
    let _ = writeln!(out, "{prefix}{ty}{{");
    out.push_str(&aligned("\t\t", rows));
    out.push_str("\t}\n");
}

/// `&place`, or `ptr` when place is `*ptr`.
fn addr(place: &str) -> String {
    match place.strip_prefix('*') {
        Some(ptr) => ptr.to_string(),
        None => format!("&{place}"),
    }
}

/// Go expression copying the C value at the addressable `place`.
pub(crate) fn lift_expr(ty: &TypeRef, place: &str, n: &GoNames) -> String {
    match ty {
        TypeRef::Primitive(p) => format!("{}({place})", primitive(*p)),
        TypeRef::String => format!("liftStr({})", addr(place)),
        TypeRef::Bytes => format!("liftFFIBytes({})", addr(place)),
        TypeRef::Enum(name) => format!("{name}({place})"),
        TypeRef::Struct(_) | TypeRef::Vec(_) | TypeRef::Option(_) => {
            format!("{}({})", n.lift_fn(ty), addr(place))
        }
        // Read as an integer: Go never holds a handle in a pointer type.
        TypeRef::Object { name, .. } => format!(
            "{}(t.ctx, *(*C.uintptr_t)(unsafe.Pointer({})))",
            n.object_lift_fn(name),
            addr(place)
        ),
    }
}

/// Go expression building the C value of the Go `value` (with a pinner
/// `p` in scope).
pub(crate) fn lower_expr(ty: &TypeRef, value: &str, n: &GoNames) -> String {
    match ty {
        TypeRef::Primitive(_) | TypeRef::Enum(_) => format!("{}({value})", n.c_type(ty)),
        TypeRef::String => format!("lowerStr(p, {value})"),
        TypeRef::Bytes => format!("lowerBytes(p, {value})"),
        TypeRef::Struct(_) | TypeRef::Vec(_) | TypeRef::Option(_) => {
            format!("{}(p, {value})", n.lower_fn(ty))
        }
        TypeRef::Object { .. } => format!("{value}.h"),
    }
}

/// The Go type a message carries (`struct{}` for none).
pub(crate) fn message_go_type(ty: Option<&TypeRef>) -> String {
    ty.map_or_else(|| "struct{}".to_string(), go_type)
}

/// A `liftFunc[T]` for a message of type `ty` (a call's result).
pub(crate) fn message_lifter(ty: Option<&TypeRef>, n: &GoNames) -> String {
    match Message::of_type(ty) {
        Message::Empty => "liftEmpty".into(),
        Message::Str => "liftString".into(),
        Message::Bytes => "liftBytes".into(),
        Message::Value(TypeRef::Object { name, .. }) => format!(
            "valueLifter(func(c *C.uintptr_t) *{name} {{ return {}(t.ctx, *c) }})",
            n.object_lift_fn(name)
        ),
        Message::Value(t @ (TypeRef::Vec(_) | TypeRef::Option(_))) if t.object().is_some() => {
            format!(
                "valueLifter(func(c *{}) {} {{ return {}(t.ctx, c) }})",
                n.c_type(t),
                go_type(t),
                n.lift_fn(t)
            )
        }
        Message::Value(t @ (TypeRef::Struct(_) | TypeRef::Vec(_) | TypeRef::Option(_))) => {
            format!("valueLifter({})", n.lift_fn(t))
        }
        Message::Value(t) => format!(
            "valueLifter(func(c *{}) {} {{ return {} }})",
            n.c_type(t),
            go_type(t),
            lift_expr(t, "*c", n)
        ),
        Message::Args(_) => unreachable!("a result is one value"),
    }
}

/// A function literal with one statement, laid out as gofmt does: on one
/// line when its signature and statement together take at most 100
/// columns, else with the statement on a line of its own (`indent` is the
/// indentation of the line the literal starts on).
pub(crate) fn func_lit(signature: &str, stmt: &str, indent: &str) -> String {
    if signature.len() + stmt.len() <= 100 {
        format!("{signature} {{ {stmt} }}")
    } else {
        format!("{signature} {{\n{indent}\t{stmt}\n{indent}}}")
    }
}

/// A `func(p *runtime.Pinner, v T) (*C.char, C.size_t)` for a message of
/// type `ty` (a host function's answer), as written on a line indented by
/// `indent`.
pub(crate) fn message_lowerer(ty: Option<&TypeRef>, n: &GoNames, indent: &str) -> String {
    match Message::of_type(ty) {
        Message::Empty => "lowerEmptyMsg".into(),
        Message::Str => "lowerStringMsg".into(),
        Message::Bytes => "lowerBytesMsg".into(),
        Message::Value(t) => func_lit(
            &format!(
                "func(p *runtime.Pinner, v {}) (*C.char, C.size_t)",
                go_type(t)
            ),
            &format!("return valueMsg(p, {})", lower_expr(t, "v", n)),
            indent,
        ),
        Message::Args(_) => unreachable!("an answer is one value"),
    }
}
