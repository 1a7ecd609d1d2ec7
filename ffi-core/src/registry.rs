//! Opaque, validated handles for values handed to foreign code.
//!
//! A handle is `generation << 32 | (index + 1)` disguised as a pointer; it
//! is never dereferenced. A handle whose slot was freed (stale), whose
//! generation does not match (reused slot), or that was never issued
//! (forged, NULL) simply finds nothing.

use std::ffi::c_void;
use std::sync::{Arc, RwLock};

#[cfg(not(target_pointer_width = "64"))]
compile_error!("ffi-core needs 64-bit pointers to encode context handles");

pub struct Registry<T> {
    inner: RwLock<Slots<T>>,
}

struct Slots<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
}

struct Slot<T> {
    generation: u32,
    value: Option<Arc<T>>,
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Registry<T> {
    pub const fn new() -> Self {
        Registry {
            inner: RwLock::new(Slots {
                slots: Vec::new(),
                free: Vec::new(),
            }),
        }
    }

    pub fn insert(&self, value: Arc<T>) -> *mut c_void {
        let mut s = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let index = match s.free.pop() {
            Some(i) => i,
            None => {
                let i = u32::try_from(s.slots.len()).expect("too many live handles");
                s.slots.push(Slot {
                    generation: 1,
                    value: None,
                });
                i
            }
        };
        let slot = &mut s.slots[index as usize];
        slot.value = Some(value);
        encode(index, slot.generation)
    }

    pub fn get(&self, handle: *mut c_void) -> Option<Arc<T>> {
        let (index, generation) = decode(handle)?;
        let s = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let slot = s.slots.get(index as usize)?;
        if slot.generation != generation {
            return None;
        }
        slot.value.clone()
    }

    /// Takes the value out; the handle (and every copy of it) goes stale.
    pub fn remove(&self, handle: *mut c_void) -> Option<Arc<T>> {
        let (index, generation) = decode(handle)?;
        let mut s = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let slot = s.slots.get_mut(index as usize)?;
        if slot.generation != generation {
            return None;
        }
        let value = slot.value.take()?;
        slot.generation = slot.generation.wrapping_add(1).max(1);
        s.free.push(index);
        Some(value)
    }

    pub fn len(&self) -> usize {
        let s = self.inner.read().unwrap_or_else(|e| e.into_inner());
        s.slots.len() - s.free.len()
    }
}

fn encode(index: u32, generation: u32) -> *mut c_void {
    let raw = (u64::from(generation) << 32) | (u64::from(index) + 1);
    raw as usize as *mut c_void
}

fn decode(handle: *mut c_void) -> Option<(u32, u32)> {
    let raw = handle as usize as u64;
    let low = (raw & 0xffff_ffff) as u32;
    let index = low.checked_sub(1)?;
    Some((index, (raw >> 32) as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_forged_and_null_handles_find_nothing() {
        let r = Registry::new();
        let a = r.insert(Arc::new("a"));
        assert_eq!(r.get(a).as_deref(), Some(&"a"));
        assert!(r.get(std::ptr::null_mut()).is_none());
        assert!(r.get(0xdead_beef_usize as *mut c_void).is_none());
        assert!(r.remove(a).is_some());
        assert!(r.get(a).is_none(), "stale after remove");
        assert!(r.remove(a).is_none(), "second remove fails");
        let b = r.insert(Arc::new("b"));
        assert_ne!(a, b, "reused slot gets a new generation");
        assert!(r.get(a).is_none());
        assert_eq!(r.get(b).as_deref(), Some(&"b"));
        assert_eq!(r.len(), 1);
    }
}
