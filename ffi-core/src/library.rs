//! What the generated `extern "C"` functions call. Each function of the C
//! ABI is a thin shell around one method here, so the behaviour (handle
//! checks, exactly-once callbacks, panics, teardown) lives in one place.
//!
//! The callback rule: when a non-NULL callback is passed, it is called
//! exactly once, whatever happens (bad handle, bad argument, panic,
//! cancellation, destroy). The return value only says whether the call was
//! accepted.

use crate::FfiType;
use crate::abi::{DESTROYED, FfiCallback, FfiHostFn, RET_ERR, RET_MISSING_CALLBACK, RET_OK};
use crate::cbor::session::Session;
use crate::context::{Context, ContextRef};
use crate::executor::CallJob;
use crate::objects::{Entry, ObjectHandle};
use crate::registry::Registry;
use crate::reply::Reply;
use crate::scope::Scope;
use crate::value::LiftError;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

pub use crate::context::Dtor;

const BAD_HANDLE: &str = "invalid context handle (never created, or already destroyed)";
const TOO_MANY: &str = "too many live contexts";

/// A library's contexts and its static description.
pub struct Library<S> {
    name: &'static str,
    hosts: &'static [&'static str],
    events: &'static [&'static str],
    dtor: Option<Dtor<S>>,
    /// The `#[ffi_object]` type names, by type index.
    object_types: &'static [&'static str],
    contexts: Registry<Context<S>>,
    objects: Registry<Entry<S>>,
    sessions: Registry<Session>,
}

