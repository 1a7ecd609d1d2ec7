//! Object ids scoped to one CBOR peer (an IPC connection): SPEC section 8
//! says an id is valid only where it was received. Without a session (the
//! in-process CBOR ABI) an id is the handle's own bits. With one, results
//! get small ids the session records, parameters are looked up in it, and
//! closing the session closes every object still recorded.
//!
//! The session of a call is set around its decoding and its encoding (which
//! may happen on the worker thread, later), through a thread-local that
//! [`crate::objects::ObjectHandle`]'s CBOR form reads.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::{Arc, Mutex};

/// The objects one peer holds, by the ids it was given.
#[derive(Default)]
pub struct Session {
    inner: Mutex<Ids>,
}

#[derive(Default)]
struct Ids {
    next: u64,
    handles: HashMap<u64, usize>,
    closed: bool,
}

impl Session {
    pub fn new() -> Arc<Session> {
        Arc::new(Session::default())
    }

    /// A new id for `handle`; 0 (never valid) once the session is closed.
    pub(crate) fn export(&self, handle: *mut c_void) -> u64 {
        let mut ids = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if ids.closed {
            return 0;
        }
        ids.next += 1;
        let id = ids.next;
        ids.handles.insert(id, handle as usize);
        id
    }

    /// The handle behind `id`, or a NULL handle (which no call accepts).
    pub(crate) fn import(&self, id: u64) -> *mut c_void {
        let ids = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        ids.handles.get(&id).copied().unwrap_or(0) as *mut c_void
    }

    /// Forgets `id` (its object is being closed); its handle.
    pub fn remove(&self, id: u64) -> Option<*mut c_void> {
        let mut ids = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        ids.handles.remove(&id).map(|h| h as *mut c_void)
    }

    /// Closes the session: every handle still recorded, for the caller to
    /// close; later results get no ids.
    pub fn close(&self) -> Vec<*mut c_void> {
        let mut ids = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        ids.closed = true;
        ids.handles.drain().map(|(_, h)| h as *mut c_void).collect()
    }

    /// Live ids (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .handles
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Session>>> = const { RefCell::new(None) };
}

/// Runs `f` with `session` as the one object ids are read and written in.
pub fn scoped<R>(session: &Option<Arc<Session>>, f: impl FnOnce() -> R) -> R {
    let Some(session) = session else {
        return f();
    };
    struct Restore(Option<Arc<Session>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let prev = self.0.take();
            let _ = CURRENT.try_with(|c| *c.borrow_mut() = prev);
        }
    }
    let prev = CURRENT.with(|c| c.borrow_mut().replace(session.clone()));
    let _restore = Restore(prev);
    f()
}

/// The id of `handle` on the wire: from the current session, else its bits.
pub(crate) fn wire_id(handle: *mut c_void) -> u64 {
    CURRENT
        .with(|c| c.borrow().as_ref().map(|s| s.export(handle)))
        .unwrap_or(handle as usize as u64)
}

/// The handle of a wire `id`: from the current session, else its bits.
pub(crate) fn handle_of(id: u64) -> *mut c_void {
    CURRENT
        .with(|c| c.borrow().as_ref().map(|s| s.import(id)))
        .unwrap_or(id as usize as *mut c_void)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_scoped_and_closed_with_the_session() {
        let (a, b) = (Some(Session::new()), Some(Session::new()));
        let h = 0xabc0_0000_usize as *mut c_void;
        let id = scoped(&a, || wire_id(h));
        assert_eq!(id, 1, "small ids, per session");
        assert_eq!(scoped(&a, || handle_of(id)), h);
        assert!(
            scoped(&b, || handle_of(id)).is_null(),
            "another session's id"
        );
        assert_eq!(wire_id(h), h as u64, "no session: the handle's bits");
        let s = a.unwrap();
        assert_eq!(s.close(), vec![h]);
        assert_eq!(s.export(h), 0, "a closed session gives no ids");
    }
}
