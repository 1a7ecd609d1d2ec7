//! The library's class: the constructor, one member per method (plus an
//! `_async` form for async ones), `set_<host>` and `on_<event>`.

use super::names::Members;
use super::types::{bind_args, lift_message, lower, reply_with};
use super::{Names, doc};

/// The author's docs, then a blank line before the note that follows.
fn doc_then_note(out: &mut String, indent: &str, docs: &[String]) {
    doc(out, indent, docs);
    if !docs.is_empty() {
        out.push_str(indent);
        out.push_str("///\n");
    }
}
use crate::ir::{Event, Function, HostFn, Library, Message, Param, TypeRef};
use std::fmt::Write;

pub(crate) fn class(out: &mut String, lib: &Library, names: &Names) {
    let c = &names.c;
    let cls = names.cpp.type_name(&lib.state.name);
    let members = Members::new(lib);
    doc_then_note(out, "", &lib.state.docs);
    out.push_str(
        "/// Owns one context of the library. Move-only; the destructor destroys\n\
         /// the context. A moved-from object answers every call with an error.\n",
    );
    let _ = writeln!(out, "class {cls} {{\npublic:");
    ctor(out, lib, names, &cls);
    let _ = writeln!(
        out,
        "    {cls}({cls} &&other) noexcept\n        : ctx_(std::exchange(other.ctx_, nullptr)), callbacks_(std::move(other.callbacks_)) {{}}\n\n\
         \x20   {cls} &operator=({cls} &&other) noexcept {{\n\
         \x20       if (this != &other) {{\n\
         \x20           release_();\n\
         \x20           ctx_ = std::exchange(other.ctx_, nullptr);\n\
         \x20           callbacks_ = std::move(other.callbacks_);\n\
         \x20       }}\n\
         \x20       return *this;\n    }}\n\n\
         \x20   {cls}(const {cls} &) = delete;\n\
         \x20   {cls} &operator=(const {cls} &) = delete;\n\n\
         \x20   /// Destroys the context: pending calls fail with an error. Then waits\n\
         \x20   /// for host functions that are still running to return.\n\
         \x20   ~{cls}() {{ release_(); }}\n\n\
         \x20   /// The C handle (see {}.h), or NULL when empty.\n\
         \x20   void *native_handle() const noexcept {{ return ctx_; }}\n",
        lib.name
    );
    for (f, (blocking, async_name)) in lib.methods.iter().zip(&members.methods) {
        method(out, names, &cls, f, blocking, async_name.as_deref());
    }
    for (h, member) in lib.hosts.iter().zip(&members.hosts) {
        host(out, names, &cls, h, member);
    }
    for (e, member) in lib.events.iter().zip(&members.events) {
        event(out, names, e, member);
    }
    if !lib.events.is_empty() {
        let _ = writeln!(
            out,
            "    /// Stops a listener added with `on_*`. Once this returns, it is not\n\
             \x20   /// called again (from inside the listener, its current call completes).\n\
             \x20   Result<void> remove_listener(uint64_t id) {{\n\
             \x20       if (ctx_ == nullptr) {{\n            return detail::moved_from(\"{cls}\");\n        }}\n\
             \x20       return callbacks_->remove_listener(id);\n    }}\n"
        );
    }
    let _ = writeln!(
        out,
        "private:\n\
         \x20   explicit {cls}(void *ctx)\n\
         \x20       : ctx_(ctx), callbacks_(std::make_unique<detail::Callbacks>(ctx, detail::api())) {{}}\n\n\
         \x20   void release_() noexcept {{\n\
         \x20       if (ctx_ != nullptr) {{\n\
         \x20           {}(ctx_);\n\
         \x20           ctx_ = nullptr;\n\
         \x20       }}\n\
         \x20       callbacks_.reset();\n    }}\n\n\
         \x20   void *ctx_ = nullptr;\n\
         \x20   std::unique_ptr<detail::Callbacks> callbacks_;\n}};\n",
        c.function("destroy")
    );
}