impl<S: Send + Sync + 'static> Library<S> {
    pub const fn new(
        name: &'static str,
        hosts: &'static [&'static str],
        events: &'static [&'static str],
        dtor: Option<Dtor<S>>,
        object_types: &'static [&'static str],
    ) -> Self {
        Library {
            name,
            hosts,
            events,
            dtor,
            object_types,
            contexts: Registry::new(),
            objects: Registry::new(),
            sessions: Registry::new(),
        }
    }

    /// `<lib>_create` with an async constructor. `make` lifts the
    /// arguments and returns the constructor's future.
    ///
    /// # Safety
    /// Called from the generated C ABI; `cb`/`ud` follow its contract.
    pub unsafe fn create_async<F>(
        &'static self,
        cb: FfiCallback,
        ud: *mut c_void,
        make: impl FnOnce() -> Result<F, String>,
    ) -> *mut c_void
    where
        F: Future<Output = Result<S, String>> + Send + 'static,
    {
        let Some(cb) = cb else {
            return std::ptr::null_mut();
        };
        let reply = Reply::new(cb, ud);
        let fut = match guard(make) {
            Ok(f) => f,
            Err(e) => {
                reply.fail(&e);
                return std::ptr::null_mut();
            }
        };
        let ctx = match Context::start(self.name) {
            Ok(c) => c,
            Err(e) => {
                reply.fail(&format!("cannot start the worker thread: {e}"));
                return std::ptr::null_mut();
            }
        };
        let Some(handle) = self.contexts.insert(ctx.clone()) else {
            ctx.shutdown(None);
            reply.fail(TOO_MANY);
            return std::ptr::null_mut();
        };
        let _ = ctx.handle.set(handle as usize);
        let target = ctx.clone();
        let job = CallJob(async move {
            let r = fut.await;
            let out = r.as_ref().map(|_| ()).map_err(Clone::clone);
            target.set_state(r);
            out
        });
        ctx.executor.spawn(Box::pin(job), Some(reply));
        handle
    }

    /// `<lib>_create` with a sync constructor, run on the caller's thread.
    ///
    /// # Safety
    /// As for [`Library::create_async`].
    pub unsafe fn create_sync(
        &'static self,
        cb: FfiCallback,
        ud: *mut c_void,
        make: impl FnOnce() -> Result<S, String>,
    ) -> *mut c_void {
        let Some(cb) = cb else {
            return std::ptr::null_mut();
        };
        let reply = Reply::new(cb, ud);
        let ctx = match Context::start(self.name) {
            Ok(c) => c,
            Err(e) => {
                reply.fail(&format!("cannot start the worker thread: {e}"));
                return std::ptr::null_mut();
            }
        };
        let Some(handle) = self.contexts.insert(ctx.clone()) else {
            ctx.shutdown(None);
            reply.fail(TOO_MANY);
            return std::ptr::null_mut();
        };
        let _ = ctx.handle.set(handle as usize);
        let result = Scope::enter(&ctx.scope, || guard(make));
        match &result {
            Ok(_) => {
                ctx.set_state(result);
                reply.ok_empty();
            }
            Err(e) => {
                let e = e.clone();
                ctx.set_state(result);
                reply.fail(&e);
            }
        }
        handle
    }

    /// A sync method: runs `f` inline on the caller's thread.
    ///
    /// # Safety
    /// As for [`Library::create_async`].
    pub unsafe fn call_sync<R: FfiType>(
        &'static self,
        ctx: *mut c_void,
        cb: FfiCallback,
        ud: *mut c_void,
        f: impl FnOnce(&S, Exporter<'_, S>) -> Result<R, String>,
    ) -> c_int {
        let Some(cb) = cb else {
            return RET_MISSING_CALLBACK;
        };
        let reply = Reply::new(cb, ud);
        let Some(ctx) = self.contexts.get(ctx) else {
            reply.fail(BAD_HANDLE);
            return RET_ERR;
        };
        let exporter = Exporter {
            lib: self,
            owner: ctx.handle.get().copied().unwrap_or(0),
        };
        // The scope only serves events fired from the handler: a library
        // without events skips its two thread-local writes.
        let result = ctx.state_blocking().and_then(|state| {
            if self.events.is_empty() {
                guard(|| f(state, exporter))
            } else {
                Scope::enter(&ctx.scope, || guard(|| f(state, exporter)))
            }
        });
        reply.send(result);
        RET_OK
    }

    /// A static function: no context; runs `f` inline on the caller's
    /// thread.
    ///
    /// # Safety
    /// As for [`Library::create_async`].
    pub unsafe fn call_static<R: FfiType>(
        &self,
        cb: FfiCallback,
        ud: *mut c_void,
        f: impl FnOnce() -> Result<R, String>,
    ) -> c_int {
        let Some(cb) = cb else {
            return RET_MISSING_CALLBACK;
        };
        Reply::new(cb, ud).send(guard(f));
        RET_OK
    }

    /// An async method: `make` lifts the arguments on the caller's thread
    /// and returns the future the worker polls.
    ///
    /// # Safety
    /// As for [`Library::create_async`].
    pub unsafe fn call_async<R, F>(
        &self,
        ctx: *mut c_void,
        cb: FfiCallback,
        ud: *mut c_void,
        make: impl FnOnce(ContextRef<S>) -> Result<F, String>,
    ) -> c_int
    where
        R: FfiType,
        F: Future<Output = Result<R, String>> + Send + 'static,
    {
        let Some(cb) = cb else {
            return RET_MISSING_CALLBACK;
        };
        let reply = Reply::new(cb, ud);
        let Some(ctx) = self.contexts.get(ctx) else {
            reply.fail(BAD_HANDLE);
            return RET_ERR;
        };
        let fut = match guard(|| make(ContextRef::new(&ctx))) {
            Ok(f) => f,
            Err(e) => {
                reply.fail(&e);
                return RET_OK;
            }
        };
        ctx.executor.spawn(Box::pin(CallJob(fut)), Some(reply));
        RET_OK
    }

    /// `<lib>_destroy`: fails every pending call, runs the teardown hook,
    /// and joins the worker.
    pub fn destroy(&self, ctx: *mut c_void) -> c_int {
        match self.contexts.remove(ctx) {
            Some(c) => {
                c.shutdown(self.dtor);
                // The worker is joined: drop the context's objects (values
                // shared through `Arc` with another context stay alive).
                for h in c.objects.take_all() {
                    let h = h as *mut c_void;
                    if let Some(entry) = self.objects.get(h) {
                        drop(self.objects.replace(h, Arc::new(entry.released())));
                    }
                }
                RET_OK
            }
            None => RET_ERR,
        }
    }

    /// `<lib>_cancel`: drops the in-flight calls made with `user_data`;
    /// each gets its callback with `RET_ERR` "call cancelled".
    pub fn cancel(&self, ctx: *mut c_void, user_data: *mut c_void) -> c_int {
        match self.contexts.get(ctx) {
            Some(c) => {
                c.executor.cancel(user_data as usize);
                RET_OK
            }
            None => RET_ERR,
        }
    }

    /// `<lib>_register_host_fn`; a NULL `func` unregisters.
    ///
    /// # Safety
    /// `name` must be NULL or a NUL-terminated string.
    pub unsafe fn register_host_fn(
        &self,
        ctx: *mut c_void,
        name: *const c_char,
        func: FfiHostFn,
        ud: *mut c_void,
    ) -> c_int {
        let Some(ctx) = self.contexts.get(ctx) else {
            return RET_ERR;
        };
        if name.is_null() {
            return RET_ERR;
        }
        // SAFETY: NUL-terminated per the contract.
        let name = unsafe { CStr::from_ptr(name) };
        match self.hosts.iter().find(|h| h.as_bytes() == name.to_bytes()) {
            Some(h) => {
                ctx.scope.hosts.register(h, func, ud);
                RET_OK
            }
            None => RET_ERR,
        }
    }

    /// `<lib>_host_complete`: RET_OK when the answer was delivered, RET_ERR
    /// when the handle or call id is unknown (the answer is then ignored).
    ///
    /// # Safety
    /// `msg` must be NULL or valid for `len` bytes.
    pub unsafe fn host_complete(
        &self,
        ctx: *mut c_void,
        call_id: u64,
        ret: c_int,
        msg: *const c_char,
        len: usize,
    ) -> c_int {
        let Some(ctx) = self.contexts.get(ctx) else {
            return RET_ERR;
        };
        // SAFETY: forwarded from the caller.
        match guard(|| Ok(unsafe { ctx.scope.hosts.complete(call_id, ret, msg, len) })) {
            Ok(true) => RET_OK,
            _ => RET_ERR,
        }
    }

    /// `<lib>_add_event_listener`: the listener id (> 0), or 0 for an
    /// unknown event, a NULL callback or a bad handle.
    ///
    /// # Safety
    /// `event` must be NULL or a NUL-terminated string.
    pub unsafe fn add_event_listener(
        &self,
        ctx: *mut c_void,
        event: *const c_char,
        cb: FfiCallback,
        ud: *mut c_void,
    ) -> u64 {
        let (Some(ctx), Some(cb)) = (self.contexts.get(ctx), cb) else {
            return 0;
        };
        if event.is_null() {
            return 0;
        }
        // SAFETY: NUL-terminated per the contract.
        let event = unsafe { CStr::from_ptr(event) };
        match self
            .events
            .iter()
            .find(|e| e.as_bytes() == event.to_bytes())
        {
            Some(e) => ctx.scope.events.add(e, cb, ud),
            None => 0,
        }
    }

    /// `<lib>_remove_event_listener`: once it returns, the listener is not
    /// called again.
    pub fn remove_event_listener(&self, ctx: *mut c_void, id: u64) -> c_int {
        match self.contexts.get(ctx) {
            Some(c) if c.scope.events.remove(id) => RET_OK,
            _ => RET_ERR,
        }
    }

    /// The entry of `handle`, if it is a live handle of type `type_index`.
    /// The error says what is wrong.
    fn entry(&self, type_index: u32, handle: *mut c_void) -> Result<Arc<Entry<S>>, String> {
        let expected = self.type_name(type_index);
        let entry = self.objects.get(handle).ok_or_else(|| {
            format!("invalid {expected} handle (never created, or already closed)")
        })?;
        if entry.type_index != type_index {
            return Err(format!(
                "a {} handle was given where a {expected} is expected",
                self.type_name(entry.type_index)
            ));
        }
        Ok(entry)
    }

    /// The object behind `handle` (see [`Library::entry`]), and its
    /// context's handle.
    fn object<T: Send + Sync + 'static>(
        &self,
        type_index: u32,
        handle: *mut c_void,
    ) -> Result<(Arc<T>, usize), String> {
        let entry = self.entry(type_index, handle)?;
        Ok((entry.value::<T>()?, entry.owner))
    }

    fn type_name(&self, type_index: u32) -> &'static str {
        self.object_types
            .get(type_index as usize)
            .copied()
            .unwrap_or("object")
    }

    /// An object parameter: the value behind `handle`, or an error naming
    /// the parameter.
    pub fn object_arg<T: Send + Sync + 'static>(
        &self,
        type_index: u32,
        handle: *mut c_void,
        name: &str,
    ) -> Result<Arc<T>, String> {
        self.object::<T>(type_index, handle)
            .map(|(value, _)| value)
            .map_err(|e| format!("invalid argument '{name}': {e}"))
    }

    /// A sync method of an object: runs `f` inline on the caller's thread.
    ///
    /// # Safety
    /// As for [`Library::create_async`].
    pub unsafe fn object_call_sync<T: Send + Sync + 'static, R: FfiType>(
        &'static self,
        type_index: u32,
        handle: *mut c_void,
        cb: FfiCallback,
        ud: *mut c_void,
        f: impl FnOnce(&T, Exporter<'_, S>) -> Result<R, String>,
    ) -> c_int {
        let Some(cb) = cb else {
            return RET_MISSING_CALLBACK;
        };
        let reply = Reply::new(cb, ud);
        // Borrowed from the entry: no reference count to update.
        let entry = self.entry(type_index, handle);
        let value = match entry
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|e| e.value_ref::<T>())
        {
            Ok(v) => v,
            Err(e) => {
                reply.fail(&e);
                return RET_ERR;
            }
        };
        let owner = entry.as_ref().map_or(0, |e| e.owner);
        let exporter = Exporter { lib: self, owner };
        // The context is needed only for the events the handler may fire.
        let result = match self.events.is_empty() {
            true => guard(|| f(value, exporter)),
            false => match entry.as_ref().ok().and_then(|e| e.ctx.as_ref()) {
                Some(ctx) => Scope::enter(&ctx.scope, || guard(|| f(value, exporter))),
                None => Err(DESTROYED.to_string()),
            },
        };
        reply.send(result);
        RET_OK
    }

    /// An async method of an object, on its context's worker: `make` lifts
    /// the arguments on the caller's thread and returns the future.
    ///
    /// # Safety
    /// As for [`Library::create_async`].
    pub unsafe fn object_call_async<T, R, F>(
        &'static self,
        type_index: u32,
        handle: *mut c_void,
        cb: FfiCallback,
        ud: *mut c_void,
        make: impl FnOnce(Arc<T>, ContextRef<S>) -> Result<F, String>,
    ) -> c_int
    where
        T: Send + Sync + 'static,
        R: FfiType,
        F: Future<Output = Result<R, String>> + Send + 'static,
    {
        let Some(cb) = cb else {
            return RET_MISSING_CALLBACK;
        };
        let reply = Reply::new(cb, ud);
        // The entry holds its context, alive for this call: no lookup.
        let found = self.entry(type_index, handle).and_then(|entry| {
            let value = entry.value::<T>()?;
            Ok((value, entry))
        });
        let (value, entry) = match found {
            Ok(found) => found,
            Err(e) => {
                reply.fail(&e);
                return RET_ERR;
            }
        };
        let Some(ctx) = entry.ctx.as_ref() else {
            reply.fail(DESTROYED);
            return RET_ERR;
        };
        let fut = match guard(|| make(value, ContextRef::new(ctx))) {
            Ok(f) => f,
            Err(e) => {
                reply.fail(&e);
                return RET_OK;
            }
        };
        ctx.executor.spawn(Box::pin(CallJob(fut)), Some(reply));
        RET_OK
    }

    /// `<lib>_<type>_free`: closes a handle. RET_ERR for a handle that is
    /// not a live handle of this type.
    pub fn free_object(&self, type_index: u32, handle: *mut c_void) -> c_int {
        match self.objects.get(handle) {
            Some(entry) if entry.type_index == type_index => {}
            _ => return RET_ERR,
        }
        let Some(entry) = self.objects.remove(handle) else {
            return RET_ERR;
        };
        if let Some(ctx) = self.contexts.get(entry.owner as *mut c_void) {
            ctx.objects.forget(handle as usize);
        }
        drop(entry);
        RET_OK
    }

    /// Closes a handle of any object type (a session's, as it ends).
    fn free_any_object(&self, handle: *mut c_void) {
        if let Some(entry) = self.objects.remove(handle) {
            if let Some(ctx) = self.contexts.get(entry.owner as *mut c_void) {
                ctx.objects.forget(handle as usize);
            }
            drop(entry);
        }
    }

    /// `<lib>_cbor_session_new`: object ids for one CBOR peer.
    pub fn session_new(&self) -> *mut c_void {
        self.sessions
            .insert(Session::new())
            .unwrap_or(std::ptr::null_mut())
    }

    /// `<lib>_cbor_session_free`: closes every object the peer still holds.
    pub fn session_free(&self, session: *mut c_void) -> c_int {
        let Some(s) = self.sessions.remove(session) else {
            return RET_ERR;
        };
        for h in s.close() {
            self.free_any_object(h);
        }
        RET_OK
    }

    /// The session behind a `<lib>_cbor_session_new` handle.
    pub fn session(&self, session: *mut c_void) -> Option<Arc<Session>> {
        self.sessions.get(session)
    }

    /// Live object handles of all contexts (for tests and diagnostics).
    pub fn live_objects(&self) -> usize {
        self.objects.len()
    }

    /// Where a call on `ctx` puts the objects it returns.
    pub fn exporter(&'static self, ctx: &Context<S>) -> Exporter<'static, S> {
        Exporter {
            lib: self,
            owner: ctx.handle.get().copied().unwrap_or(0),
        }
    }

    /// Number of live contexts (for tests and diagnostics).
    pub fn live_contexts(&self) -> usize {
        self.contexts.len()
    }

    /// Outstanding host calls of a context (for tests and diagnostics).
    pub fn pending_host_calls(&self, ctx: *mut c_void) -> Option<usize> {
        Some(self.contexts.get(ctx)?.scope.hosts.pending_count())
    }
}

