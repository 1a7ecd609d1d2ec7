//! `#[ffi_object]` classes: move-only handles whose destructor closes
//! them, with one member per method (plus `_async` for async ones), and the
//! static functions. A class is defined (members declared) before the
//! conversions that adopt handles into it, and its members are defined
//! after them, so that classes may return one another.

use super::class::{lowered_args, member_docs, params_decl};
use super::names::escape;
use super::{Names, doc};
use crate::emit::template::fill;
use crate::ir::{Function, Library, Object, TypeRef};
use std::fmt::Write;

const OBJECT: &str = include_str!("templates/object.hpp.in");
const METHOD_SYNC: &str = include_str!("templates/object_method_sync.hpp.in");
const METHOD_ASYNC: &str = include_str!("templates/object_method_async.hpp.in");
const STATIC_FN: &str = include_str!("templates/static_fn.hpp.in");

/// Members every object class has.
const OBJECT_MEMBERS: &[&str] = &["adopt", "close", "native_handle", "handle_"];

/// The member names of one object class: per method, the blocking name and
/// the `_async` name of an async one.
fn members(o: &Object, cls: &str) -> Vec<(String, Option<String>)> {
    let mut taken: Vec<String> = OBJECT_MEMBERS.iter().map(|s| s.to_string()).collect();
    taken.push(cls.to_string());
    let mut claim = |mut name: String| {
        while taken.contains(&name) {
            name.push('_');
        }
        taken.push(name.clone());
        name
    };
    let blocking: Vec<String> = o.methods.iter().map(|m| claim(escape(&m.name))).collect();
    o.methods
        .iter()
        .zip(blocking)
        .map(|(m, name)| {
            let async_name = m.is_async.then(|| claim(format!("{}_async", m.name)));
            (name, async_name)
        })
        .collect()
}

/// The arena declaration of a function at namespace level, if it needs one.
fn arena_at_top(arena: bool) -> &'static str {
    if arena {
        "    detail::Arena ffi_arena;\n"
    } else {
        ""
    }
}

fn c_type(names: &Names, o: &Object) -> String {
    names.c.sym.type_name(&TypeRef::Object {
        name: o.name.clone(),
        shared: false,
    })
}

/// `class Pattern;` for every object, so signatures may name any of them.
pub(crate) fn forward_declarations(out: &mut String, lib: &Library, names: &Names) {
    for o in &lib.objects {
        let _ = writeln!(out, "class {};", names.cpp.type_name(&o.name));
    }
    if !lib.objects.is_empty() {
        out.push('\n');
    }
}

/// The classes, with their members declared.
pub(crate) fn classes(out: &mut String, lib: &Library, names: &Names) {
    let n = &names.cpp;
    for o in &lib.objects {
        let cls = n.type_name(&o.name);
        let mut decls = String::new();
        for (m, (name, async_name)) in o.methods.iter().zip(members(o, &cls)) {
            let ret = n.ret(m.ret.as_ref());
            let params = params_decl(names, &m.params);
            decls.push_str(&member_docs(&m.docs));
            match async_name {
                None => {
                    let _ = writeln!(
                        decls,
                        "    /// Runs on the calling thread.\n    Result<{ret}> {name}({params}) const;\n"
                    );
                }
                Some(async_name) => {
                    let _ = writeln!(
                        decls,
                        "    /// Runs on the worker thread of the object's context; blocks until it answers.\n    \
                         Result<{ret}> {name}({params}) const;\n"
                    );
                    decls.push_str(&member_docs(&m.docs));
                    let _ = writeln!(
                        decls,
                        "    /// Runs on the worker thread of the object's context; the future holds its answer.\n    \
                         std::future<Result<{ret}>> {async_name}({params}) const;\n"
                    );
                }
            }
        }
        doc(out, "", &o.docs);
        out.push_str(&fill(
            OBJECT,
            &[
                ("name", &o.name),
                ("cls", &cls),
                ("lib", &lib.name),
                ("c_type", &c_type(names, o)),
                ("free", &names.c.sym.object_free(&o.name)),
                ("declarations", &decls),
            ],
        ));
    }
}

/// `detail::lift_<T>` (adopts a handle) and `detail::lower_<T>` (borrows
/// one) for every object; the compound conversions use them.
pub(crate) fn conversions(out: &mut String, lib: &Library, names: &Names) {
    let n = &names.cpp;
    for o in &lib.objects {
        let ty = TypeRef::Object {
            name: o.name.clone(),
            shared: false,
        };
        let (cls, c) = (n.type_name(&o.name), c_type(names, o));
        let _ = writeln!(
            out,
            "inline {cls} {}({c} *handle) {{ return {cls}::adopt(handle); }}\n",
            n.lift_fn(&ty)
        );
        let _ = writeln!(
            out,
            "inline {c} *{}(Arena &, const {cls} &v) {{ return v.native_handle(); }}\n",
            n.lower_fn(&ty)
        );
    }
}

/// The members of every class, defined out of line.
pub(crate) fn member_definitions(out: &mut String, lib: &Library, names: &Names) {
    let n = &names.cpp;
    for o in &lib.objects {
        let cls = n.type_name(&o.name);
        for (m, (name, async_name)) in o.methods.iter().zip(members(o, &cls)) {
            let ret = n.ret(m.ret.as_ref());
            let params = params_decl(names, &m.params);
            let (args, arena) = lowered_args(names, &m.params);
            let lift = format!("{ret}, &detail::{}", n.msg_fn(m.ret.as_ref()));
            let c_fn = names.c.sym.object_method(&o.name, &m.name);
            let common = [
                ("cls", cls.as_str()),
                ("ret", ret.as_str()),
                ("name", name.as_str()),
                ("params", params.as_str()),
                ("arena", arena_at_top(arena)),
                ("c_fn", c_fn.as_str()),
                ("lift", lift.as_str()),
                ("args", args.as_str()),
            ];
            match async_name {
                None => out.push_str(&fill(METHOD_SYNC, &common)),
                Some(async_name) => {
                    let forward: Vec<String> = m.params.iter().map(|p| n.ident(&p.name)).collect();
                    let forward = forward.join(", ");
                    let mut values = common.to_vec();
                    values.extend([("async_name", async_name.as_str()), ("forward", &forward)]);
                    out.push_str(&fill(METHOD_ASYNC, &values));
                }
            }
        }
    }
}

/// The static functions, as free functions of the namespace.
pub(crate) fn statics(out: &mut String, lib: &Library, names: &Names) {
    let n = &names.cpp;
    for f in &lib.statics {
        static_fn(out, names, n.ret(f.ret.as_ref()), f);
    }
}

fn static_fn(out: &mut String, names: &Names, ret: String, f: &Function) {
    let n = &names.cpp;
    let (args, arena) = lowered_args(names, &f.params);
    let lift = format!("{ret}, &detail::{}", n.msg_fn(f.ret.as_ref()));
    doc(out, "", &f.docs);
    if !f.docs.is_empty() {
        out.push_str("///\n");
    }
    out.push_str(&fill(
        STATIC_FN,
        &[
            ("ret", &ret),
            ("name", &escape(&f.name)),
            ("params", &params_decl(names, &f.params)),
            ("arena", arena_at_top(arena)),
            ("c_fn", &names.c.sym.method(&f.name)),
            ("lift", &lift),
            ("args", &args),
        ],
    ));
}
