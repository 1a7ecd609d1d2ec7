//! The state type's constructor, methods and host-function setters, and
//! the C shells they call through.

use super::names::{GoNames, method_names};
use super::types::{
    doc_comment, func_lit, go_type, lift_expr, lower_expr, message_go_type, message_lifter,
    message_lowerer,
};
use crate::emit::template::fill;
use crate::ir::{CLayout, Event, Function, HostFn, Library, Message, Param, TypeRef};
use std::fmt::Write;

const METHOD: &str = include_str!("templates/method.go.in");
const CONSTRUCTOR: &str = include_str!("templates/constructor.go.in");

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
        n.c.sym.lifecycle(crate::ir::Lifecycle::Create),
        c_args(&ctor.params, n),
    );
    for m in &lib.methods {
        method_shells(out, n, &Recv::library(""), m);
    }
    for o in &lib.objects {
        for m in &o.methods {
            method_shells(out, n, &Recv::object("", &o.name), m);
        }
    }
    for f in &lib.statics {
        static_shell(out, n, f);
    }
}

/// The shell of one method: `sync_<name>` (capture lane), or `call_<name>`
/// answering into an item (flat async results) or through the Go
/// callback.
fn method_shells(out: &mut String, n: &GoNames, recv: &Recv<'_>, m: &Function) {
    let c_fn = recv.c_function(n, m);
    let cast = recv.c_cast(n);
    if captured(m) {
        let capture = n.shell("capture");
        let _ = write!(
            out,
            "\nstatic inline {capture} {}(uintptr_t h{}) {{\n\t{capture} c;\n\tc.ret = -1;\n\tc.len = 0;\n\tc.heap = NULL;\n\t{c_fn}(({cast}h, {capture}_cb, &c{});\n\treturn c;\n}}\n",
            n.shell(&recv.shell_name("sync", m)),
            c_params(&m.params, n),
            c_args(&m.params, n),
        );
        return;
    }
    if !flat(m) {
        let _ = write!(
            out,
            "\nstatic inline int {}(uintptr_t h, uintptr_t ud{}) {{\n\treturn {c_fn}(({cast}h, {}, (void *)ud{});\n}}\n",
            n.shell(&recv.shell_name("call", m)),
            c_params(&m.params, n),
            n.shell("callback"),
            c_args(&m.params, n),
        );
        return;
    }
    let item = n.shell("item");
    let _ = write!(
        out,
        "\nstatic inline {item} *{}(uintptr_t h{}) {{\n\t{item} *it = {item}_new({item_kind});\n\tif (it != NULL) {{\n\t\t{c_fn}(({cast}h, {cb}, it{});\n\t}}\n\treturn it;\n}}\n",
        n.shell(&recv.shell_name("call", m)),
        c_params(&m.params, n),
        c_args(&m.params, n),
        cb = n.shell("answer"),
        item_kind = n.shell("ANSWER"),
    );
}

/// The shell of a static function: like a sync method's, without a handle.
fn static_shell(out: &mut String, n: &GoNames, f: &Function) {
    let c_fn = n.c.sym.method(&f.name);
    if captured(f) {
        let capture = n.shell("capture");
        let _ = write!(
            out,
            "\nstatic inline {capture} {}(uintptr_t unused{}) {{\n\t{capture} c;\n\t(void)unused;\n\tc.ret = -1;\n\tc.len = 0;\n\tc.heap = NULL;\n\t{c_fn}({capture}_cb, &c{});\n\treturn c;\n}}\n",
            n.shell(&format!("sync_{}", f.name)),
            c_params(&f.params, n),
            c_args(&f.params, n),
        );
        return;
    }
    let _ = write!(
        out,
        "\nstatic inline int {}(uintptr_t ud{}) {{\n\treturn {c_fn}({}, (void *)ud{});\n}}\n",
        n.shell(&format!("call_{}", f.name)),
        c_params(&f.params, n),
        n.shell("callback"),
        c_args(&f.params, n),
    );
}

/// What a Go method is called on: the library type (its context handle),
/// an object (its handle, checked first), or nothing (a static function).
pub(crate) struct Recv<'a> {
    /// The Go receiver type.
    pub(crate) go_type: &'a str,
    /// The Rust object type, for an object.
    pub(crate) object: Option<&'a str>,
    pub(crate) is_static: bool,
}

