//! The state type's constructor, methods and host-function setters, and
//! the C shells they call through.

use super::names::{GoNames, method_names};
use super::types::{
    doc_comment, go_type, lift_expr, lower_expr, message_go_type, message_lifter, message_lowerer,
};
use crate::ir::{Event, Function, HostFn, Library, Message, Param, TypeRef};
use std::fmt::Write;

/// The preamble shells that pass the Go callback and cast the integers C
/// holds to `void *`: one for the constructor and one per method.
pub(crate) fn shells(out: &mut String, lib: &Library, n: &GoNames) {
    let cb = n.shell("answer");
    let item = n.shell("item");
    let ctor = &lib.ctor;
    let _ = write!(
        out,
        "\nstatic inline uintptr_t {}({item} *it{}) {{\n\treturn (uintptr_t){}({cb}, it{});\n}}\n",
        n.shell("create"),
        c_params(&ctor.params, n),
        n.c.function("create"),
        c_args(&ctor.params),
    );
    for m in &lib.methods {
        if captured(m) {
            let capture = n.shell("capture");
            let _ = write!(
                out,
                "\nstatic inline {capture} {}(uintptr_t h{}) {{\n\t{capture} c;\n\tc.ret = -1;\n\tc.len = 0;\n\tc.heap = NULL;\n\t{}((void *)h, {capture}_cb, &c{});\n\treturn c;\n}}\n",
                n.shell(&format!("sync_{}", m.name)),
                c_params(&m.params, n),
                n.c.function(&m.name),
                c_args(&m.params),
            );
            continue;
        }
        if !flat(m) {
            let _ = write!(
                out,
                "\nstatic inline int {}(uintptr_t h, uintptr_t ud{}) {{\n\treturn {}((void *)h, {}, (void *)ud{});\n}}\n",
                n.shell(&format!("call_{}", m.name)),
                c_params(&m.params, n),
                n.c.function(&m.name),
                n.shell("callback"),
                c_args(&m.params),
            );
            continue;
        }
        let _ = write!(
            out,
            "\nstatic inline {item} *{}(uintptr_t h{}) {{\n\t{item} *it = {item}_new({item_kind});\n\tif (it != NULL) {{\n\t\t{}((void *)h, {cb}, it{});\n\t}}\n\treturn it;\n}}\n",
            n.shell(&format!("call_{}", m.name)),
            c_params(&m.params, n),
            n.c.function(&m.name),
            c_args(&m.params),
            item_kind = n.shell("ANSWER"),
        );
    }
}

/// Async methods whose result is flat (text, bytes, a number, an enum or
/// nothing) are answered into an item that the caller polls (no Go
/// callback on the library's thread); the others are lifted in a Go
/// callback while their message is valid.
fn flat(m: &Function) -> bool {
    m.is_async && flat_message(m)
}

fn flat_message(m: &Function) -> bool {
    matches!(
        Message::of_type(m.ret.as_ref()),
        Message::Empty
            | Message::Str
            | Message::Bytes
            | Message::Value(TypeRef::Primitive(_) | TypeRef::Enum(_))
    )
}

/// Whether a request or payload holds no pointer, so that a copy of its
/// bytes can be lifted after the call (host functions' requests are then
/// queued instead of passed to a Go callback).
fn flat_params(params: &[Param]) -> bool {
    match Message::of_params(params) {
        Message::Empty | Message::Str | Message::Bytes => true,
        Message::Value(ty) => matches!(ty, TypeRef::Primitive(_) | TypeRef::Enum(_)),
        Message::Args(params) => params
            .iter()
            .all(|p| matches!(p.ty, TypeRef::Primitive(_) | TypeRef::Enum(_))),
    }
}

/// Sync methods whose result is text, bytes, a number, an enum or nothing
/// take the capture lane: the answer is copied by a C callback and
/// returned by value, with no call back into Go.
fn captured(m: &Function) -> bool {
    !m.is_async && flat_message(m)
}

/// The zero value of a captured result type, as Go spells it.
fn zero_value(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String => "\"\"",
        TypeRef::Bytes => "nil",
        TypeRef::Primitive(crate::ir::Primitive::Bool) => "false",
        _ => "0",
    }
}