/// Runs user code, turning a panic into an error.
fn guard<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(format!(
            "handler panicked: {}",
            crate::executor::panic_message(&*p)
        )),
    }
}

/// Lifts one argument, naming it in the error.
///
/// # Safety
/// Every pointer inside `c` must be NULL or valid for its length.
pub unsafe fn lift_arg<T: FfiType>(c: &T::C, name: &str) -> Result<T, String> {
    // SAFETY: forwarded from the caller.
    unsafe { T::lift(c) }.map_err(|e: LiftError| e.in_field(name).to_string())
}

/// Turns the objects a call returns into handles owned by the call's
/// context (looked up only when an object is exported).
pub struct Exporter<'a, S: 'static> {
    lib: &'a Library<S>,
    owner: usize,
}

impl<S> Clone for Exporter<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Exporter<'_, S> {}

impl<S: Send + Sync + 'static> Exporter<'_, S> {
    /// A new handle to `value` (an `Arc<T>` result shares it; a `T` result
    /// is its only owner).
    pub fn export<T: Send + Sync + 'static>(
        self,
        type_index: u32,
        value: Arc<T>,
    ) -> Result<ObjectHandle, String> {
        let ctx = self
            .lib
            .contexts
            .get(self.owner as *mut c_void)
            .ok_or_else(|| DESTROYED.to_string())?;
        let entry = Arc::new(Entry::new(type_index, ctx.clone(), self.owner, value));
        let handle = self
            .lib
            .objects
            .insert(entry)
            .ok_or_else(|| "too many live objects".to_string())?;
        if !ctx.objects.add(handle as usize) {
            // The context was torn down meanwhile: nothing may outlive it.
            drop(self.lib.objects.remove(handle));
            return Err(DESTROYED.into());
        }
        Ok(ObjectHandle(handle))
    }

    /// [`Exporter::export`] for every item of a `Vec` result.
    pub fn export_vec<T: Send + Sync + 'static>(
        self,
        type_index: u32,
        values: Vec<Arc<T>>,
    ) -> Result<Vec<ObjectHandle>, String> {
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            match self.export(type_index, v) {
                Ok(h) => out.push(h),
                Err(e) => {
                    // None of them reaches the caller: close them all.
                    for h in out {
                        self.lib.free_object(type_index, h.0);
                    }
                    return Err(e);
                }
            }
        }
        Ok(out)
    }

    /// [`Exporter::export`] for an `Option` result.
    pub fn export_option<T: Send + Sync + 'static>(
        self,
        type_index: u32,
        value: Option<Arc<T>>,
    ) -> Result<Option<ObjectHandle>, String> {
        value.map(|v| self.export(type_index, v)).transpose()
    }
}