fn params_decl(names: &Names, params: &[Param]) -> String {
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
fn lowered_args(names: &Names, params: &[Param]) -> (String, bool) {
    let arena = params.iter().any(|p| {
        matches!(
            p.ty,
            TypeRef::Struct(_) | TypeRef::Vec(_) | TypeRef::Option(_)
        )
    });
    let args = params
        .iter()
        .zip(names.cpp.params(params))
        .map(|(p, name)| format!(", {}", lower(names, &p.ty, &name)))
        .collect();
    (args, arena)
}

fn ctor(out: &mut String, lib: &Library, names: &Names, cls: &str) {
    let c = &names.c;
    let f = &lib.ctor;
    doc_then_note(out, "    ", &f.docs);
    let _ = writeln!(
        out,
        "    /// Creates a context and runs the constructor; blocks until it is done.\n\
         \x20   static Result<{cls}> create({}) {{",
        params_decl(names, &f.params)
    );
    let abi = c.abi_version_macro();
    let _ = writeln!(
        out,
        "        uint32_t ffi_abi = {}();\n        if (ffi_abi != {abi}) {{\n\
         \x20           return Error{{\"{}: the library's ABI version \" + std::to_string(ffi_abi) +\n\
         \x20                        \" does not match this header's \" + std::to_string({abi})}};\n        }}",
        c.function("abi_version"),
        lib.name
    );
    let (args, arena) = lowered_args(names, &f.params);
    if arena {
        out.push_str("        detail::Arena ffi_arena;\n");
    }
    let _ = writeln!(
        out,
        "        auto *ffi_done = new std::promise<Result<void>>();\n\
         \x20       std::future<Result<void>> ffi_answer = ffi_done->get_future();\n\
         \x20       void *ffi_ctx = {}(&detail::answer_promise<void, &detail::lift_void>, ffi_done{args});\n\
         \x20       Result<void> ffi_outcome = ffi_answer.get();\n\
         \x20       if (!ffi_outcome) {{\n\
         \x20           if (ffi_ctx != nullptr) {{\n\
         \x20               {}(ffi_ctx);\n\
         \x20           }}\n\
         \x20           return Error{{ffi_outcome.error()}};\n        }}\n\
         \x20       if (ffi_ctx == nullptr) {{\n\
         \x20           return Error{{\"{0} returned no context\"}};\n        }}\n\
         \x20       return {cls}(ffi_ctx);\n    }}\n",
        c.function("create"),
        c.function("destroy")
    );
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
    let arena = if arena {
        "        detail::Arena ffi_arena;\n"
    } else {
        ""
    };
    let lift = format!("{ret}, &detail::{}", n.msg_fn(f.ret.as_ref()));
    let cfn = c.function(&f.name);
    let empty = format!(
        "        if (ctx_ == nullptr) {{\n            return detail::moved_from(\"{cls}\");\n        }}\n"
    );
    doc_then_note(out, "    ", &f.docs);
    let Some(async_name) = async_name else {
        out.push_str("    /// Runs on the calling thread.\n");
        let _ = writeln!(
            out,
            "    Result<{ret}> {blocking}({params}) {{\n{empty}{arena}\
             \x20       detail::Inline<{ret}> ffi_slot;\n\
             \x20       {cfn}(ctx_, &detail::answer_inline<{lift}>, &ffi_slot{args});\n\
             \x20       return std::move(ffi_slot).take();\n    }}\n"
        );
        return;
    };
    let call = n.params(&f.params);
    let _ = writeln!(
        out,
        "    /// Runs on the library's worker thread; blocks until it answers.\n\
         \x20   Result<{ret}> {blocking}({params}) {{ return {async_name}({}).get(); }}\n",
        call.join(", ")
    );
    doc_then_note(out, "    ", &f.docs);
    let _ = writeln!(
        out,
        "    /// Runs on the library's worker thread; the future holds its answer.\n\
         \x20   std::future<Result<{ret}>> {async_name}({params}) {{\n\
         \x20       if (ctx_ == nullptr) {{\n            return detail::ready<{ret}>(detail::moved_from(\"{cls}\"));\n        }}\n{arena}\
         \x20       auto *ffi_done = new std::promise<Result<{ret}>>();\n\
         \x20       std::future<Result<{ret}>> ffi_answer = ffi_done->get_future();\n\
         \x20       {cfn}(ctx_, &detail::answer_promise<{lift}>, ffi_done{args});\n\
         \x20       return ffi_answer;\n    }}\n"
    );
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
    doc_then_note(out, "    ", &h.docs);
    let _ = writeln!(
        out,
        "    /// Implements host function `{name}`. `fn` runs on a thread of its own,\n\
         \x20   /// never the library's worker, so it may block. An empty `fn` removes it.\n\
         \x20   Result<void> {member}(std::function<{sig}> fn) {{\n\
         \x20       if (ctx_ == nullptr) {{\n            return detail::moved_from(\"{cls}\");\n        }}\n\
         \x20       if (!fn) {{\n            return callbacks_->set_host(\"{name}\", nullptr);\n        }}\n\
         \x20       return callbacks_->set_host(\"{name}\", [fn = std::move(fn)](const char *msg, size_t len) -> detail::HostJob {{\n\
         \x20           {bind}\n            (void)len;\n\
         \x20           return [fn{captures}](const detail::HostReply &reply) mutable {{\n\
         \x20               Result<{ret}> r = fn({});\n\
         \x20               if (!r) {{\n                    reply.fail(r.error());\n                    return;\n                }}\n\
         \x20               {reply}\n\
         \x20           }};\n        }});\n    }}\n",
        call.join(", "),
        name = h.name,
    );
}

fn event(out: &mut String, names: &Names, e: &Event, member: &str) {
    let params = params_decl(names, &e.params);
    let message = Message::of_params(&e.params);
    let lifted = lift_message(names, message);
    let bind = bind_args(names, &e.name, message);
    doc_then_note(out, "    ", &e.docs);
    let _ = writeln!(
        out,
        "    /// Listens to event `{name}`; `fn` runs on the library's event thread, in\n\
         \x20   /// firing order. Returns the listener id (0 when it was not added).\n\
         \x20   uint64_t {member}(std::function<void({params})> fn) {{\n\
         \x20       if (ctx_ == nullptr || !fn) {{\n            return 0;\n        }}\n\
         \x20       return callbacks_->listen(\"{name}\", [fn = std::move(fn)](const char *msg, size_t len) {{\n\
         \x20           {bind}\n            (void)len;\n\
         \x20           fn({});\n        }});\n    }}\n",
        lifted.join(", "),
        name = e.name,
    );
}