/// The body of a capture-lane method (see [`captured`]).
fn captured_body(m: &Function, names: &[String], n: &GoNames) -> String {
    let zero = m.ret.as_ref().map(zero_value);
    let fail = zero.map_or("return err".to_string(), |z| format!("return {z}, err"));
    let mut body = format!("\tif err := ctx.Err(); err != nil {{\n\t\t{fail}\n\t}}\n");
    let args = lowered_args(names, &m.params, n);
    let pinned = m
        .params
        .iter()
        .any(|p| !matches!(p.ty, TypeRef::Primitive(_) | TypeRef::Enum(_)));
    if pinned {
        body.push_str("\tvar pinner runtime.Pinner\n\tp := &pinner\n");
    }
    let _ = writeln!(
        body,
        "\tanswer := C.{}(t.ctx{args})",
        n.shell(&format!("sync_{}", m.name))
    );
    if pinned {
        body.push_str("\tpinner.Unpin() // the library copied the arguments\n");
    }
    match &m.ret {
        None => body.push_str("\treturn captureErr(&answer)\n"),
        Some(ty) => {
            let _ = write!(
                body,
                "\tif err := captureErr(&answer); err != nil {{\n\t\t{fail}\n\t}}\n"
            );
            match ty {
                TypeRef::String => body.push_str("\treturn captureString(&answer), nil\n"),
                TypeRef::Bytes => body.push_str("\treturn captureBytes(&answer), nil\n"),
                _ => {
                    let ctype = n.c_type(ty);
                    let _ = write!(
                        body,
                        "\tvalueMsg, err := captureValue(&answer, unsafe.Sizeof({ctype}(0)))\n\tif err != nil {{\n\t\t{fail}\n\t}}\n\treturn {}, nil\n",
                        lift_expr(ty, &format!("*(*{ctype})(valueMsg)"), n)
                    );
                }
            }
        }
    }
    body
}

/// `, my_timer_EchoRequest a0, ...`: positional, so no Rust name can
/// clash with `h` or `ud`.
fn c_params(params: &[Param], n: &GoNames) -> String {
    let params = params.iter().enumerate();
    params
        .map(|(i, p)| format!(", {} a{i}", n.c.ty(&p.ty)))
        .collect()
}

fn c_args(params: &[Param]) -> String {
    (0..params.len()).map(|i| format!(", a{i}")).collect()
}

