//! Object handles (SPEC section 8): values of `#[ffi_object]` types that the
//! host holds, calls methods on, passes back and closes.
//!
//! Every handle of a library lives in one validated registry; its entry
//! records the object type (so a handle of another type is refused) and the
//! context whose call made it (whose worker runs its async methods). A
//! context keeps the set of its handles: destroying it drops their values,
//! and later calls on them fail with `context destroyed`. An `Arc<T>`
//! result shares one value between handles; it is dropped with the last.

use crate::abi::{DESTROYED, FfiSlice};
use crate::context::Context;
use crate::value::{Arena, FfiType, LiftError};
use std::any::Any;
use std::collections::HashSet;
use std::ffi::c_void;
use std::sync::{Arc, Mutex};

/// One handle's entry. Immutable: destroying its context puts an entry
/// without a value in its place (see `Library::destroy`), so a call reads
/// it without taking a lock.
pub(crate) struct Entry<S> {
    pub(crate) type_index: u32,
    /// The owning context's handle (looked up, never dereferenced).
    pub(crate) owner: usize,
    /// The owning context itself, while it lives: async calls run on its
    /// worker without looking it up.
    pub(crate) ctx: Option<Arc<Context<S>>>,
    value: Option<Arc<dyn Any + Send + Sync>>,
}

impl<S> Entry<S> {
    pub(crate) fn new(
        type_index: u32,
        ctx: Arc<Context<S>>,
        owner: usize,
        value: Arc<dyn Any + Send + Sync>,
    ) -> Self {
        Entry {
            type_index,
            owner,
            ctx: Some(ctx),
            value: Some(value),
        }
    }

    /// The same handle after its context was destroyed.
    pub(crate) fn released(&self) -> Self {
        Entry {
            type_index: self.type_index,
            owner: self.owner,
            ctx: None,
            value: None,
        }
    }

    /// The value, borrowed, unless its context was destroyed.
    pub(crate) fn value_ref<T: Send + Sync + 'static>(&self) -> Result<&T, String> {
        let value = self.value.as_ref().ok_or_else(|| DESTROYED.to_string())?;
        value
            .downcast_ref::<T>()
            .ok_or_else(|| "object handle of an unexpected type".to_string())
    }

    /// The value, unless its context was destroyed.
    pub(crate) fn value<T: Send + Sync + 'static>(&self) -> Result<Arc<T>, String> {
        let value = self.value.clone().ok_or_else(|| DESTROYED.to_string())?;
        value
            .downcast::<T>()
            .map_err(|_| "object handle of an unexpected type".to_string())
    }
}

/// The handles a context owns; `None` once it is torn down, after which no
/// new object can be given to it.
#[derive(Default)]
pub(crate) struct Owned(Mutex<Option<HashSet<usize>>>);

impl Owned {
    pub(crate) fn new() -> Self {
        Owned(Mutex::new(Some(HashSet::new())))
    }

    /// Records `handle`; false when the context is already torn down.
    pub(crate) fn add(&self, handle: usize) -> bool {
        match &mut *self.0.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(set) => {
                set.insert(handle);
                true
            }
            None => false,
        }
    }

    pub(crate) fn forget(&self, handle: usize) {
        if let Some(set) = &mut *self.0.lock().unwrap_or_else(|e| e.into_inner()) {
            set.remove(&handle);
        }
    }

    /// Every handle, once: the context is being torn down.
    pub(crate) fn take_all(&self) -> HashSet<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_default()
    }
}

/// An object handle as it crosses the C ABI: `<lib>_<Type> *`.
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectHandle(pub *mut c_void);

// SAFETY: a handle is an opaque integer, never dereferenced.
unsafe impl Send for ObjectHandle {}
// SAFETY: as above.
unsafe impl Sync for ObjectHandle {}

// SAFETY: a handle is its own C representation (a pointer-sized integer).
unsafe impl FfiType for ObjectHandle {
    type C = *mut c_void;
    unsafe fn lift(c: &*mut c_void) -> Result<Self, LiftError> {
        Ok(ObjectHandle(*c))
    }
    fn lower(&self, _: &mut Arena) -> *mut c_void {
        self.0
    }
    fn lower_vec(v: &[Self], _: &mut Arena) -> FfiSlice<*mut c_void> {
        FfiSlice {
            ptr: v.as_ptr().cast(),
            len: v.len(),
        }
    }
}

/// An object id on the CBOR wire: an unsigned integer, scoped to the
/// current session (see [`crate::cbor::session`]).
impl crate::cbor::CborType for ObjectHandle {
    fn encode(&self, e: &mut crate::cbor::Encoder) {
        crate::cbor::session::wire_id(self.0).encode(e);
    }

    fn decode(d: &mut crate::cbor::Decoder<'_>) -> Result<Self, crate::cbor::DecodeError> {
        let id = u64::decode(d)?;
        Ok(ObjectHandle(crate::cbor::session::handle_of(id)))
    }
}
