//! Host functions: the library asks, the host answers later, from any
//! thread, through `<lib>_host_complete(ctx, callId, ...)`.
//!
//! Each outgoing call gets a process-wide unique correlation id. The answer
//! is lifted (copied) inside `host_complete` and parked in the call's slot
//! until the awaiting handler is polled again.

use crate::FfiType;
use crate::abi::{FfiHostFn, RET_OK};
use std::any::Any;
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void};
use std::future::Future;
use std::hash::{BuildHasherDefault, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::task::{Context, Poll, Waker};

type Answer = Result<Box<dyn Any + Send>, String>;
type LiftAnswer = unsafe fn(&'static str, c_int, *const c_char, usize) -> Answer;

static NEXT_CALL_ID: AtomicU64 = AtomicU64::new(1);

#[derive(Clone, Copy)]
struct Registered {
    func: unsafe extern "C" fn(u64, *const c_char, usize, *mut c_void),
    user_data: *mut c_void,
}

// SAFETY: the C ABI requires host functions to be callable from the worker
// thread with the user data they were registered with.
unsafe impl Send for Registered {}
unsafe impl Sync for Registered {}

struct Slot {
    name: &'static str,
    lift: LiftAnswer,
    state: Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    answer: Option<Answer>,
    waker: Option<Waker>,
}

/// Call ids are sequential and unique: they need no hashing.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type ById<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

#[derive(Default)]
pub(crate) struct HostTable {
    fns: RwLock<HashMap<&'static str, Registered>>,
    pending: Mutex<ById<Arc<Slot>>>,
    closed: AtomicBool,
}

impl HostTable {
    /// Installs (or with `None`, removes) the host's implementation.
    pub(crate) fn register(&self, name: &'static str, func: FfiHostFn, user_data: *mut c_void) {
        let mut fns = self.fns.write().unwrap_or_else(|e| e.into_inner());
        match func {
            Some(func) => {
                fns.insert(name, Registered { func, user_data });
            }
            None => {
                fns.remove(name);
            }
        }
    }

    /// Delivers an answer. Unknown and already answered ids are ignored
    /// (the return value says which happened).
    ///
    /// # Safety
    /// `msg` must be NULL or valid for `len` bytes, per the C ABI.
    pub(crate) unsafe fn complete(
        &self,
        id: u64,
        ret: c_int,
        msg: *const c_char,
        len: usize,
    ) -> bool {
        let slot = self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        let Some(slot) = slot else { return false };
        // SAFETY: forwarded from the caller.
        let answer = unsafe { (slot.lift)(slot.name, ret, msg, len) };
        let waker = {
            let mut st = slot.state.lock().unwrap_or_else(|e| e.into_inner());
            st.answer = Some(answer);
            st.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
        true
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        for slot in pending.into_values() {
            let waker = {
                let mut st = slot.state.lock().unwrap_or_else(|e| e.into_inner());
                st.answer = Some(Err(crate::abi::DESTROYED.into()));
                st.waker.take()
            };
            if let Some(w) = waker {
                w.wake();
            }
        }
    }

    pub(crate) fn pending_count(&self) -> usize {
        self.pending.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

unsafe fn lift_answer<T: FfiType + Send>(
    name: &'static str,
    ret: c_int,
    msg: *const c_char,
    len: usize,
) -> Answer {
    if ret == RET_OK {
        // SAFETY: forwarded from `HostTable::complete`.
        match unsafe { T::from_message(msg, len) } {
            Ok(v) => Ok(Box::new(v)),
            Err(e) => Err(format!(
                "host function '{name}' answered with an invalid value: {e}"
            )),
        }
    } else {
        // SAFETY: forwarded from `HostTable::complete`.
        let text = unsafe { crate::value::raw_slice(msg.cast::<u8>(), len) };
        Err(match text {
            Ok(bytes) if !bytes.is_empty() => String::from_utf8_lossy(bytes).into_owned(),
            _ => format!("host function '{name}' failed"),
        })
    }
}

/// Calls the host function `name` of the context whose table `hosts` is
/// (see `scope::call_host`).
pub(crate) fn call<T: FfiType + Send>(
    hosts: Arc<HostTable>,
    name: &'static str,
    send: impl FnOnce(&mut dyn FnMut(*const c_char, usize)),
) -> HostCall<T> {
    if hosts.closed.load(Ordering::Acquire) {
        return HostCall::failed(crate::abi::DESTROYED.into());
    }
    let registered = hosts
        .fns
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(name)
        .copied();
    let Some(registered) = registered else {
        return HostCall::failed(format!("host function '{name}' is not registered"));
    };
    let id = NEXT_CALL_ID.fetch_add(1, Ordering::Relaxed);
    let slot = Arc::new(Slot {
        name,
        lift: lift_answer::<T>,
        state: Mutex::new(SlotState::default()),
    });
    hosts
        .pending
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id, slot.clone());
    send(&mut |req, len| {
        // SAFETY: the host function contract of the C ABI.
        unsafe { (registered.func)(id, req, len, registered.user_data) }
    });
    HostCall {
        inner: Ok((id, slot, hosts)),
        _t: PhantomData,
    }
}

/// The future of a host call. Dropping it forgets the call: a late answer
/// is then ignored.
pub struct HostCall<T> {
    inner: Result<(u64, Arc<Slot>, Arc<HostTable>), Option<String>>,
    _t: PhantomData<fn() -> T>,
}

impl<T> HostCall<T> {
    pub(crate) fn failed(msg: String) -> Self {
        HostCall {
            inner: Err(Some(msg)),
            _t: PhantomData,
        }
    }
}

impl<T: 'static> Future for HostCall<T> {
    type Output = Result<T, String>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let slot = match &mut this.inner {
            Err(msg) => return Poll::Ready(Err(msg.take().unwrap_or_default())),
            Ok((_, slot, _)) => slot,
        };
        let mut st = slot.state.lock().unwrap_or_else(|e| e.into_inner());
        match st.answer.take() {
            Some(answer) => Poll::Ready(answer.map(|b| *b.downcast::<T>().expect("answer type"))),
            None => {
                st.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for HostCall<T> {
    fn drop(&mut self) {
        if let Ok((id, _, hosts)) = &self.inner {
            hosts
                .pending
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(id);
        }
    }
}
