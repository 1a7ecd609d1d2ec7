//! Hand-written baselines, on purpose: what the same jobs cost with no
//! runtime at all. They share the cdylib with the generated ABI, so both
//! are loaded, linked and called the same way.
//!
//! - `bench_bare_value`: the floor of one foreign call.
//! - `bench_handoff_*`: one worker thread fed by a `crossbeam_channel`
//!   that answers each job through the same callback shape as the
//!   generated ABI (`FFICallBack`).

use crossbeam_channel::{Sender, unbounded};
use std::ffi::{c_char, c_int, c_void};
use std::thread::JoinHandle;

/// The generated ABI's callback type.
pub type Callback = Option<unsafe extern "C" fn(c_int, *const c_char, usize, *mut c_void)>;

/// Returns its argument: the cost of crossing the boundary and back.
#[unsafe(no_mangle)]
pub extern "C" fn bench_bare_value(n: u64) -> u64 {
    n
}

/// One `Item` as a hand-written C struct.
#[repr(C)]
pub struct BenchItem {
    pub label: *const c_char,
    pub label_len: usize,
    pub amount: i64,
}

struct Items(Vec<BenchItem>);

// SAFETY: the labels point into `'static` leaked strings, never written.
unsafe impl Send for Items {}
unsafe impl Sync for Items {}

/// The same ten items as `items()` answers, as a C array that lives for
/// the whole process: what hand-written cgo would copy into Go structs.
///
/// # Safety
///
/// `len` is NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bench_items_array(len: *mut usize) -> *const BenchItem {
    static ITEMS: std::sync::OnceLock<Items> = std::sync::OnceLock::new();
    let items = ITEMS.get_or_init(|| {
        Items(
            crate::ten_items()
                .into_iter()
                .map(|it| {
                    let label: &'static str = Box::leak(it.label.into_boxed_str());
                    BenchItem {
                        label: label.as_ptr().cast(),
                        label_len: label.len(),
                        amount: it.amount,
                    }
                })
                .collect(),
        )
    });
    if !len.is_null() {
        // SAFETY: the caller passes a valid out-pointer (or NULL).
        unsafe { *len = items.0.len() };
    }
    items.0.as_ptr()
}

struct Job {
    cb: unsafe extern "C" fn(c_int, *const c_char, usize, *mut c_void),
    ud: usize,
    n: u64,
}

/// The hand-off worker: owned by the pointer `bench_handoff_start` returns.
pub struct Handoff {
    tx: Option<Sender<Job>>,
    worker: Option<JoinHandle<()>>,
}

/// Starts a worker thread that answers jobs in order.
#[unsafe(no_mangle)]
pub extern "C" fn bench_handoff_start() -> *mut c_void {
    let (tx, rx) = unbounded::<Job>();
    let worker = std::thread::Builder::new()
        .name("bench-handoff".into())
        .spawn(move || {
            for job in rx {
                let n = job.n;
                // SAFETY: the caller's callback, with the caller's user data.
                unsafe {
                    (job.cb)(
                        0,
                        &n as *const u64 as *const c_char,
                        8,
                        job.ud as *mut c_void,
                    )
                };
            }
        })
        .expect("cannot start the hand-off worker");
    Box::into_raw(Box::new(Handoff {
        tx: Some(tx),
        worker: Some(worker),
    }))
    .cast()
}

/// Queues one job: `cb(0, &n, 8, ud)` runs on the worker. Returns 0, or 1
/// for a NULL handle or callback.
///
/// # Safety
/// `h` must come from `bench_handoff_start` and not be stopped yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bench_handoff_call(
    h: *mut c_void,
    cb: Callback,
    ud: *mut c_void,
    n: u64,
) -> c_int {
    let (Some(cb), false) = (cb, h.is_null()) else {
        return 1;
    };
    // SAFETY: per the contract.
    let h = unsafe { &*(h as *const Handoff) };
    match h.tx.as_ref().map(|tx| {
        tx.send(Job {
            cb,
            ud: ud as usize,
            n,
        })
    }) {
        Some(Ok(())) => 0,
        _ => 1,
    }
}

/// Answers the queued jobs, stops the worker and frees the handle.
///
/// # Safety
/// `h` must come from `bench_handoff_start`; it is invalid afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bench_handoff_stop(h: *mut c_void) {
    if h.is_null() {
        return;
    }
    // SAFETY: per the contract; ownership comes back here.
    let mut h = unsafe { Box::from_raw(h as *mut Handoff) };
    drop(h.tx.take());
    if let Some(w) = h.worker.take() {
        let _ = w.join();
    }
}
