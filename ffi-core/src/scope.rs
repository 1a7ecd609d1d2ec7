//! The parts of a context that handlers reach without knowing the state
//! type: host functions and event listeners. A thread-local points at the
//! scope of the context whose handler is running.

use crate::events::Events;
use crate::host::HostTable;
use std::cell::RefCell;
use std::sync::Arc;

pub(crate) struct Scope {
    pub(crate) hosts: HostTable,
    pub(crate) events: Events,
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Scope>>> = const { RefCell::new(None) };
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

    /// For the worker thread, which serves one context for its lifetime.
    pub(crate) fn enter_forever(scope: Arc<Scope>) {
        CURRENT.with(|c| *c.borrow_mut() = Some(scope));
    }

    /// Runs `f` with `scope` current (a sync handler on a caller's thread).
    pub(crate) fn enter<R>(scope: &Arc<Scope>, f: impl FnOnce() -> R) -> R {
        struct Restore(Option<Arc<Scope>>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let prev = self.0.take();
                CURRENT.with(|c| *c.borrow_mut() = prev);
            }
        }
        let prev = CURRENT.with(|c| c.borrow_mut().replace(scope.clone()));
        let _restore = Restore(prev);
        f()
    }

    pub(crate) fn current() -> Option<Arc<Scope>> {
        CURRENT.with(|c| c.borrow().clone())
    }
}
