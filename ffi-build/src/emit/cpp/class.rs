//! The library's class: the constructor, one member per method (plus an
//! `_async` form for async ones), `set_<host>` and `on_<event>`. The fixed
//! text is in `templates/`; this fills it in.

use super::names::Members;
use super::types::{bind_args, lift_message, lower, reply_with};
use super::{Names, doc};
use crate::emit::template::fill;
use crate::ir::{CLayout, Event, Function, HostFn, Library, Lifecycle, Macro, Message, Param};

const CLASS: &str = include_str!("templates/class.hpp.in");
const CTOR: &str = include_str!("templates/ctor.hpp.in");
const METHOD_SYNC: &str = include_str!("templates/method_sync.hpp.in");
const METHOD_ASYNC: &str = include_str!("templates/method_async.hpp.in");
const HOST: &str = include_str!("templates/host.hpp.in");
const EVENT: &str = include_str!("templates/event.hpp.in");
const REMOVE_LISTENER: &str = include_str!("templates/remove_listener.hpp.in");

/// The author's docs, then a blank line before the note that follows.
fn doc_then_note(out: &mut String, indent: &str, docs: &[String]) {
    doc(out, indent, docs);
    if !docs.is_empty() {
        out.push_str(indent);
        out.push_str("///\n");
    }
}

/// The docs of a member, as a string to put before its template.
pub(super) fn member_docs(docs: &[String]) -> String {
    let mut out = String::new();
    doc_then_note(&mut out, "    ", docs);
    out
}

pub(crate) fn class(out: &mut String, lib: &Library, names: &Names) {
    let c = &names.c;
    let cls = names.cpp.type_name(&lib.state.name);
    let members = Members::new(lib);
    doc_then_note(out, "", &lib.state.docs);
    let mut body = String::new();
    for (f, (blocking, async_name)) in lib.methods.iter().zip(&members.methods) {
        method(&mut body, names, &cls, f, blocking, async_name.as_deref());
    }
    for (h, member) in lib.hosts.iter().zip(&members.hosts) {
        host(&mut body, names, &cls, h, member);
    }
    for (e, member) in lib.events.iter().zip(&members.events) {
        event(&mut body, names, e, member);
    }
    if !lib.events.is_empty() {
        body.push_str(&fill(REMOVE_LISTENER, &[("cls", &cls)]));
    }
    out.push_str(&fill(
        CLASS,
        &[
            ("cls", &cls),
            ("lib", &lib.name),
            ("ctor", &ctor(lib, names, &cls)),
            ("members", &body),
            ("destroy", &c.sym.lifecycle(Lifecycle::Destroy)),
        ],
    ));
}

pub(super) fn params_decl(names: &Names, params: &[Param]) -> String {
    params
        .iter()
        .zip(names.cpp.params(params))
        .map(|(p, name)| {
            let ty = names.cpp.param_ty(&p.ty);
            let sep = if ty.ends_with('&') { "" } else { " " };
            format!("{ty}{sep}{name}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `, lowered args...` for a C call, and whether they need an arena.
pub(super) fn lowered_args(names: &Names, params: &[Param]) -> (String, bool) {
    let arena = params.iter().any(|p| CLayout::of(&p.ty).needs_arena());
    let args = params
        .iter()
        .zip(names.cpp.params(params))
        .map(|(p, name)| format!(", {}", lower(names, &p.ty, &name)))
        .collect();
    (args, arena)
}

/// The arena declaration a call needs, if any.
pub(super) fn arena_decl(arena: bool) -> &'static str {
    if arena {
        "        detail::Arena ffi_arena;\n"
    } else {
        ""
    }
}

fn ctor(lib: &Library, names: &Names, cls: &str) -> String {
    let c = &names.c;
    let f = &lib.ctor;
    let (args, arena) = lowered_args(names, &f.params);
    member_docs(&f.docs)
        + &fill(
            CTOR,
            &[
                ("cls", cls),
                ("lib", &lib.name),
                ("params", &params_decl(names, &f.params)),
                ("abi_version", &c.sym.lifecycle(Lifecycle::AbiVersion)),
                ("abi_macro", &c.sym.macro_name(Macro::AbiVersion)),
                (
                    "check_interface",
                    &c.sym.lifecycle(Lifecycle::CheckInterface),
                ),
                ("arena", arena_decl(arena)),
                ("create", &c.sym.lifecycle(Lifecycle::Create)),
                ("destroy", &c.sym.lifecycle(Lifecycle::Destroy)),
                ("args", &args),
            ],
        )
}

fn method(
    out: &mut String,
    names: &Names,
    cls: &str,
    f: &Function,
    blocking: &str,
    async_name: Option<&str>,
) {
    let (n, c) = (&names.cpp, &names.c);
    let ret = n.ret(f.ret.as_ref());
    let params = params_decl(names, &f.params);
    let (args, arena) = lowered_args(names, &f.params);
    let lift = format!("{ret}, &detail::{}", n.msg_fn(f.ret.as_ref()));
    let c_fn = c.sym.method(&f.name);
    let docs = member_docs(&f.docs);
    out.push_str(&docs);
    let common = [
        ("cls", cls),
        ("ret", ret.as_str()),
        ("name", blocking),
        ("params", &params),
        ("arena", arena_decl(arena)),
        ("c_fn", &c_fn),
        ("lift", &lift),
        ("args", &args),
    ];
    let Some(async_name) = async_name else {
        out.push_str(&fill(METHOD_SYNC, &common));
        return;
    };
    let forward = n.params(&f.params).join(", ");
    let mut values = common.to_vec();
    values.extend([
        ("async_name", async_name),
        ("forward", &forward),
        ("docs", &docs),
    ]);
    out.push_str(&fill(METHOD_ASYNC, &values));
}

/// `std::function` parameter list: `T name, ...` (values the handler owns).
fn owned_params(names: &Names, params: &[Param]) -> String {
    params
        .iter()
        .map(|p| format!("{} {}", names.cpp.ty(&p.ty), names.cpp.ident(&p.name)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn host(out: &mut String, names: &Names, cls: &str, h: &HostFn, member: &str) {
    let n = &names.cpp;
    let ret = n.ret(h.ret.as_ref());
    let sig = format!("Result<{ret}>({})", owned_params(names, &h.params));
    let message = Message::of_params(&h.params);
    let lifted = lift_message(names, message);
    let bind = bind_args(names, &h.name, message);
    let captures: String = lifted
        .iter()
        .enumerate()
        .map(|(i, e)| format!(", a{i} = {e}"))
        .collect();
    let call: Vec<String> = (0..lifted.len())
        .map(|i| format!("std::move(a{i})"))
        .collect();
    let reply = reply_with(names, h.ret.as_ref(), "r.value()").replace('\n', "\n                ");
    out.push_str(&member_docs(&h.docs));
    out.push_str(&fill(
        HOST,
        &[
            ("name", &h.name),
            ("member", member),
            ("sig", &sig),
            ("cls", cls),
            ("bind", &bind),
            ("captures", &captures),
            ("ret", &ret),
            ("call", &call.join(", ")),
            ("reply", &reply),
        ],
    ));
}

fn event(out: &mut String, names: &Names, e: &Event, member: &str) {
    let params = params_decl(names, &e.params);
    let message = Message::of_params(&e.params);
    let lifted = lift_message(names, message);
    let bind = bind_args(names, &e.name, message);
    out.push_str(&member_docs(&e.docs));
    out.push_str(&fill(
        EVENT,
        &[
            ("name", &e.name),
            ("member", member),
            ("params", &params),
            ("bind", &bind),
            ("lifted", &lifted.join(", ")),
        ],
    ));
}
