//! `callgrind-hot OPS`: runs each hot path OPS times through the C ABI, for
//! `bench/tests/callgrind.rs` to count instructions under callgrind.
//!
//! Phases, separated by calls to `bench_phase_mark` (the test passes
//! `--dump-before=bench_phase_mark`, so each phase lands in its own dump):
//! setup and warm-up, then `sync_call`, `async_round_trip`,
//! `host_round_trip`. Waiters block on a condvar, not a spin: valgrind
//! runs one thread at a time, and a spinning waiter would burn (and
//! count) instructions until the scheduler switches.

use benchlib as _;
use std::ffi::{c_char, c_int, c_void};
use std::hint::black_box;
use std::sync::{Condvar, Mutex};

type Callback = Option<unsafe extern "C" fn(c_int, *const c_char, usize, *mut c_void)>;
type HostFn = Option<unsafe extern "C" fn(u64, *const c_char, usize, *mut c_void)>;

unsafe extern "C" {
    fn benchlib_create(cb: Callback, ud: *mut c_void) -> *mut c_void;
    fn benchlib_destroy(ctx: *mut c_void) -> c_int;
    fn benchlib_version(ctx: *mut c_void, cb: Callback, ud: *mut c_void) -> c_int;
    fn benchlib_ping(ctx: *mut c_void, cb: Callback, ud: *mut c_void, n: u64) -> c_int;
    fn benchlib_ask(ctx: *mut c_void, cb: Callback, ud: *mut c_void, n: u64) -> c_int;
    fn benchlib_register_host_fn(
        ctx: *mut c_void,
        name: *const c_char,
        f: HostFn,
        ud: *mut c_void,
    ) -> c_int;
    fn benchlib_host_complete(
        ctx: *mut c_void,
        id: u64,
        ret: c_int,
        msg: *const c_char,
        len: usize,
    ) -> c_int;
}

/// Marks a phase boundary; callgrind dumps its counters on entry.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn bench_phase_mark(phase: u32) {
    black_box(phase);
}

/// One call's completion: the waiter blocks on the condvar.
#[derive(Default)]
struct Done {
    state: Mutex<Option<(c_int, u64)>>,
    cv: Condvar,
}

impl Done {
    fn wait(&self) -> (c_int, u64) {
        let mut g = self.state.lock().unwrap();
        loop {
            if let Some(r) = g.take() {
                return r;
            }
            g = self.cv.wait(g).unwrap();
        }
    }
}

unsafe extern "C" fn on_done(ret: c_int, msg: *const c_char, len: usize, ud: *mut c_void) {
    // SAFETY: ud is the caller's `Done`, alive until it has waited.
    let done = unsafe { &*(ud as *const Done) };
    let value = if len == 8 && !msg.is_null() {
        // SAFETY: the library sends one u64.
        unsafe { (msg as *const u64).read_unaligned() }
    } else {
        len as u64
    };
    *done.state.lock().unwrap() = Some((ret, value));
    done.cv.notify_one();
}

/// The host fn `answer`: answers inline, on the worker, with its request.
unsafe extern "C" fn answer(call_id: u64, req: *const c_char, len: usize, ctx: *mut c_void) {
    // SAFETY: the request is valid for `len` bytes during the call.
    unsafe { benchlib_host_complete(ctx, call_id, 0, req, len) };
}

fn ok(what: &str, r: (c_int, u64), want: Option<u64>) {
    assert!(
        r.0 == 0 && want.is_none_or(|w| w == r.1),
        "{what} failed: {r:?}"
    );
}

fn main() {
    let ops: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let done = Done::default();
    let ud = &done as *const Done as *mut c_void;
    // SAFETY (whole block): every pointer passed is valid for the call, and
    // `done` outlives each call because every call is awaited.
    unsafe {
        let ctx = benchlib_create(Some(on_done), ud);
        ok("create", done.wait(), None);
        let name = c"answer".as_ptr();
        assert_eq!(benchlib_register_host_fn(ctx, name, Some(answer), ctx), 0);
        let sync = |i| {
            benchlib_version(ctx, Some(on_done), ud);
            ok("version", done.wait(), None);
            black_box(i);
        };
        let ping = |i| {
            benchlib_ping(ctx, Some(on_done), ud, i);
            ok("ping", done.wait(), Some(i));
        };
        let ask = |i| {
            benchlib_ask(ctx, Some(on_done), ud, i);
            ok("ask", done.wait(), Some(i));
        };
        for i in 0..100 {
            sync(i);
            ping(i);
            ask(i);
        }
        bench_phase_mark(1);
        (0..ops).for_each(sync);
        bench_phase_mark(2);
        (0..ops).for_each(ping);
        bench_phase_mark(3);
        (0..ops).for_each(ask);
        bench_phase_mark(4);
        benchlib_destroy(ctx);
    }
}
