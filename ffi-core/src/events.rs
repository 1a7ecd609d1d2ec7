//! Events: library -> host, fire and forget.
//!
//! Firing never runs listener code on the thread that fires: the event is
//! queued, with the ids of the listeners present at that moment, for the
//! context's dispatcher thread (started with the first listener). One
//! dispatcher per context delivers in queue order, so each listener sees
//! events in the order they were fired, and a slow listener delays only
//! other listeners, never a handler.
//!
//! Removal is synchronous: once `remove` returns, the listener is not
//! called again (if `remove` runs inside that very listener, the current
//! call finishes first). Closing (context destroy) drops queued events.

use crate::abi::RET_OK;
use std::collections::VecDeque;
use std::ffi::{c_char, c_int, c_void};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{JoinHandle, ThreadId};

type Callback = unsafe extern "C" fn(c_int, *const c_char, usize, *mut c_void);

/// An event's arguments, kept until every listener has seen them.
#[doc(hidden)]
pub trait Payload: Send + 'static {
    /// Passes the arguments as one message (see `FfiType::with_message`).
    fn send(&self, send: &mut dyn FnMut(*const c_char, usize));
}

struct Listener {
    id: u64,
    event: &'static str,
    cb: Callback,
    user_data: *mut c_void,
}

struct Queued {
    targets: Vec<u64>,
    payload: Box<dyn Payload>,
}

#[derive(Default)]
struct State {
    listeners: Vec<Listener>,
    queue: VecDeque<Queued>,
    /// The listener the dispatcher is calling right now.
    invoking: Option<u64>,
    dispatcher: Option<ThreadId>,
    next_id: u64,
    closed: bool,
}

// SAFETY: the user data is an opaque token handed back to the listener,
// which the C ABI requires to be callable from the dispatcher thread.
unsafe impl Send for State {}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    /// Signals new work (or closing) to the dispatcher.
    work: Condvar,
    /// Signals that `invoking` changed.
    idle: Condvar,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub(crate) struct Events {
    name: String,
    inner: Arc<Inner>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Events {
    pub(crate) fn new(library: &str) -> Self {
        Events {
            name: format!("{library}-events"),
            inner: Arc::default(),
            thread: Mutex::new(None),
        }
    }

    /// Adds a listener; 0 when the context is closing.
    pub(crate) fn add(&self, event: &'static str, cb: Callback, user_data: *mut c_void) -> u64 {
        let start = {
            let mut st = self.inner.lock();
            if st.closed {
                return 0;
            }
            st.next_id += 1;
            let id = st.next_id;
            st.listeners.push(Listener {
                id,
                event,
                cb,
                user_data,
            });
            id
        };
        let mut thread = self.thread.lock().unwrap_or_else(|e| e.into_inner());
        if thread.is_none() {
            let inner = self.inner.clone();
            match std::thread::Builder::new()
                .name(self.name.clone())
                .spawn(move || dispatch(&inner))
            {
                Ok(handle) => *thread = Some(handle),
                Err(_) => {
                    self.remove(start);
                    return 0;
                }
            }
        }
        start
    }

    /// Removes a listener; false if it was not registered.
    pub(crate) fn remove(&self, id: u64) -> bool {
        let mut st = self.inner.lock();
        let before = st.listeners.len();
        st.listeners.retain(|l| l.id != id);
        let found = st.listeners.len() != before;
        if st.dispatcher != Some(std::thread::current().id()) {
            while st.invoking == Some(id) {
                st = self.inner.idle.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        }
        found
    }

    pub(crate) fn emit(&self, event: &'static str, payload: Box<dyn Payload>) {
        let mut st = self.inner.lock();
        if st.closed {
            return;
        }
        let targets: Vec<u64> = st
            .listeners
            .iter()
            .filter(|l| l.event == event)
            .map(|l| l.id)
            .collect();
        if targets.is_empty() {
            return;
        }
        st.queue.push_back(Queued { targets, payload });
        self.inner.work.notify_one();
    }

    /// Whether anyone listens to `event` (lets `emit` skip boxing).
    pub(crate) fn has_listeners(&self, event: &str) -> bool {
        self.inner.lock().listeners.iter().any(|l| l.event == event)
    }

    /// Drops every listener and queued event, waits for a delivery in
    /// progress, and stops the dispatcher.
    pub(crate) fn close(&self) {
        let on_dispatcher = {
            let mut st = self.inner.lock();
            st.closed = true;
            st.listeners.clear();
            let queued = std::mem::take(&mut st.queue);
            self.inner.work.notify_all();
            let on_dispatcher = st.dispatcher == Some(std::thread::current().id());
            if !on_dispatcher {
                while st.invoking.is_some() {
                    st = self.inner.idle.wait(st).unwrap_or_else(|e| e.into_inner());
                }
            }
            drop(st);
            drop(queued);
            on_dispatcher
        };
        let handle = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(h) = handle
            && !on_dispatcher
        {
            let _ = h.join();
        }
    }
}

fn dispatch(inner: &Inner) {
    let mut st = inner.lock();
    st.dispatcher = Some(std::thread::current().id());
    loop {
        while st.queue.is_empty() && !st.closed {
            st = inner.work.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        let Some(event) = st.queue.pop_front() else {
            return; // closed
        };
        for id in event.targets {
            if st.closed {
                break;
            }
            let Some(l) = st.listeners.iter().find(|l| l.id == id) else {
                continue; // removed since the event was fired
            };
            let (cb, user_data) = (l.cb, l.user_data);
            st.invoking = Some(id);
            drop(st);
            let delivered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                event.payload.send(&mut |ptr, len| {
                    // SAFETY: the listener contract of the C ABI.
                    unsafe { cb(RET_OK, ptr, len, user_data) }
                });
            }));
            st = inner.lock();
            st.invoking = None;
            inner.idle.notify_all();
            // A payload whose lowering panicked is skipped, not fatal.
            let _ = delivered;
        }
    }
}