impl<'a> Recv<'a> {
    pub(crate) fn library(go_type: &'a str) -> Self {
        Recv {
            go_type,
            object: None,
            is_static: false,
        }
    }

    pub(crate) fn object(go_type: &'a str, object: &'a str) -> Self {
        Recv {
            go_type,
            object: Some(object),
            is_static: false,
        }
    }

    fn static_fn() -> Recv<'static> {
        Recv {
            go_type: "",
            object: None,
            is_static: true,
        }
    }

    fn c_function(&self, n: &GoNames, m: &Function) -> String {
        match self.object {
            None => n.c.sym.method(&m.name),
            Some(o) => n.c.sym.object_method(o, &m.name),
        }
    }

    /// `void *)` or `my_lib_Pattern *)`, after a `(`.
    fn c_cast(&self, n: &GoNames) -> String {
        match self.object {
            None => "void *)".into(),
            Some(o) => format!(
                "{})",
                n.c.ty(&TypeRef::Object {
                    name: o.to_string(),
                    shared: false
                })
            ),
        }
    }

    /// `call_echo`, `sync_job_status`.
    fn shell_name(&self, lane: &str, m: &Function) -> String {
        match self.object {
            None => format!("{lane}_{}", m.name),
            Some(o) => format!("{lane}_{}_{}", crate::ir::snake_case(o), m.name),
        }
    }

    /// The handle the shells take: the context's, the object's `h`
    /// (checked by [`handles`]), or none.
    fn handle(&self) -> &'static str {
        match (self.object, self.is_static) {
            (_, true) => "0",
            (None, false) => "t.ctx",
            (Some(_), false) => "h",
        }
    }
}

