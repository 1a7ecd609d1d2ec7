//! The parts of a context that handlers reach without knowing the state
//! type: host functions and event listeners. A thread-local points at the
//! scope of the context whose handler is running.

use crate::events::Events;
use crate::host::HostTable;
use std::cell::{Cell, RefCell};
use std::sync::Arc;

pub(crate) struct Scope {
    pub(crate) hosts: HostTable,
    pub(crate) events: Events,
}

thread_local! {
    /// The scope of the running handler: a pointer borrowed from an `Arc`
    /// that the caller keeps alive while it is set (the worker for its
    /// lifetime, a sync call for its duration).
    static CURRENT: Cell<*const Scope> = const { Cell::new(std::ptr::null()) };

    /// The worker thread's own reference, released when the thread exits.
    static WORKER: RefCell<Option<WorkerScope>> = const { RefCell::new(None) };
}

/// Owns the worker's reference; the pointer in `CURRENT` borrows from it.
struct WorkerScope(#[allow(dead_code)] Arc<Scope>);

impl Drop for WorkerScope {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.set(std::ptr::null()));
    }
}

impl Scope {
    pub(crate) fn new(library: &str) -> Self {
        Scope {
            hosts: HostTable::default(),
            events: Events::new(library),
        }
    }

    /// Stops host calls and event delivery; pending host calls are dropped.
    pub(crate) fn close(&self) {
        self.hosts.close();
        self.events.close();
    }

    /// For the worker thread, which serves one context for its lifetime:
    /// the thread keeps the `Arc` until it exits.
    pub(crate) fn enter_forever(scope: Arc<Scope>) {
        CURRENT.with(|c| c.set(Arc::as_ptr(&scope)));
        WORKER.with(|w| *w.borrow_mut() = Some(WorkerScope(scope)));
    }

    /// Runs `f` with `scope` current (a sync handler on a caller's thread).
    pub(crate) fn enter<R>(scope: &Arc<Scope>, f: impl FnOnce() -> R) -> R {
        struct Restore(*const Scope);
        impl Drop for Restore {
            fn drop(&mut self) {
                CURRENT.with(|c| c.set(self.0));
            }
        }
        let prev = CURRENT.with(|c| c.replace(Arc::as_ptr(scope)));
        let _restore = Restore(prev);
        f()
    }

    /// A new reference to the current scope, if a handler is running.
    pub(crate) fn current() -> Option<Arc<Scope>> {
        let ptr = CURRENT.with(Cell::get);
        if ptr.is_null() {
            return None;
        }
        // SAFETY: `ptr` came from an `Arc` that its setter keeps alive
        // while it is current (see `CURRENT`).
        unsafe {
            Arc::increment_strong_count(ptr);
            Some(Arc::from_raw(ptr))
        }
    }

    /// Runs `f` on the current scope without taking a reference.
    pub(crate) fn with_current<R>(f: impl FnOnce(&Scope) -> R) -> Option<R> {
        let ptr = CURRENT.with(Cell::get);
        // SAFETY: as in `current`.
        (!ptr.is_null()).then(|| f(unsafe { &*ptr }))
    }
}
