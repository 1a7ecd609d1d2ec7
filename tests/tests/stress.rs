//! Stress: 8 threads x 20,000 calls on one context and across four,
//! mixing sync and async methods, host calls answered at once, late,
//! twice or never (until destroy), events, and contexts created and
//! destroyed concurrently. Every call must get exactly one callback; counts
//! are exact; a watchdog fails the test with a dump of what is pending.
//!
//! `RSFFI_STRESS_CALLS` overrides the calls per thread (for valgrind).

use e2e::native::*;
use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const THREADS: usize = 8;
const WATCHDOG: Duration = Duration::from_secs(120);

fn calls_per_thread() -> usize {
    std::env::var("RSFFI_STRESS_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

/// One call's answer record.
#[derive(Default)]
struct Slot {
    answers: AtomicU32,
    ret: AtomicI32,
    kind: AtomicU32,
}

unsafe extern "C" fn on_answer(ret: c_int, _msg: *const c_char, _len: usize, ud: *mut c_void) {
    // SAFETY: `ud` points to a live `Slot` (the slots outlive every context).
    let slot = unsafe { &*(ud as *const Slot) };
    slot.ret.store(ret, Ordering::Relaxed);
    slot.answers.fetch_add(1, Ordering::AcqRel);
}

fn ud(slot: &Slot) -> *mut c_void {
    slot as *const Slot as *mut c_void
}

/// What the host does with each call, by call id.
struct Host {
    ctx: AtomicU64,
    late: Mutex<Vec<u64>>,
    never: AtomicU64,
    twice_ignored: AtomicU64,
    stop: AtomicBool,
}

impl Host {
    fn new() -> Arc<Host> {
        Arc::new(Host {
            ctx: AtomicU64::new(0),
            late: Mutex::new(Vec::new()),
            never: AtomicU64::new(0),
            twice_ignored: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        })
    }

    fn ctx(&self) -> *mut c_void {
        self.ctx.load(Ordering::Acquire) as usize as *mut c_void
    }
}

unsafe extern "C" fn host_notify(id: u64, _req: *const c_char, _len: usize, ud: *mut c_void) {
    // SAFETY: `ud` is the `Host` registered with the function; it outlives the context.
    let host = unsafe { &*(ud as *const Host) };
    match id % 4 {
        0 => unsafe {
            fixture_host_complete(host.ctx(), id, RET_OK, std::ptr::null(), 0);
        },
        1 => host.late.lock().unwrap().push(id),
        2 => unsafe {
            fixture_host_complete(host.ctx(), id, RET_OK, std::ptr::null(), 0);
            if fixture_host_complete(host.ctx(), id, RET_OK, std::ptr::null(), 0) == RET_ERR {
                host.twice_ignored.fetch_add(1, Ordering::Relaxed);
            }
        },
        _ => {
            host.never.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Answers the "late" host calls from a thread of its own.
fn answerer(host: Arc<Host>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !host.stop.load(Ordering::Acquire) {
            let batch: Vec<u64> = std::mem::take(&mut *host.late.lock().unwrap());
            for id in batch {
                unsafe { fixture_host_complete(host.ctx(), id, RET_OK, std::ptr::null(), 0) };
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    })
}

static TICKS: AtomicU64 = AtomicU64::new(0);
unsafe extern "C" fn on_tick(_ret: c_int, _msg: *const c_char, _len: usize, _ud: *mut c_void) {
    TICKS.fetch_add(1, Ordering::Relaxed);
}

fn create(label: &str) -> *mut c_void {
    let slot = Slot::default();
    let ctx = unsafe { fixture_create(Some(on_answer), ud(&slot), FfiStr::new(label)) };
    assert_eq!(
        slot.answers.load(Ordering::Acquire),
        1,
        "sync constructor answers inline"
    );
    assert_eq!(slot.ret.load(Ordering::Relaxed), RET_OK);
    ctx
}

const KINDS: [&str; 5] = [
    "nothing",
    "nothing_async",
    "sleep_ms(0)",
    "call_host_notify",
    "fire_ticks",
];

/// Submits call `i` of kind `i % 5` on `ctx`.
fn submit(ctx: *mut c_void, i: usize, source: u32, slot: &Slot) {
    let kind = i % KINDS.len();
    slot.kind.store(kind as u32, Ordering::Relaxed);
    let cb = Some(on_answer as unsafe extern "C" fn(_, _, _, _));
    let rc = unsafe {
        match kind {
            0 => fixture_nothing(ctx, cb, ud(slot)),
            1 => fixture_nothing_async(ctx, cb, ud(slot)),
            2 => fixture_sleep_ms(ctx, cb, ud(slot), 0),
            3 => fixture_call_host_notify(ctx, cb, ud(slot), i as i64),
            _ => fixture_fire_ticks(ctx, cb, ud(slot), source, 1),
        }
    };
    assert_eq!(rc, RET_OK, "call {i} rejected");
}

/// Waits until `done()` or the watchdog fires with a dump of what is
/// still pending.
fn watchdog(what: &str, slots: &[Slot], done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > WATCHDOG {
            let mut pending = [0usize; 5];
            for s in slots
                .iter()
                .filter(|s| s.answers.load(Ordering::Acquire) == 0)
            {
                pending[s.kind.load(Ordering::Relaxed) as usize] += 1;
            }
            let dump: Vec<String> = KINDS
                .iter()
                .zip(pending)
                .map(|(k, n)| format!("{k}: {n}"))
                .collect();
            panic!(
                "{what}: watchdog fired after {WATCHDOG:?}; unanswered by kind: {}",
                dump.join(", ")
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn answered(slots: &[Slot]) -> usize {
    slots
        .iter()
        .filter(|s| s.answers.load(Ordering::Acquire) > 0)
        .count()
}

static CALLS: AtomicU64 = AtomicU64::new(0);
unsafe extern "C" fn on_calls(ret: c_int, msg: *const c_char, len: usize, _ud: *mut c_void) {
    assert!(ret == RET_OK && len == 8);
    // SAFETY: a u64 result is passed as a pointer to it.
    CALLS.store(
        unsafe { std::ptr::read_unaligned(msg.cast::<u64>()) },
        Ordering::Release,
    );
}

/// The fixture's own count of `nothing` calls on `ctx`.
fn calls_seen(ctx: *mut c_void) -> u64 {
    assert_eq!(
        unsafe { fixture_calls(ctx, Some(on_calls), std::ptr::null_mut()) },
        RET_OK
    );
    CALLS.load(Ordering::Acquire)
}

fn run_load(contexts: &[*mut c_void], hosts: &[Arc<Host>], label: &str) {
    let per_thread = calls_per_thread();
    let slots: Arc<Vec<Slot>> =
        Arc::new((0..THREADS * per_thread).map(|_| Slot::default()).collect());
    TICKS.store(0, Ordering::Relaxed);
    let listeners: Vec<u64> = contexts
        .iter()
        .map(|&c| unsafe {
            fixture_add_event_listener(c, c"tick".as_ptr(), Some(on_tick), std::ptr::null_mut())
        })
        .collect();
    assert!(listeners.iter().all(|&id| id > 0));
    let addrs: Vec<usize> = contexts.iter().map(|&c| c as usize).collect();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let slots = slots.clone();
            let addrs = addrs.clone();
            std::thread::spawn(move || {
                for i in 0..per_thread {
                    let ctx = addrs[(t + i) % addrs.len()] as *mut c_void;
                    submit(ctx, i, t as u32, &slots[t * per_thread + i]);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("submitting thread");
    }
    let never = || {
        hosts
            .iter()
            .map(|h| h.never.load(Ordering::Relaxed) as usize)
            .sum::<usize>()
    };
    // Everything but the host calls that are never answered completes.
    let total = slots.len();
    let fires = slots
        .iter()
        .filter(|s| s.kind.load(Ordering::Relaxed) == 4)
        .count() as u64;
    watchdog(label, &slots, || {
        answered(&slots) + never() == total && TICKS.load(Ordering::Relaxed) == fires
    });
    assert!(
        never() > 0
            && hosts
                .iter()
                .any(|h| h.twice_ignored.load(Ordering::Relaxed) > 0)
    );
    let nothing_calls = slots
        .iter()
        .filter(|s| s.kind.load(Ordering::Relaxed) < 2)
        .count() as u64;
    let counted: u64 = contexts.iter().map(|&c| calls_seen(c)).sum();
    assert_eq!(
        counted, nothing_calls,
        "{label}: the library counted a different number of calls"
    );
    let never = never();
    for &c in contexts {
        assert_eq!(unsafe { fixture_destroy(c) }, RET_OK);
    }
    // Destroy answered the parked host calls, each with an error.
    assert_eq!(
        answered(&slots),
        total,
        "{label}: calls left unanswered after destroy"
    );
    std::thread::sleep(Duration::from_millis(20));
    let mut errors = 0;
    for (i, s) in slots.iter().enumerate() {
        assert_eq!(
            s.answers.load(Ordering::Acquire),
            1,
            "{label}: call {i} answered more than once"
        );
        if s.ret.load(Ordering::Relaxed) != RET_OK {
            errors += 1;
        }
    }
    assert_eq!(
        errors, never,
        "{label}: only never-answered host calls fail"
    );
    assert_eq!(
        TICKS.load(Ordering::Relaxed),
        fires,
        "{label}: events lost or duplicated"
    );
    println!(
        "{label}: {total} calls answered once each; {never} host calls failed by destroy; {fires} events"
    );
}

/// Registers a host record per context and starts its answering thread.
fn start_hosts(contexts: &[*mut c_void]) -> (Vec<Arc<Host>>, Vec<std::thread::JoinHandle<()>>) {
    let hosts: Vec<Arc<Host>> = contexts
        .iter()
        .map(|&c| {
            let host = Host::new();
            host.ctx.store(c as usize as u64, Ordering::Release);
            let rc = unsafe {
                fixture_register_host_fn(
                    c,
                    c"host_notify".as_ptr(),
                    Some(host_notify),
                    Arc::as_ptr(&host) as *mut c_void,
                )
            };
            assert_eq!(rc, RET_OK);
            host
        })
        .collect();
    let threads = hosts.iter().map(|h| answerer(h.clone())).collect();
    (hosts, threads)
}

fn stop_hosts(hosts: Vec<Arc<Host>>, threads: Vec<std::thread::JoinHandle<()>>) {
    hosts
        .iter()
        .for_each(|h| h.stop.store(true, Ordering::Release));
    threads.into_iter().for_each(|t| t.join().unwrap());
}

// Both load tests share TICKS and CALLS, so they run one after the other.
#[test]
fn stress_one_context_then_four() {
    link();
    let ctx = create("stress-1");
    let (hosts, threads) = start_hosts(&[ctx]);
    run_load(&[ctx], &hosts, "one context");
    stop_hosts(hosts, threads);

    let contexts: Vec<*mut c_void> = (0..4).map(|i| create(&format!("stress-4-{i}"))).collect();
    let (hosts, threads) = start_hosts(&contexts);
    run_load(&contexts, &hosts, "four contexts");
    stop_hosts(hosts, threads);
}

unsafe extern "C" fn host_never(_id: u64, _req: *const c_char, _len: usize, _ud: *mut c_void) {}

#[test]
fn contexts_created_and_destroyed_concurrently() {
    link();
    let rounds = (calls_per_thread() / 200).max(5);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for round in 0..rounds {
                    let ctx = create(&format!("churn-{t}-{round}"));
                    unsafe {
                        fixture_register_host_fn(
                            ctx,
                            c"host_notify".as_ptr(),
                            Some(host_never),
                            std::ptr::null_mut(),
                        )
                    };
                    let slots: Vec<Slot> = (0..20).map(|_| Slot::default()).collect();
                    let cb = Some(on_answer as unsafe extern "C" fn(_, _, _, _));
                    for (i, slot) in slots.iter().enumerate() {
                        unsafe {
                            match i % 4 {
                                0 => fixture_nothing_async(ctx, cb, ud(slot)),
                                1 => fixture_sleep_ms(ctx, cb, ud(slot), 60_000),
                                2 => fixture_call_host_notify(ctx, cb, ud(slot), 1),
                                _ => fixture_nothing(ctx, cb, ud(slot)),
                            };
                        }
                    }
                    assert_eq!(unsafe { fixture_destroy(ctx) }, RET_OK);
                    assert_eq!(unsafe { fixture_destroy(ctx) }, RET_ERR, "second destroy");
                    for (i, s) in slots.iter().enumerate() {
                        assert_eq!(s.answers.load(Ordering::Acquire), 1, "churn call {i}");
                    }
                    // Calls on the stale handle are answered too, with an error.
                    let late = Slot::default();
                    assert_eq!(unsafe { fixture_nothing(ctx, cb, ud(&late)) }, RET_ERR);
                    assert_eq!(late.answers.load(Ordering::Acquire), 1);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("churn thread");
    }
}

/// A callback that destroys the context it was called for.
struct Destroyer {
    ctx: AtomicU64,
    slot: Slot,
    destroy_ret: AtomicI32,
}

unsafe extern "C" fn destroy_in_callback(
    ret: c_int,
    _msg: *const c_char,
    _len: usize,
    ud: *mut c_void,
) {
    // SAFETY: `ud` is the test's `Destroyer`.
    let d = unsafe { &*(ud as *const Destroyer) };
    let ctx = d.ctx.load(Ordering::Acquire) as usize as *mut c_void;
    d.destroy_ret
        .store(unsafe { fixture_destroy(ctx) }, Ordering::Release);
    d.slot.ret.store(ret, Ordering::Relaxed);
    d.slot.answers.fetch_add(1, Ordering::AcqRel);
}

fn destroy_from_callback(async_trigger: bool) {
    let ctx = create("destroy-in-callback");
    let pending: Vec<Slot> = (0..100).map(|_| Slot::default()).collect();
    let cb = Some(on_answer as unsafe extern "C" fn(_, _, _, _));
    for s in &pending {
        unsafe { fixture_sleep_ms(ctx, cb, ud(s), 60_000) };
    }
    let d = Destroyer {
        ctx: AtomicU64::new(ctx as usize as u64),
        slot: Slot::default(),
        destroy_ret: AtomicI32::new(-1),
    };
    let dud = &d as *const Destroyer as *mut c_void;
    unsafe {
        if async_trigger {
            fixture_sleep_ms(ctx, Some(destroy_in_callback), dud, 1);
        } else {
            fixture_nothing(ctx, Some(destroy_in_callback), dud);
        }
    }
    watchdog("destroy in callback", &pending, || {
        d.slot.answers.load(Ordering::Acquire) == 1 && answered(&pending) == pending.len()
    });
    assert_eq!(d.destroy_ret.load(Ordering::Acquire), RET_OK);
    std::thread::sleep(Duration::from_millis(20));
    for s in &pending {
        assert_eq!(s.answers.load(Ordering::Acquire), 1);
        assert_eq!(s.ret.load(Ordering::Relaxed), RET_ERR);
    }
    assert_eq!(d.slot.answers.load(Ordering::Acquire), 1);
    assert_eq!(
        unsafe { fixture_destroy(ctx) },
        RET_ERR,
        "already destroyed"
    );
}

#[test]
fn destroy_from_inside_an_async_callback() {
    link();
    destroy_from_callback(true);
}

#[test]
fn destroy_from_inside_a_sync_callback() {
    link();
    destroy_from_callback(false);
}
