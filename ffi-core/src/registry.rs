//! Opaque, validated handles for values handed to foreign code.
//!
//! A handle is `(generation << 24 | (index + 1)) ^ key` disguised as a
//! pointer; it is never dereferenced. The key is random per registry (and
//! so per process), with its low 24 bits clear so no handle is NULL: the
//! first handle differs from run to run, and a handle of one registry is
//! garbage to another. Generations are 40 bits wide and a slot whose
//! generation is used up is retired, never reused, so a stale handle can
//! never come back to life. A handle whose slot was freed (stale), whose
//! generation does not match (reused slot), or that was never issued
//! (forged, NULL) simply finds nothing.

use std::ffi::c_void;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, OnceLock, RwLock};

#[cfg(not(target_pointer_width = "64"))]
compile_error!("ffi-core needs 64-bit pointers to encode handles");

const INDEX_BITS: u32 = 24;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;
/// Live slots at most: the index field holds `index + 1`.
const MAX_SLOTS: usize = INDEX_MASK as usize;
const MAX_GENERATION: u64 = (1 << (64 - INDEX_BITS)) - 1;

pub struct Registry<T> {
    inner: RwLock<Slots<T>>,
    key: OnceLock<u64>,
}

struct Slots<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    live: usize,
}

struct Slot<T> {
    generation: u64,
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
                live: 0,
            }),
            key: OnceLock::new(),
        }
    }

    /// A new handle for `value`, or `None` when the registry is full.
    pub fn insert(&self, value: Arc<T>) -> Option<*mut c_void> {
        let key = *self.key.get_or_init(random_key);
        let mut s = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let index = match s.free.pop() {
            Some(i) => i,
            None => {
                if s.slots.len() >= MAX_SLOTS {
                    return None;
                }
                let i = u32::try_from(s.slots.len()).ok()?;
                s.slots.push(Slot {
                    generation: 1,
                    value: None,
                });
                i
            }
        };
        s.live += 1;
        let slot = &mut s.slots[index as usize];
        slot.value = Some(value);
        Some(encode(index, slot.generation, key))
    }

    pub fn get(&self, handle: *mut c_void) -> Option<Arc<T>> {
        let (index, generation) = decode(handle, *self.key.get()?)?;
        let s = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let slot = s.slots.get(index as usize)?;
        if slot.generation != generation {
            return None;
        }
        slot.value.clone()
    }

    /// Puts `value` in place of the handle's value, which is returned; the
    /// handle stays valid.
    pub fn replace(&self, handle: *mut c_void, value: Arc<T>) -> Option<Arc<T>> {
        let (index, generation) = decode(handle, *self.key.get()?)?;
        let mut s = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let slot = s.slots.get_mut(index as usize)?;
        if slot.generation != generation || slot.value.is_none() {
            return None;
        }
        slot.value.replace(value)
    }

    /// Takes the value out; the handle (and every copy of it) goes stale.
    pub fn remove(&self, handle: *mut c_void) -> Option<Arc<T>> {
        let (index, generation) = decode(handle, *self.key.get()?)?;
        let mut s = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let slot = s.slots.get_mut(index as usize)?;
        if slot.generation != generation {
            return None;
        }
        let value = slot.value.take()?;
        slot.generation += 1;
        let retired = slot.generation > MAX_GENERATION;
        s.live -= 1;
        if !retired {
            s.free.push(index);
        }
        Some(value)
    }

    pub fn len(&self) -> usize {
        self.inner.read().unwrap_or_else(|e| e.into_inner()).live
    }

    #[cfg(test)]
    fn set_generation(&self, handle: *mut c_void, generation: u64) -> *mut c_void {
        let key = *self.key.get().unwrap();
        let (index, _) = decode(handle, key).unwrap();
        let mut s = self.inner.write().unwrap();
        s.slots[index as usize].generation = generation;
        encode(index, generation, key)
    }
}

/// 64 random bits (from the standard library's per-process hash keys and
/// the clock), low 24 bits cleared.
fn random_key() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.write_u128(now);
    h.finish() & !INDEX_MASK
}

fn encode(index: u32, generation: u64, key: u64) -> *mut c_void {
    let raw = ((generation << INDEX_BITS) | (u64::from(index) + 1)) ^ key;
    raw as usize as *mut c_void
}

fn decode(handle: *mut c_void, key: u64) -> Option<(u32, u64)> {
    let raw = (handle as usize as u64) ^ key;
    let index = u32::try_from(raw & INDEX_MASK).ok()?.checked_sub(1)?;
    Some((index, raw >> INDEX_BITS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_forged_and_null_handles_find_nothing() {
        let r = Registry::new();
        assert!(r.get(std::ptr::null_mut()).is_none(), "nothing issued yet");
        let a = r.insert(Arc::new("a")).unwrap();
        assert_eq!(r.get(a).as_deref(), Some(&"a"));
        assert!(r.get(std::ptr::null_mut()).is_none());
        assert!(r.get(0xdead_beef_usize as *mut c_void).is_none());
        assert!(r.remove(a).is_some());
        assert!(r.get(a).is_none(), "stale after remove");
        assert!(r.remove(a).is_none(), "second remove fails");
        let b = r.insert(Arc::new("b")).unwrap();
        assert_ne!(a, b, "reused slot gets a new generation");
        assert!(r.get(a).is_none());
        assert_eq!(r.get(b).as_deref(), Some(&"b"));
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn handles_differ_between_registries_and_mean_nothing_to_another() {
        let (r1, r2) = (Registry::new(), Registry::new());
        let a = r1.insert(Arc::new(1)).unwrap();
        let b = r2.insert(Arc::new(2)).unwrap();
        assert_ne!(a, b, "the first handle is not a fixed value");
        assert!(!a.is_null() && !b.is_null());
        assert!(r2.get(a).is_none(), "a handle of another registry");
        assert!(r1.get(b).is_none());
    }

    #[test]
    fn a_slot_whose_generations_are_used_up_is_retired() {
        let r = Registry::new();
        let a = r.insert(Arc::new("a")).unwrap();
        let last = r.set_generation(a, MAX_GENERATION);
        assert!(r.get(a).is_none());
        assert!(r.remove(last).is_some());
        let b = r.insert(Arc::new("b")).unwrap();
        assert_ne!(
            decode(b, *r.key.get().unwrap()).unwrap().0,
            decode(last, *r.key.get().unwrap()).unwrap().0,
            "the retired slot is not reused"
        );
        assert!(r.get(last).is_none());
    }
}
