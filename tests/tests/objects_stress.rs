//! Objects under stress: 8 threads x 10,000 operations that create, call
//! (sync and async), pass, share and close objects across 4 contexts while
//! contexts are destroyed and replaced. Every call gets exactly one
//! callback, and every Rust value is dropped exactly once: none leaked.
//!
//! `RSFFI_STRESS_CALLS` overrides the operations per thread (for valgrind).

use e2e::native::*;
use std::ffi::{c_char, c_int, c_void};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const THREADS: usize = 8;
const CONTEXTS: usize = 4;

fn ops_per_thread() -> usize {
    std::env::var("RSFFI_STRESS_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// One call's answer.
#[derive(Default)]
struct Slot {
    /// A call was made with this slot.
    issued: std::sync::atomic::AtomicBool,
    answers: AtomicU32,
    ret: AtomicI32,
    /// The first 8 bytes of an OK answer (a handle or an i64).
    value: AtomicU64,
}

unsafe extern "C" fn on_answer(ret: c_int, msg: *const c_char, len: usize, ud: *mut c_void) {
    // SAFETY: `ud` is a live `Slot` (slots outlive every call).
    let slot = unsafe { &*(ud as *const Slot) };
    if ret == RET_OK && len >= 8 && !msg.is_null() {
        let mut b = [0u8; 8];
        // SAFETY: `len` readable bytes at `msg`, during the callback.
        unsafe { std::ptr::copy_nonoverlapping(msg.cast::<u8>(), b.as_mut_ptr(), 8) };
        slot.value.store(u64::from_ne_bytes(b), Ordering::Relaxed);
    }
    slot.ret.store(ret, Ordering::Relaxed);
    slot.answers.fetch_add(1, Ordering::AcqRel);
}

fn ud(slot: &Slot) -> *mut c_void {
    slot as *const Slot as *mut c_void
}

/// `[made, dropped]` of the fixture's counters.
fn stats() -> (u64, u64) {
    unsafe extern "C" fn on_stats(ret: c_int, msg: *const c_char, len: usize, ud: *mut c_void) {
        assert_eq!(ret, RET_OK);
        assert_eq!(len, std::mem::size_of::<(*const u64, usize)>());
        // SAFETY: a `fixture_Vec_u64` during the callback.
        let (ptr, n) = unsafe { *(msg as *const (*const u64, usize)) };
        assert_eq!(n, 2);
        // SAFETY: two u64s at `ptr`; `ud` is the caller's pair.
        unsafe {
            let out = &mut *(ud as *mut (u64, u64));
            *out = (*ptr, *ptr.add(1));
        }
    }
    let mut out = (0u64, 0u64);
    // SAFETY: a sync static function; the callback runs before it returns.
    let ret = unsafe { fixture_counter_stats(Some(on_stats), (&raw mut out).cast()) };
    assert_eq!(ret, RET_OK);
    out
}

fn create(label: &str) -> *mut c_void {
    let slot = Slot::default();
    // SAFETY: the C ABI contract; the sync constructor answers before
    // returning.
    let ctx = unsafe { fixture_create(Some(on_answer), ud(&slot), FfiStr::new(label)) };
    assert!(!ctx.is_null());
    assert_eq!(slot.ret.load(Ordering::Relaxed), RET_OK);
    ctx
}

/// A tiny deterministic generator per thread.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn objects_across_contexts_being_destroyed() {
    link();
    let ops = ops_per_thread();
    let (made0, dropped0) = stats();
    let contexts: Vec<AtomicUsize> = (0..CONTEXTS)
        .map(|i| AtomicUsize::new(create(&format!("stress-{i}")) as usize))
        .collect();
    // Every handle ever answered, so each is closed exactly once at the end.
    let pool: Mutex<Vec<usize>> = Mutex::new(Vec::new());
    let slots: Vec<Slot> = (0..THREADS * ops * 2).map(|_| Slot::default()).collect();
    let destroyed = AtomicU64::new(0);

    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (contexts, pool, slots, destroyed) = (&contexts, &pool, &slots, &destroyed);
            s.spawn(move || {
                let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (t as u64 + 1));
                let mut next = t * ops * 2;
                let mut slot = || {
                    let s = &slots[next];
                    s.issued.store(true, Ordering::Relaxed);
                    next += 1;
                    s
                };
                let pick = |rng: &mut Rng| {
                    let p = pool.lock().unwrap();
                    (!p.is_empty()).then(|| p[rng.below(p.len())] as Handle)
                };
                for i in 0..ops {
                    let ctx = contexts[rng.below(CONTEXTS)].load(Ordering::Acquire) as *mut c_void;
                    // SAFETY (all calls below): the C ABI contract; handles
                    // may be stale or closed, which the library answers
                    // with an error, never undefined behaviour.
                    match rng.below(10) {
                        0 | 1 => {
                            let s = slot();
                            unsafe { fixture_make_counter(ctx, Some(on_answer), ud(s), i as i64) };
                            if s.ret.load(Ordering::Relaxed) == RET_OK {
                                pool.lock()
                                    .unwrap()
                                    .push(s.value.load(Ordering::Relaxed) as usize);
                            }
                        }
                        2 => {
                            let s = slot();
                            unsafe { fixture_shared_counter(ctx, Some(on_answer), ud(s)) };
                            if s.ret.load(Ordering::Relaxed) == RET_OK {
                                pool.lock()
                                    .unwrap()
                                    .push(s.value.load(Ordering::Relaxed) as usize);
                            }
                        }
                        3 | 4 => {
                            if let Some(h) = pick(&mut rng) {
                                unsafe { fixture_counter_get(h, Some(on_answer), ud(slot())) };
                            }
                        }
                        5 => {
                            if let Some(h) = pick(&mut rng) {
                                unsafe {
                                    fixture_counter_add_later(h, Some(on_answer), ud(slot()), 1, 0)
                                };
                            }
                        }
                        6 => {
                            if let (Some(a), Some(b)) = (pick(&mut rng), pick(&mut rng)) {
                                unsafe {
                                    fixture_sum_counters(ctx, Some(on_answer), ud(slot()), a, b)
                                };
                            }
                        }
                        7 => {
                            if let Some(h) = pick(&mut rng) {
                                let s = slot();
                                unsafe { fixture_counter_fork(h, Some(on_answer), ud(s)) };
                                if s.ret.load(Ordering::Relaxed) == RET_OK {
                                    pool.lock()
                                        .unwrap()
                                        .push(s.value.load(Ordering::Relaxed) as usize);
                                }
                            }
                        }
                        8 => {
                            let h = {
                                let mut p = pool.lock().unwrap();
                                (!p.is_empty()).then(|| {
                                    let i = rng.below(p.len());
                                    p.swap_remove(i)
                                })
                            };
                            if let Some(h) = h {
                                assert_eq!(unsafe { fixture_counter_free(h as Handle) }, RET_OK);
                            }
                        }
                        _ => {
                            // Now and then, replace a context.
                            if i % 500 == 499 {
                                let which = rng.below(CONTEXTS);
                                let new = create("stress-new") as usize;
                                let old = contexts[which].swap(new, Ordering::AcqRel);
                                assert_eq!(unsafe { fixture_destroy(old as *mut c_void) }, RET_OK);
                                destroyed.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                }
            });
        }
    });

    // Every call made gets its answer (async ones may still be arriving
    // from the workers of live contexts).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pending = slots
            .iter()
            .filter(|s| s.issued.load(Ordering::Relaxed) && s.answers.load(Ordering::Acquire) == 0)
            .count();
        if pending == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{pending} calls never answered");
        std::thread::sleep(Duration::from_millis(5));
    }
    for c in &contexts {
        assert_eq!(
            unsafe { fixture_destroy(c.load(Ordering::Acquire) as *mut c_void) },
            RET_OK
        );
    }
    for h in pool.into_inner().unwrap() {
        assert_eq!(
            unsafe { fixture_counter_free(h as Handle) },
            RET_OK,
            "each handle closes once"
        );
    }
    let mut calls = 0;
    for (i, s) in slots.iter().enumerate() {
        let answers = s.answers.load(Ordering::Acquire);
        if s.issued.load(Ordering::Relaxed) {
            calls += 1;
            assert_eq!(answers, 1, "call {i} answered {answers} times");
        } else {
            assert_eq!(answers, 0, "slot {i} answered without a call");
        }
    }
    assert!(calls > THREADS * ops / 2, "too few calls made: {calls}");
    assert!(
        destroyed.load(Ordering::Relaxed) > 0,
        "no context was replaced"
    );
    let (made1, dropped1) = stats();
    assert!(
        made1 - made0 > 1000,
        "too few counters made: {}",
        made1 - made0
    );
    assert_eq!(
        made1 - made0,
        dropped1 - dropped0,
        "every counter dropped exactly once"
    );
}