/// Statements that check the receiver (an object) and every object
/// parameter, binding their handles (`h`, `<param>_h`) and keeping them alive
/// until the call returns; `fail` returns `err`.
fn handles(recv: &Recv<'_>, m: &Function, names: &[String], fail: &str) -> String {
    let mut s = String::new();
    if recv.object.is_some() {
        let _ = write!(
            s,
            "\th, err := t.handle()\n\tif err != nil {{\n\t\t{fail}\n\t}}\n\tdefer runtime.KeepAlive(t)\n"
        );
    }
    for (name, p) in names.iter().zip(&m.params) {
        if let TypeRef::Object { .. } = p.ty {
            let _ = write!(
                s,
                "\t{name}_h, err := {name}.handle()\n\tif err != nil {{\n\t\terr = fmt.Errorf(\"invalid argument '{}': %w\", err)\n\t\t{fail}\n\t}}\n\tdefer runtime.KeepAlive({name})\n",
                p.name
            );
        }
    }
    s
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
fn captured_body(recv: &Recv<'_>, m: &Function, names: &[String], n: &GoNames) -> String {
    let zero = m.ret.as_ref().map(zero_value);
    let fail = zero.map_or("return err".to_string(), |z| format!("return {z}, err"));
    let mut body = if recv.is_static {
        String::new()
    } else {
        format!("\tif err := ctx.Err(); err != nil {{\n\t\t{fail}\n\t}}\n")
    };
    body.push_str(&handles(recv, m, names, &fail));
    let args = lowered_args(names, &m.params, n);
    let pinned = m.params.iter().any(|p| !CLayout::of(&p.ty).is_scalar());
    if pinned {
        body.push_str("\tvar pinner runtime.Pinner\n\tp := &pinner\n");
    }
    let _ = writeln!(
        body,
        "\tanswer := C.{}({}{args})",
        n.shell(&recv.shell_name("sync", m)),
        recv.handle()
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
                    // `C.bool(0)` does not compile: an untyped 0 is no bool.
                    let czero = match ty {
                        TypeRef::Primitive(crate::ir::Primitive::Bool) => "false",
                        _ => "0",
                    };
                    let _ = write!(
                        body,
                        "\tvalueMsg, err := captureValue(&answer, unsafe.Sizeof({ctype}({czero})))\n\tif err != nil {{\n\t\t{fail}\n\t}}\n\treturn {}, nil\n",
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
/// An object handle stays an integer on the Go side; the shell casts it.
fn c_params(params: &[Param], n: &GoNames) -> String {
    let params = params.iter().enumerate();
    params
        .map(|(i, p)| match &p.ty {
            TypeRef::Object { .. } => format!(", uintptr_t a{i}"),
            ty => format!(", {} a{i}", n.c.ty(ty)),
        })
        .collect()
}

fn c_args(params: &[Param], n: &GoNames) -> String {
    let params = params.iter().enumerate();
    params
        .map(|(i, p)| match &p.ty {
            TypeRef::Object { .. } => format!(", ({})a{i}", n.c.ty(&p.ty)),
            _ => format!(", a{i}"),
        })
        .collect()
}

/// `config TimerConfig, n int64`.
fn go_params(names: &[String], params: &[Param]) -> String {
    let pairs = names.iter().zip(params);
    pairs
        .map(|(name, p)| format!("{name} {}", go_type(&p.ty)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `, lowerTimerConfig(p, config), C.int64_t(n)`; an object parameter is
/// the handle [`handles`] bound.
fn lowered_args(names: &[String], params: &[Param], n: &GoNames) -> String {
    let pairs = names.iter().zip(params);
    pairs
        .map(|(name, p)| match &p.ty {
            TypeRef::Object { .. } => format!(", {name}_h"),
            ty => format!(", {}", lower_expr(ty, name, n)),
        })
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
    out.push_str(&fill(
        CONSTRUCTOR,
        &[
            ("New", &new),
            ("NewContext", &new_ctx),
            ("State", state),
            ("params", &params),
            ("sep", sep),
            ("args", &names.join(", ")),
            ("item", &n.shell("item")),
            ("item_kind", &n.shell("ANSWER")),
            ("create", &n.shell("create")),
            ("lowered", &lowered_args(&names, &ctor.params, n)),
            ("destroy", &n.shell("destroy")),
        ],
    ));
}

/// Each method, plain and with a context.
pub(crate) fn methods(out: &mut String, lib: &Library, n: &GoNames) {
    let method_list: Vec<&str> = lib.methods.iter().map(|m| m.name.as_str()).collect();
    let host_list: Vec<&str> = lib.hosts.iter().map(|h| h.name.as_str()).collect();
    let event_list: Vec<&str> = lib.events.iter().map(|e| e.name.as_str()).collect();
    let names = method_names(&method_list, &host_list, &event_list);
    let recv = Recv::library(&lib.state.name);
    for (m, (plain, with_ctx)) in lib.methods.iter().zip(&names.methods) {
        method(out, &recv, m, plain, with_ctx, n);
    }
    for (h, setter) in lib.hosts.iter().zip(&names.setters) {
        host_setter(out, &lib.state.name, h, setter, n);
    }
    for (e, subscriber) in lib.events.iter().zip(&names.subscribers) {
        event_subscriber(out, &lib.state.name, e, subscriber, n);
    }
}

/// One method of the library type or of an object, plain and with a
/// context.
pub(crate) fn method(
    out: &mut String,
    recv: &Recv<'_>,
    m: &Function,
    plain: &str,
    with_ctx: &str,
    n: &GoNames,
) {
    let state = recv.go_type;
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
    let ctx_doc = if m.is_async {
        "when ctx ends first, the Rust\n// future is dropped and ctx.Err() returned."
    } else {
        "a ctx that has already ended\n// returns ctx.Err() without calling; once started, the call runs to the end on\n// the calling thread (a sync Rust function cannot be interrupted)."
    };
    let body = if captured(m) {
        captured_body(recv, m, &names, n)
    } else {
        let fail = match &m.ret {
            Some(ty) => format!("return *new({}), err", go_type(ty)),
            None => "return err".to_string(),
        };
        let checks = handles(recv, m, &names, &fail);
        // `err` exists already when handles were checked.
        let ret_ctx = if m.ret.is_none() && !checks.is_empty() {
            "_, err = "
        } else {
            ret_ctx
        };
        let shell = n.shell(&recv.shell_name("call", m));
        let handle = recv.handle();
        let lowered = lowered_args(&names, &m.params, n);
        let lifter = message_lifter(m.ret.as_ref(), n);
        let call = if flat(m) {
            format!(
                "\t{ret_ctx}invoke(ctx, {lifter}, func(p *runtime.Pinner) *C.{} {{\n\t\treturn C.{shell}({handle}{lowered})\n\t}}, t.cancelItem)\n",
                n.shell("item"),
            )
        } else if !m.is_async {
            format!(
                "\t{ret_ctx}invokeSync(ctx, {lifter}, func(p *runtime.Pinner, ud C.uintptr_t) {{\n\t\tC.{shell}({handle}, ud{lowered})\n\t}})\n",
            )
        } else {
            format!(
                "\t{ret_ctx}invokeCallback(ctx, {lifter}, func(p *runtime.Pinner, ud C.uintptr_t) {{\n\t\tC.{shell}({handle}, ud{lowered})\n\t}}, t.cancelCall)\n",
            )
        };
        let tail = if m.ret.is_none() {
            "\treturn err\n"
        } else {
            ""
        };
        format!("{checks}{call}{tail}")
    };
    out.push_str(&fill(
        METHOD,
        &[
            ("State", state),
            ("Plain", plain),
            ("WithCtx", with_ctx),
            ("params", &params),
            ("results", &results),
            ("ret", ret_plain),
            ("sep", sep),
            ("args", &names.join(", ")),
            ("ctx_doc", ctx_doc),
            ("body", &body),
        ],
    ));
}

/// The static functions, as package-level functions (no `Context`
/// variant: they run on the calling thread and cannot be interrupted).
pub(crate) fn statics(out: &mut String, lib: &Library, n: &GoNames) {
    let taken: Vec<String> = lib
        .types
        .iter()
        .map(|t| t.name().to_string())
        .chain(lib.objects.iter().map(|o| o.name.clone()))
        .chain([lib.state.name.clone(), n.ctor(&lib.state.name)])
        .collect();
    for f in &lib.statics {
        let mut name = super::names::pascal(&f.name);
        while taken.contains(&name) {
            name.push('_');
        }
        let names = n.params(&f.params);
        let params = go_params(&names, &f.params);
        let results = match &f.ret {
            Some(ty) => format!("({}, error)", go_type(ty)),
            None => "error".to_string(),
        };
        doc_comment(
            out,
            "",
            &f.docs,
            &format!("{name} calls the Rust function {}.", f.name),
        );
        let _ = writeln!(
            out,
            "//\n// It needs no context and runs on the calling thread."
        );
        let _ = writeln!(out, "func {name}({params}) {results} {{");
        if captured(f) {
            out.push_str(&captured_body(&Recv::static_fn(), f, &names, n));
        } else {
            let (ret, tail) = match &f.ret {
                Some(_) => ("return ", ""),
                None => ("_, err := ", "\treturn err\n"),
            };
            let _ = write!(
                out,
                "\t{ret}invokeSync(context.Background(), {}, func(p *runtime.Pinner, ud C.uintptr_t) {{\n\t\tC.{}(ud{})\n\t}})\n{tail}",
                message_lifter(f.ret.as_ref(), n),
                n.shell(&format!("call_{}", f.name)),
                lowered_args(&names, &f.params, n),
            );
        }
        out.push_str("}\n\n");
    }
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
{lift}\t\tserveHost({name:?}, answer, {run}, {lower})
\t}}, {queued})
}}

",
        name = h.name,
        lift = lift_message(&h.name, &h.params, &names, "answerError(answer, err)", n),
        run = func_lit(
            &format!("func() ({}, error)", message_go_type(h.ret.as_ref())),
            &run,
            "\t\t"
        ),
        lower = message_lowerer(h.ret.as_ref(), n, "\t\t"),
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
            let mut s = view(format!("C.{}", n.c.sym.args_struct(owner)));
            for (name, p) in names.iter().zip(params) {
                let place = format!("cArgs.{}", n.c_field(&p.name));
                let _ = writeln!(s, "\t\t{name} := {}", lift_expr(&p.ty, &place, n));
            }
            s
        }
    }
}