/// `config TimerConfig, n int64`.
fn go_params(names: &[String], params: &[Param]) -> String {
    let pairs = names.iter().zip(params);
    pairs
        .map(|(name, p)| format!("{name} {}", go_type(&p.ty)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `, lowerTimerConfig(p, config), C.int64_t(n)`.
fn lowered_args(names: &[String], params: &[Param], n: &GoNames) -> String {
    let pairs = names.iter().zip(params);
    pairs
        .map(|(name, p)| format!(", {}", lower_expr(&p.ty, name, n)))
        .collect()
}

/// `New<State>` and `New<State>Context`.
pub(crate) fn constructor(out: &mut String, lib: &Library, n: &GoNames) {
    let state = &lib.state.name;
    let ctor = &lib.ctor;
    let (new, new_ctx) = (n.ctor(state), format!("{}Context", n.ctor(state)));
    let names = n.params(&ctor.params);
    let params = go_params(&names, &ctor.params);
    let sep = if params.is_empty() { "" } else { ", " };
    doc_comment(out, "", &ctor.docs, &format!("{new} creates a {state}."));
    let _ = write!(
        out,
        "//
// Release it with Close. When the constructor fails, the context is
// destroyed and the error returned.
func {new}({params}) (*{state}, error) {{
\treturn {new_ctx}(context.Background(){sep}{})
}}

// {new_ctx} is {new} with a context: when ctx ends first, the
// context is destroyed and ctx.Err() returned.
func {new_ctx}(ctx context.Context{sep}{params}) (*{state}, error) {{
\tvar h C.uintptr_t
\t_, err := invoke(ctx, liftEmpty, func(p *runtime.Pinner) *C.{item} {{
\t\tit := C.{item}_new(C.{item_kind})
\t\tif it != nil {{
\t\t\th = C.{}(it{})
\t\t}}
\t\treturn it
\t}}, func(*C.{item}) {{}})
\tif err != nil {{
\t\tif h != 0 {{
\t\t\tC.{}(h)
\t\t}}
\t\treturn nil, err
\t}}
\treturn &{state}{{ctx: h}}, nil
}}

",
        names.join(", "),
        n.shell("create"),
        lowered_args(&names, &ctor.params, n),
        n.shell("destroy"),
        item = n.shell("item"),
        item_kind = n.shell("ANSWER"),
    );
}

/// Each method, plain and with a context.
pub(crate) fn methods(out: &mut String, lib: &Library, n: &GoNames) {
    let method_list: Vec<&str> = lib.methods.iter().map(|m| m.name.as_str()).collect();
    let host_list: Vec<&str> = lib.hosts.iter().map(|h| h.name.as_str()).collect();
    let event_list: Vec<&str> = lib.events.iter().map(|e| e.name.as_str()).collect();
    let names = method_names(&method_list, &host_list, &event_list);
    for (m, (plain, with_ctx)) in lib.methods.iter().zip(&names.methods) {
        method(out, &lib.state.name, m, plain, with_ctx, n);
    }
    for (h, setter) in lib.hosts.iter().zip(&names.setters) {
        host_setter(out, &lib.state.name, h, setter, n);
    }
    for (e, subscriber) in lib.events.iter().zip(&names.subscribers) {
        event_subscriber(out, &lib.state.name, e, subscriber, n);
    }
}

fn method(out: &mut String, state: &str, m: &Function, plain: &str, with_ctx: &str, n: &GoNames) {
    let names = n.params(&m.params);
    let params = go_params(&names, &m.params);
    let sep = if params.is_empty() { "" } else { ", " };
    let (results, ret_plain, ret_ctx) = match &m.ret {
        Some(ty) => (format!("({}, error)", go_type(ty)), "return ", "return "),
        None => ("error".to_string(), "return ", "_, err := "),
    };
    doc_comment(
        out,
        "",
        &m.docs,
        &format!("{plain} calls the Rust function {}.", m.name),
    );
    if captured(m) {
        let _ = write!(
            out,
            "func (t *{state}) {plain}({params}) {results} {{
\t{ret_plain}t.{with_ctx}(context.Background(){sep}{})
}}

// {with_ctx} is {plain} with a context, checked before the call (the call
// runs on the calling thread and cannot be interrupted).
func (t *{state}) {with_ctx}(ctx context.Context{sep}{params}) {results} {{
{}}}

",
            names.join(", "),
            captured_body(m, &names, n),
        );
        return;
    }
    let _ = write!(
        out,
        "func (t *{state}) {plain}({params}) {results} {{
\t{ret_plain}t.{with_ctx}(context.Background(){sep}{})
}}

// {with_ctx} is {plain} with a context{ctx_doc}
func (t *{state}) {with_ctx}(ctx context.Context{sep}{params}) {results} {{
{call}",
        names.join(", "),
        ctx_doc = if m.is_async {
            ": when ctx ends first, the call is\n// dropped and ctx.Err() returned."
        } else {
            ", checked before the call (the call\n// runs on the calling thread and cannot be interrupted)."
        },
        call = if flat(m) {
            format!(
                "\t{ret_ctx}invoke(ctx, {}, func(p *runtime.Pinner) *C.{} {{\n\t\treturn C.{}(t.ctx{})\n\t}}, t.cancelItem)\n",
                message_lifter(m.ret.as_ref(), n),
                n.shell("item"),
                n.shell(&format!("call_{}", m.name)),
                lowered_args(&names, &m.params, n),
            )
        } else if !m.is_async {
            format!(
                "\t{ret_ctx}invokeSync(ctx, {}, func(p *runtime.Pinner, ud C.uintptr_t) {{\n\t\tC.{}(t.ctx, ud{})\n\t}})\n",
                message_lifter(m.ret.as_ref(), n),
                n.shell(&format!("call_{}", m.name)),
                lowered_args(&names, &m.params, n),
            )
        } else {
            format!(
                "\t{ret_ctx}invokeCallback(ctx, {}, func(p *runtime.Pinner, ud C.uintptr_t) {{\n\t\tC.{}(t.ctx, ud{})\n\t}}, t.cancelCall)\n",
                message_lifter(m.ret.as_ref(), n),
                n.shell(&format!("call_{}", m.name)),
                lowered_args(&names, &m.params, n),
            )
        },
    );
    if m.ret.is_none() {
        out.push_str("\treturn err\n");
    }
    out.push_str("}\n\n");
}

fn host_setter(out: &mut String, state: &str, h: &HostFn, setter: &str, n: &GoNames) {
    let names = n.params(&h.params);
    let results = match &h.ret {
        Some(ty) => format!("({}, error)", go_type(ty)),
        None => "error".into(),
    };
    let fn_type = format!("func({}) {results}", go_params(&names, &h.params));
    let run = match &h.ret {
        Some(_) => format!("return fn({})", names.join(", ")),
        None => format!("return struct{{}}{{}}, fn({})", names.join(", ")),
    };
    let _ = writeln!(
        out,
        "// {setter} installs fn as the host function {}:",
        h.name
    );
    doc_comment(out, "", &h.docs, "");
    let _ = write!(
        out,
        "//
// Each call runs fn on its own goroutine; a panic in fn fails the call.
// {setter}(nil) removes it. The error is non-nil only after Close.
func (t *{state}) {setter}(fn {fn_type}) error {{
\tif fn == nil {{
\t\treturn t.setHost({name:?}, nil, {queued})
\t}}
\treturn t.setHost({name:?}, func(answer hostAnswer, reqMsg *C.char, reqLen C.size_t) {{
{lift}\t\tserveHost({name:?}, answer, func() ({ret}, error) {{ {run} }}, {lower})
\t}}, {queued})
}}

",
        name = h.name,
        lift = lift_message(&h.name, &h.params, &names, "answerError(answer, err)", n),
        ret = message_go_type(h.ret.as_ref()),
        lower = message_lowerer(h.ret.as_ref(), n),
        queued = flat_params(&h.params),
    );
}

fn event_subscriber(out: &mut String, state: &str, e: &Event, subscriber: &str, n: &GoNames) {
    let names = n.params(&e.params);
    let _ = writeln!(
        out,
        "// {subscriber} calls fn with every later {} event:",
        e.name
    );
    doc_comment(out, "", &e.docs, "");
    let _ = write!(
        out,
        "//
// fn runs on the library's event thread, one event at a time, in firing
// order. Once stop returns, fn is not called again; Close stops it too.
func (t *{state}) {subscriber}(fn func({})) (stop func()) {{
\treturn t.listen({name:?}, func(reqMsg *C.char, reqLen C.size_t) {{
{lift}\t\tfn({})
\t}})
}}

",
        go_params(&names, &e.params),
        names.join(", "),
        name = e.name,
        // A malformed payload cannot come from the library; drop it.
        lift = lift_message(&e.name, &e.params, &names, "", n),
    );
}

/// Statements that copy a request or payload (`reqMsg`, `reqLen`) into
/// the parameters' variables while it is valid; `on_error` handles `err`
/// for a malformed one.
fn lift_message(
    owner: &str,
    params: &[Param],
    names: &[String],
    on_error: &str,
    n: &GoNames,
) -> String {
    let on_error = if on_error.is_empty() {
        String::new()
    } else {
        format!("\t\t\t{on_error}\n")
    };
    let view = |c_type: String| {
        format!(
            "\t\tcArgs, err := messageOf[{c_type}](reqMsg, reqLen)\n\t\tif err != nil {{\n{on_error}\t\t\treturn\n\t\t}}\n"
        )
    };
    match Message::of_params(params) {
        Message::Empty => String::new(),
        Message::Str => format!("\t\t{} := goString(reqMsg, reqLen)\n", names[0]),
        Message::Bytes => format!(
            "\t\t{} := goBytes(unsafe.Pointer(reqMsg), reqLen)\n",
            names[0]
        ),
        Message::Value(ty) => {
            view(n.c_type(ty)) + &format!("\t\t{} := {}\n", names[0], lift_expr(ty, "*cArgs", n))
        }
        Message::Args(params) => {
            let mut s = view(format!("C.{}", n.c.args_struct(owner)));
            for (name, p) in names.iter().zip(params) {
                let place = format!("cArgs.{}", n.c_field(&p.name));
                let _ = writeln!(s, "\t\t{name} := {}", lift_expr(&p.ty, &place, n));
            }
            s
        }
    }
}
