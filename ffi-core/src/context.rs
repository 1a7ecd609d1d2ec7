//! A context: the library's state value, its worker, and its host-function
//! and event tables.

use crate::executor::{BoxFuture, Executor};
use crate::objects::Owned;
use crate::scope::Scope;
use std::future::Future;
use std::ops::Deref;
use std::ptr::NonNull;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::task::{Poll, Waker};

pub(crate) use crate::abi::DESTROYED;

/// The teardown hook: builds the `#[ffi_dtor]` future for a context.
pub type Dtor<S> = fn(Arc<Context<S>>) -> BoxFuture;

/// One live context. Generated glue holds it in an `Arc` while a call runs.
pub struct Context<S> {
    pub(crate) scope: Arc<Scope>,
    /// The object handles this context's calls made.
    pub(crate) objects: Owned,
    /// Its own handle in the library's registry, once registered.
    pub(crate) handle: OnceLock<usize>,
    pub(crate) executor: Executor,
    state: OnceLock<Result<S, String>>,
    waiting: Mutex<Vec<Waker>>,
    ready: Condvar,
}

impl<S: Send + Sync + 'static> Context<S> {
    pub(crate) fn start(library: &'static str) -> std::io::Result<Arc<Self>> {
        let scope = Arc::new(Scope::new(library));
        let worker_scope = scope.clone();
        let executor = Executor::start(
            format!("{library}-worker"),
            Box::new(move || Scope::enter_forever(worker_scope)),
        )?;
        let ctx = Arc::new(Context {
            scope,
            objects: Owned::new(),
            handle: OnceLock::new(),
            executor,
            state: OnceLock::new(),
            waiting: Mutex::new(Vec::new()),
            ready: Condvar::new(),
        });
        // The first message: from here on the worker outlives its tasks'
        // borrows of the context (`ContextRef`).
        ctx.executor.keep_alive(Box::new(ctx.clone()));
        Ok(ctx)
    }

    /// Records the constructor's outcome and wakes everything waiting.
    pub(crate) fn set_state(&self, result: Result<S, String>) {
        let _ = self.state.set(result);
        let wakers = std::mem::take(&mut *self.waiting.lock().unwrap_or_else(|e| e.into_inner()));
        self.ready.notify_all();
        wakers.into_iter().for_each(Waker::wake);
    }

    /// The state, once the constructor has succeeded.
    pub fn try_state(&self) -> Option<&S> {
        self.state.get()?.as_ref().ok()
    }

    /// Waits (asynchronously) for the constructor to finish.
    pub fn state(&self) -> impl Future<Output = Result<&S, String>> + Send + '_ {
        std::future::poll_fn(move |cx| {
            if let Some(r) = self.state.get() {
                return Poll::Ready(outcome(r));
            }
            let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(r) = self.state.get() {
                return Poll::Ready(outcome(r));
            }
            waiting.push(cx.waker().clone());
            Poll::Pending
        })
    }

    /// Blocks the calling thread until the constructor has finished. The
    /// worker itself cannot wait for a constructor it is running.
    pub(crate) fn state_blocking(&self) -> Result<&S, String> {
        if let Some(r) = self.state.get() {
            return outcome(r);
        }
        if self.executor.is_worker_thread() {
            return Err("the context is still being constructed".into());
        }
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(r) = self.state.get() {
                return outcome(r);
            }
            waiting = self.ready.wait(waiting).unwrap_or_else(|e| e.into_inner());
        }
    }

    pub(crate) fn shutdown(self: &Arc<Self>, dtor: Option<Dtor<S>>) {
        self.scope.close();
        let teardown = dtor.map(|d| d(self.clone()));
        self.executor.shutdown(teardown);
        // Sync callers blocked on a constructor that will never finish.
        if self.state.get().is_none() {
            self.set_state(Err(DESTROYED.into()));
        }
    }
}

fn outcome<S>(r: &Result<S, String>) -> Result<&S, String> {
    r.as_ref().map_err(|e| {
        if e == DESTROYED {
            e.clone()
        } else {
            format!("constructor failed: {e}")
        }
    })
}

/// The context an async call's future runs in, borrowed rather than
/// reference-counted: only the context's own worker polls and drops such
/// futures, and the worker holds a reference to the context until it has
/// dropped every task (`Executor::keep_alive`). Saves two atomic updates
/// of a cache line shared by the calling thread and the worker per call.
pub struct ContextRef<S>(NonNull<Context<S>>);

// SAFETY: a shared reference to a `Context<S>`, which is `Sync` when `S` is.
unsafe impl<S: Send + Sync> Send for ContextRef<S> {}
// SAFETY: as above.
unsafe impl<S: Send + Sync> Sync for ContextRef<S> {}

impl<S> ContextRef<S> {
    pub(crate) fn new(ctx: &Arc<Context<S>>) -> Self {
        ContextRef(NonNull::from(&**ctx))
    }
}

impl<S> Deref for ContextRef<S> {
    type Target = Context<S>;

    fn deref(&self) -> &Context<S> {
        // SAFETY: see the type's documentation: the worker that polls the
        // future holding this keeps the context alive.
        unsafe { self.0.as_ref() }
    }
}
