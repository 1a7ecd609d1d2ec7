//! Fuzzing on stable Rust: a seeded, coverage-less mutation fuzzer
//! (`e2e::fuzz`) drives three targets with mutated valid encodings:
//!
//! - the CBOR decoder, `from_slice::<T>` for every fixture and timer type:
//!   no panic; every accepted input re-encodes to a value that decodes to
//!   the same encoding; and decode(encode(v)) == v for the un-mutated
//!   corpus;
//! - the request path of the CBOR ABI, the fixture's `fixture_<m>_cbor`
//!   and `fixture_call_cbor` exports called as C would: exactly one answer
//!   per call, never `handler panicked`, error text UTF-8, results that
//!   decode, and exact echoes for the un-mutated corpus;
//! - the IPC frame reader, `read_request` on byte streams delivered in
//!   random chunks (often one byte) with lying headers: no panic, frames
//!   within the limit, and bounded allocation (a counting global
//!   allocator records the largest single allocation).
//!
//! `RSFFI_FUZZ_INPUTS` sets the inputs per target (default 100,000, a few
//! seconds in debug); `RSFFI_FUZZ_SEED` replays a run. The long run is
//! `scripts/fuzz.sh` (1,000,000 inputs per target, release).

use e2e::fuzz::{self, Allocations, ChunkedReader, CountingAlloc, Rng, Stats, head_bytes, hex};
use ffi_core::cbor::{CborType, from_slice, to_vec};
use ffi_core::ipc::frame::{Incoming, read_request};
use std::ffi::{c_char, c_int, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const DEFAULT_INPUTS: u64 = 100_000;
/// Failures kept for the report (the count is exact).
const KEEP: usize = 5;

/// Collects failures; the test fails at the end with the first few.
struct Failures {
    count: u64,
    kept: Vec<String>,
}

impl Failures {
    fn new() -> Self {
        Failures {
            count: 0,
            kept: Vec::new(),
        }
    }

    fn add(&mut self, what: String) {
        self.count += 1;
        if self.kept.len() < KEEP {
            self.kept.push(what);
        }
    }

    fn assert_none(&self, target: &str, seed: u64) {
        assert!(
            self.count == 0,
            "{target}: {} failures (replay with RSFFI_FUZZ_SEED={seed}); first ones:\n{}",
            self.count,
            self.kept.join("\n")
        );
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic".into())
}

// ---------------------------------------------------------------------
// Target (a): the decoder, for every type.

/// One type under test: how to make a valid encoding (checking the round
/// trip on the way), and how to decode an arbitrary input.
struct Kind {
    name: &'static str,
    make: fn(&mut Rng) -> Vec<u8>,
    /// `Ok(None)`: rejected; `Ok(Some(enc))`: accepted, re-encoded as
    /// `enc`; `Err`: a property failed.
    check: fn(&[u8]) -> Checked,
}

/// What [`check`] found.
type Checked = Result<Option<Vec<u8>>, String>;

/// `to_vec(v)`, asserting decode(encode(v)) == v.
fn exact<T: CborType + PartialEq + std::fmt::Debug>(v: T) -> Vec<u8> {
    let b = to_vec(&v);
    match from_slice::<T>(&b) {
        Ok(back) => assert_eq!(back, v, "decode(encode(v)) != v for {}", hex(&b)),
        Err(e) => panic!("valid encoding {} rejected: {e}", hex(&b)),
    }
    b
}

/// `to_vec(v)` for types without `PartialEq`: decoding and re-encoding
/// gives the same bytes.
fn stable<T: CborType>(v: T) -> Vec<u8> {
    let b = to_vec(&v);
    match from_slice::<T>(&b) {
        Ok(back) => assert_eq!(hex(&to_vec(&back)), hex(&b), "re-encoding differs"),
        Err(e) => panic!("valid encoding {} rejected: {e}", hex(&b)),
    }
    b
}

/// Decodes `b` as a `T`; an accepted value must re-encode to bytes that
/// decode and re-encode identically (canonical and stable).
fn check<T: CborType>(b: &[u8]) -> Checked {
    let Ok(v) = from_slice::<T>(b) else {
        return Ok(None);
    };
    let enc = to_vec(&v);
    let again = from_slice::<T>(&enc).map_err(|e| {
        format!(
            "accepted, but its re-encoding {} is rejected: {e}",
            hex(&enc)
        )
    })?;
    let enc2 = to_vec(&again);
    if enc2 != enc {
        return Err(format!(
            "re-encoding is unstable: {} then {}",
            hex(&enc),
            hex(&enc2)
        ));
    }
    Ok(Some(enc))
}

fn timer_config(r: &mut Rng) -> my_timer::TimerConfig {
    my_timer::TimerConfig { name: r.text() }
}

fn echo_request(r: &mut Rng) -> my_timer::EchoRequest {
    my_timer::EchoRequest {
        message: r.text(),
        delay_ms: r.edgy_i64(),
    }
}

fn priority(r: &mut Rng) -> my_timer::Priority {
    *r.pick(&[
        my_timer::Priority::Low,
        my_timer::Priority::Normal,
        my_timer::Priority::High,
    ])
}

fn kinds() -> Vec<Kind> {
    use my_timer as t;
    vec![
        Kind {
            name: "Scalars",
            make: |r| exact(fuzz::scalars(r)),
            check: check::<fixture::Scalars>,
        },
        Kind {
            name: "Containers",
            make: |r| exact(fuzz::containers(r)),
            check: check::<fixture::Containers>,
        },
        Kind {
            name: "Top",
            make: |r| exact(fuzz::top(r)),
            check: check::<fixture::Top>,
        },
        Kind {
            name: "Middle",
            make: |r| exact(fuzz::middle(r)),
            check: check::<fixture::Middle>,
        },
        Kind {
            name: "Leaf",
            make: |r| exact(fuzz::leaf(r)),
            check: check::<fixture::Leaf>,
        },
        Kind {
            name: "Collide",
            make: |r| exact(fuzz::collide(r)),
            check: check::<fixture::Collide>,
        },
        Kind {
            name: "Color",
            make: |r| exact(fuzz::color(r)),
            check: check::<fixture::Color>,
        },
        Kind {
            name: "Vec<Option<Leaf>>",
            make: |r| exact(r.vec(5, |r| r.option(fuzz::leaf))),
            check: check::<Vec<Option<fixture::Leaf>>>,
        },
        Kind {
            name: "Option<Vec<Leaf>>",
            make: |r| exact(r.option(|r| r.vec(5, fuzz::leaf))),
            check: check::<Option<Vec<fixture::Leaf>>>,
        },
        Kind {
            name: "Vec<Vec<String>>",
            make: |r| exact(r.vec(5, |r| r.vec(5, Rng::text))),
            check: check::<Vec<Vec<String>>>,
        },
        Kind {
            name: "String",
            make: |r| exact(r.text()),
            check: check::<String>,
        },
        Kind {
            name: "Vec<u8>",
            make: |r| exact(r.bytes()),
            check: check::<Vec<u8>>,
        },
        Kind {
            name: "Option<String>",
            make: |r| exact(r.option(Rng::text)),
            check: check::<Option<String>>,
        },
        Kind {
            name: "i64",
            make: |r| exact(r.edgy_i64()),
            check: check::<i64>,
        },
        Kind {
            name: "u64",
            make: |r| exact(r.edgy_u64()),
            check: check::<u64>,
        },
        Kind {
            name: "f32",
            make: |r| exact(r.float32()),
            check: check::<f32>,
        },
        Kind {
            name: "()",
            make: |r| {
                // `()` skips anything: seed it with other types' encodings.
                let v = fuzz::top(r);
                let _ = exact(());
                to_vec(&v)
            },
            check: check::<()>,
        },
        Kind {
            name: "TimerConfig",
            make: |r| stable(timer_config(r)),
            check: check::<t::TimerConfig>,
        },
        Kind {
            name: "EchoRequest",
            make: |r| stable(echo_request(r)),
            check: check::<t::EchoRequest>,
        },
        Kind {
            name: "EchoResponse",
            make: |r| {
                stable(t::EchoResponse {
                    echoed: r.text(),
                    timer_name: r.text(),
                })
            },
            check: check::<t::EchoResponse>,
        },
        Kind {
            name: "EchoEvent",
            make: |r| {
                stable(t::EchoEvent {
                    message: r.text(),
                    echo_count: r.edgy_i64(),
                })
            },
            check: check::<t::EchoEvent>,
        },
        Kind {
            name: "ComplexRequest",
            make: |r| {
                stable(t::ComplexRequest {
                    messages: r.vec(5, echo_request),
                    tags: r.vec(5, Rng::text),
                    note: r.option(Rng::text),
                    retries: r.option(Rng::edgy_i64),
                })
            },
            check: check::<t::ComplexRequest>,
        },
        Kind {
            name: "ComplexResponse",
            make: |r| {
                stable(t::ComplexResponse {
                    summary: r.text(),
                    item_count: r.edgy_i64(),
                    has_note: r.bool(),
                })
            },
            check: check::<t::ComplexResponse>,
        },
        Kind {
            name: "Priority",
            make: |r| exact(priority(r)),
            check: check::<t::Priority>,
        },
        Kind {
            name: "JobSpec",
            make: |r| {
                stable(t::JobSpec {
                    name: r.text(),
                    payload: r.vec(5, Rng::text),
                    priority: priority(r),
                })
            },
            check: check::<t::JobSpec>,
        },
        Kind {
            name: "RetryPolicy",
            make: |r| {
                stable(t::RetryPolicy {
                    max_attempts: r.edgy_i64(),
                    backoff_ms: r.edgy_i64(),
                    retry_on: r.vec(5, Rng::text),
                })
            },
            check: check::<t::RetryPolicy>,
        },
        Kind {
            name: "ScheduleConfig",
            make: |r| {
                stable(t::ScheduleConfig {
                    start_at_ms: r.edgy_i64(),
                    interval_ms: r.edgy_i64(),
                    jitter: r.option(Rng::edgy_i64),
                })
            },
            check: check::<t::ScheduleConfig>,
        },
        Kind {
            name: "ScheduleResult",
            make: |r| {
                stable(t::ScheduleResult {
                    job_id: r.text(),
                    will_run_count: r.edgy_i64(),
                    first_run_at_ms: r.edgy_i64(),
                    effective_backoff_ms: r.edgy_i64(),
                    priority: priority(r),
                })
            },
            check: check::<t::ScheduleResult>,
        },
    ]
}

/// Valid encodings per kind.
const CORPUS_PER_KIND: usize = 48;

#[test]
fn cbor_decoder_survives_mutated_encodings_of_every_type() {
    let seed = fuzz::seed();
    let mut r = Rng::new(seed);
    let kinds = kinds();
    let corpus: Vec<Vec<Vec<u8>>> = kinds
        .iter()
        .map(|k| (0..CORPUS_PER_KIND).map(|_| (k.make)(&mut r)).collect())
        .collect();
    // The corpus itself: every encoding decodes to what was encoded (the
    // `exact`/`stable` calls above asserted it) and passes `check`.
    for (k, inputs) in kinds.iter().zip(&corpus) {
        for b in inputs {
            // `()` is seeded with other types' encodings; it re-encodes as null.
            let want = if k.name == "()" {
                vec![0xf6]
            } else {
                b.clone()
            };
            assert_eq!(
                (k.check)(b),
                Ok(Some(want)),
                "{}: valid input {}",
                k.name,
                hex(b)
            );
        }
    }
    let total = fuzz::inputs(DEFAULT_INPUTS);
    let mut stats = Stats::new("cbor decode");
    let mut failures = Failures::new();
    let mut accepted = 0u64;
    let mut per_kind = vec![0u64; kinds.len()];
    while stats.inputs < total {
        let k = r.below(kinds.len());
        let base = r.pick(&corpus[k]);
        let others = r.pick(&corpus);
        let other = r.pick(others).clone();
        let input = if r.one_in(50) {
            (0..r.below(64)).map(|_| r.next_u64() as u8).collect()
        } else {
            fuzz::mutate(&mut r, base, &other)
        };
        stats.inputs += 1;
        per_kind[k] += 1;
        match catch_unwind(AssertUnwindSafe(|| (kinds[k].check)(&input))) {
            Ok(Ok(Some(_))) => accepted += 1,
            Ok(Ok(None)) => {}
            Ok(Err(e)) => failures.add(format!("{}: {e}; input {}", kinds[k].name, hex(&input))),
            Err(p) => {
                stats.crashes += 1;
                failures.add(format!(
                    "{}: PANIC {}; input {}",
                    kinds[k].name,
                    panic_text(&*p),
                    hex(&input)
                ));
            }
        }
    }
    stats.report(
        seed,
        &format!(
            "; {} types (>= {} inputs each), {accepted} mutated inputs accepted",
            kinds.len(),
            per_kind.iter().min().unwrap()
        ),
    );
    failures.assert_none("cbor decode", seed);
}

// ---------------------------------------------------------------------
// Target (a'): the request path of the CBOR ABI, through the C exports.

type CborFn = unsafe extern "C" fn(
    *mut c_void,
    ffi_core::abi::FfiCallback,
    *mut c_void,
    *const u8,
    usize,
) -> c_int;

macro_rules! cbor_exports {
    ($($m:ident),* $(,)?) => {
        mod exports {
            use std::ffi::{c_int, c_void};
            unsafe extern "C" {
                $(
                    #[link_name = concat!("fixture_", stringify!($m), "_cbor")]
                    pub fn $m(
                        ctx: *mut c_void,
                        cb: ffi_core::abi::FfiCallback,
                        ud: *mut c_void,
                        req: *const u8,
                        len: usize,
                    ) -> c_int;
                )*
            }
        }
        /// The exports under test, by method name.
        fn export(name: &str) -> CborFn {
            match name {
                $(stringify!($m) => exports::$m,)*
                _ => unreachable!("{name}"),
            }
        }
    };
}

cbor_exports!(
    label,
    echo_scalars,
    echo_scalars_async,
    echo_containers,
    echo_top,
    echo_string,
    echo_bytes,
    echo_option,
    echo_i64,
    echo_u64,
    echo_color,
    echo_nested,
    echo_maybe_list,
    echo_list_of_maybe,
    several,
    nothing,
    nothing_async,
    calls,
    fail,
    fail_sync,
    call_host_lookup,
    call_host_notify,
    call_host_bytes,
    call_host_now,
    fire_all,
);

unsafe extern "C" {
    fn fixture_create_cbor(
        cb: ffi_core::abi::FfiCallback,
        ud: *mut c_void,
        req: *const u8,
        len: usize,
    ) -> *mut c_void;
    fn fixture_call_cbor(
        ctx: *mut c_void,
        method: *const c_char,
        method_len: usize,
        cb: ffi_core::abi::FfiCallback,
        ud: *mut c_void,
        req: *const u8,
        len: usize,
    ) -> c_int;
    fn fixture_destroy(ctx: *mut c_void) -> c_int;
}

/// Methods left out: they panic on purpose, or sleep / loop for as long
/// as a (mutated) argument says.
const EXCLUDED: [&str; 5] = [
    "panic_sync",
    "panic_async",
    "sleep_ms",
    "fire_ticks",
    "fire_ticks_async",
];

/// A request map from (wire name, encoded value) pairs.
fn request(params: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = head_bytes(5, params.len() as u64, None);
    for (k, v) in params {
        out.extend(head_bytes(3, k.len() as u64, None));
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(v);
    }
    out
}

/// A method: its name, a random valid request, what a valid request is
/// answered with (`Some(bytes)` for exact echoes), and whether an `OK`
/// answer decodes as the result type.
struct Method {
    name: &'static str,
    make: fn(&mut Rng) -> (Vec<u8>, Expect),
    result: fn(&[u8]) -> bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Ok(Option<Vec<u8>>),
    Err(String),
}

fn echo_of(param: &str, v: Vec<u8>) -> (Vec<u8>, Expect) {
    (request(&[(param, v.clone())]), Expect::Ok(Some(v)))
}

fn decodes<T: CborType>(b: &[u8]) -> bool {
    from_slice::<T>(b).is_ok()
}

fn not_registered(name: &str) -> Expect {
    Expect::Err(format!("host function '{name}' is not registered"))
}

fn methods() -> Vec<Method> {
    use fixture::{Color, Containers, Leaf, Scalars, Top};
    vec![
        Method {
            name: "label",
            make: |_| (vec![], Expect::Ok(Some(to_vec(&"fuzz".to_string())))),
            result: decodes::<String>,
        },
        Method {
            name: "echo_scalars",
            make: |r| echo_of("s", to_vec(&fuzz::scalars(r))),
            result: decodes::<Scalars>,
        },
        Method {
            name: "echo_scalars_async",
            make: |r| echo_of("s", to_vec(&fuzz::scalars(r))),
            result: decodes::<Scalars>,
        },
        Method {
            name: "echo_containers",
            make: |r| echo_of("c", to_vec(&fuzz::containers(r))),
            result: decodes::<Containers>,
        },
        Method {
            name: "echo_top",
            make: |r| echo_of("t", to_vec(&fuzz::top(r))),
            result: decodes::<Top>,
        },
        Method {
            name: "echo_string",
            make: |r| echo_of("s", to_vec(&r.text())),
            result: decodes::<String>,
        },
        Method {
            name: "echo_bytes",
            make: |r| echo_of("b", to_vec(&r.bytes())),
            result: decodes::<Vec<u8>>,
        },
        Method {
            name: "echo_option",
            make: |r| echo_of("v", to_vec(&r.option(Rng::text))),
            result: decodes::<Option<String>>,
        },
        Method {
            name: "echo_i64",
            make: |r| echo_of("v", to_vec(&r.edgy_i64())),
            result: decodes::<i64>,
        },
        Method {
            name: "echo_u64",
            make: |r| echo_of("v", to_vec(&r.edgy_u64())),
            result: decodes::<u64>,
        },
        Method {
            name: "echo_color",
            make: |r| echo_of("c", to_vec(&fuzz::color(r))),
            result: decodes::<Color>,
        },
        Method {
            name: "echo_nested",
            make: |r| echo_of("v", to_vec(&r.vec(5, |r| r.vec(5, Rng::text)))),
            result: decodes::<Vec<Vec<String>>>,
        },
        Method {
            name: "echo_maybe_list",
            make: |r| echo_of("v", to_vec(&r.option(|r| r.vec(4, fuzz::leaf)))),
            result: decodes::<Option<Vec<Leaf>>>,
        },
        Method {
            name: "echo_list_of_maybe",
            make: |r| echo_of("v", to_vec(&r.vec(4, |r| r.option(fuzz::leaf)))),
            result: decodes::<Vec<Option<Leaf>>>,
        },
        Method {
            name: "several",
            make: |r| {
                let leaf = fuzz::leaf(r);
                let scalars = fuzz::scalars(r);
                let leaves = r.vec(4, fuzz::leaf);
                let top = r.option(fuzz::top);
                let want = format!(
                    "{}|{}|{}|{}",
                    leaf.label,
                    scalars.i64_v,
                    leaves.len(),
                    top.as_ref().map_or("none", |t| t.middle.name.as_str())
                );
                let mut params = vec![
                    ("leaf", to_vec(&leaf)),
                    ("scalars", to_vec(&scalars)),
                    ("leaves", to_vec(&leaves)),
                ];
                if top.is_some() || r.bool() {
                    params.push(("top", to_vec(&top)));
                }
                (request(&params), Expect::Ok(Some(to_vec(&want))))
            },
            result: decodes::<String>,
        },
        Method {
            name: "nothing",
            make: |r| {
                (
                    if r.bool() { vec![] } else { vec![0xa0] },
                    Expect::Ok(Some(vec![0xf6])),
                )
            },
            result: decodes::<()>,
        },
        Method {
            name: "nothing_async",
            make: |r| {
                (
                    if r.bool() { vec![0xf6] } else { vec![0xa0] },
                    Expect::Ok(Some(vec![0xf6])),
                )
            },
            result: decodes::<()>,
        },
        Method {
            name: "calls",
            make: |_| (vec![0xa0], Expect::Ok(None)),
            result: decodes::<u64>,
        },
        Method {
            name: "fail",
            make: |r| {
                let m = r.text();
                (request(&[("message", to_vec(&m))]), Expect::Err(m))
            },
            result: decodes::<()>,
        },
        Method {
            name: "fail_sync",
            make: |r| {
                let m = r.text();
                (request(&[("message", to_vec(&m))]), Expect::Err(m))
            },
            result: decodes::<String>,
        },
        Method {
            name: "call_host_lookup",
            make: |r| {
                let req = request(&[("key", to_vec(&r.text())), ("leaf", to_vec(&fuzz::leaf(r)))]);
                (req, not_registered("host_lookup"))
            },
            result: decodes::<Leaf>,
        },
        Method {
            name: "call_host_notify",
            make: |r| {
                let req = request(&[("n", to_vec(&r.edgy_i64()))]);
                (req, not_registered("host_notify"))
            },
            result: decodes::<()>,
        },
        Method {
            name: "call_host_bytes",
            make: |r| {
                let req = request(&[("data", to_vec(&r.bytes()))]);
                (req, not_registered("host_bytes"))
            },
            result: decodes::<Vec<u8>>,
        },
        Method {
            name: "call_host_now",
            make: |_| (vec![], not_registered("host_now")),
            result: decodes::<i64>,
        },
        Method {
            name: "fire_all",
            make: |r| {
                let req = request(&[
                    ("s", to_vec(&fuzz::scalars(r))),
                    ("c", to_vec(&fuzz::containers(r))),
                    ("leaf", to_vec(&fuzz::leaf(r))),
                ]);
                (req, Expect::Ok(Some(vec![0xf6])))
            },
            result: decodes::<()>,
        },
    ]
}

/// Every answer of the run: how many, and the last one.
struct Answers {
    state: Mutex<(u64, c_int, Vec<u8>)>,
    cv: Condvar,
}

unsafe extern "C" fn on_answer(ret: c_int, msg: *const c_char, len: usize, ud: *mut c_void) {
    // SAFETY: `ud` is the test's `Answers`, alive for the whole run; `msg`
    // is valid for `len` bytes during the callback.
    let answers = unsafe { &*ud.cast::<Answers>() };
    let body = if len == 0 {
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(msg.cast::<u8>(), len) }.to_vec()
    };
    let mut st = answers.state.lock().unwrap();
    st.0 += 1;
    st.1 = ret;
    st.2 = body;
    answers.cv.notify_all();
}

impl Answers {
    /// Waits for answer number `n` (counting from 1).
    fn wait(&self, n: u64) -> Option<(c_int, Vec<u8>)> {
        let st = self.state.lock().unwrap();
        let (st, timeout) = self
            .cv
            .wait_timeout_while(st, Duration::from_secs(10), |s| s.0 < n)
            .unwrap();
        (!timeout.timed_out()).then(|| (st.1, st.2.clone()))
    }

    fn count(&self) -> u64 {
        self.state.lock().unwrap().0
    }
}

#[test]
fn cbor_requests_through_the_c_abi_survive_mutation() {
    e2e::native::link();
    let seed = fuzz::seed();
    let mut r = Rng::new(seed ^ 0x5eed);
    let answers = Answers {
        state: Mutex::new((0, -1, Vec::new())),
        cv: Condvar::new(),
    };
    let ud = (&raw const answers).cast_mut().cast::<c_void>();
    let cb: ffi_core::abi::FfiCallback = Some(on_answer);
    let create = request(&[("label", to_vec(&"fuzz".to_string()))]);
    // SAFETY: valid request; the sync constructor answers inline.
    let ctx = unsafe { fixture_create_cbor(cb, ud, create.as_ptr(), create.len()) };
    assert!(!ctx.is_null());
    assert_eq!(answers.wait(1), Some((ffi_core::abi::RET_OK, vec![])));
    let mut calls = 1u64;

    let methods = methods();
    let corpus: Vec<Vec<(Vec<u8>, Expect)>> = methods
        .iter()
        .map(|m| (0..24).map(|_| (m.make)(&mut r)).collect())
        .collect();
    let names: Vec<&str> = methods.iter().map(|m| m.name).collect();
    let mut failures = Failures::new();
    let mut call = |method: &[u8], direct: bool, req: Option<&[u8]>| -> (c_int, Vec<u8>) {
        let (ptr, len) = req.map_or((std::ptr::null(), 0), |b| (b.as_ptr(), b.len()));
        // SAFETY: valid pointers for the duration of the call; `ud` outlives the run.
        let rc = unsafe {
            if direct {
                export(std::str::from_utf8(method).unwrap())(ctx, cb, ud, ptr, len)
            } else {
                fixture_call_cbor(ctx, method.as_ptr().cast(), method.len(), cb, ud, ptr, len)
            }
        };
        calls += 1;
        let answer = answers.wait(calls).unwrap_or_else(|| {
            panic!(
                "no answer within 10 s to {} (rc {rc}) with request {}",
                String::from_utf8_lossy(method),
                hex(req.unwrap_or_default())
            )
        });
        assert!(
            rc == ffi_core::abi::RET_OK || rc == ffi_core::abi::RET_ERR,
            "return code {rc}"
        );
        answer
    };

    // The corpus: exact answers.
    for (m, inputs) in methods.iter().zip(&corpus) {
        for (req, want) in inputs {
            let (ret, body) = call(m.name.as_bytes(), true, Some(req));
            let got = if ret == ffi_core::abi::RET_OK {
                Expect::Ok(Some(body.clone()))
            } else {
                Expect::Err(String::from_utf8_lossy(&body).into_owned())
            };
            let ok = match want {
                Expect::Ok(None) => ret == ffi_core::abi::RET_OK && (m.result)(&body),
                _ => &got == want,
            };
            assert!(
                ok,
                "{}: request {} got {got:?}, want {want:?}",
                m.name,
                hex(req)
            );
        }
    }

    let total = fuzz::inputs(DEFAULT_INPUTS);
    let mut stats = Stats::new("cbor requests");
    let (mut ok, mut err) = (0u64, 0u64);
    while stats.inputs < total {
        let k = r.below(methods.len());
        let base = &r.pick(&corpus[k]).0;
        let others = r.pick(&corpus);
        let other = r.pick(others).0.clone();
        let input = fuzz::mutate(&mut r, base, &other);
        // Mostly the method's own export; sometimes the dispatcher, with
        // the name itself mutated now and then.
        let (name, direct) = match r.below(8) {
            0 => {
                let mut n = names[k].as_bytes().to_vec();
                let splice = *r.pick(&names);
                fuzz::mutate_once(&mut r, &mut n, splice.as_bytes());
                (n, false)
            }
            1 | 2 => (names[k].as_bytes().to_vec(), false),
            _ => (names[k].as_bytes().to_vec(), true),
        };
        if EXCLUDED.iter().any(|e| e.as_bytes() == name.as_slice()) {
            continue;
        }
        let known = names.iter().position(|n| n.as_bytes() == name.as_slice());
        let req = if r.one_in(100) {
            None
        } else {
            Some(input.as_slice())
        };
        stats.inputs += 1;
        let (ret, body) = call(&name, direct, req);
        let what = || {
            format!(
                "method {:?} request {}",
                String::from_utf8_lossy(&name),
                hex(req.unwrap_or_default())
            )
        };
        match ret {
            ffi_core::abi::RET_OK => {
                ok += 1;
                match known {
                    Some(i) if !(methods[i].result)(&body) => failures.add(format!(
                        "{}: RET_OK answer {} does not decode",
                        what(),
                        hex(&body)
                    )),
                    None => failures.add(format!("{}: unknown method answered OK", what())),
                    _ => {}
                }
            }
            ffi_core::abi::RET_ERR => {
                err += 1;
                match std::str::from_utf8(&body) {
                    Ok(text) if text.starts_with("handler panicked") => {
                        stats.crashes += 1;
                        failures.add(format!("{}: PANIC {text}", what()));
                    }
                    Ok(_) => {}
                    Err(_) => failures.add(format!("{}: error text is not UTF-8", what())),
                }
            }
            other => failures.add(format!("{}: ret {other}", what())),
        }
    }
    // Exactly one answer per call: nothing more arrives.
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(answers.count(), calls, "answers != calls");
    // SAFETY: the live handle.
    assert_eq!(unsafe { fixture_destroy(ctx) }, ffi_core::abi::RET_OK);
    assert_eq!(answers.count(), calls, "destroy answered something");
    stats.report(
        seed,
        &format!("; {calls} calls, {ok} answered OK, {err} errors"),
    );
    failures.assert_none("cbor requests", seed);
}

// ---------------------------------------------------------------------
// Target (b): the IPC frame reader.

fn frame(method: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut f = (method.len() as u32).to_be_bytes().to_vec();
    f.extend_from_slice(method);
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// Reads every frame of `stream` (bounded: each step consumes input or
/// ends), returning what came out and the allocations made.
fn read_all(stream: &[u8], max_frame: u64, chunk_seed: u64) -> (Vec<Incoming>, Allocations) {
    let mut reader = ChunkedReader::new(stream, chunk_seed);
    fuzz::watch(|| {
        let mut out = Vec::new();
        for _ in 0..=stream.len() + 1 {
            let before = reader.position();
            match read_request(&mut reader, max_frame) {
                Ok(Incoming::Request { method, payload }) => {
                    out.push(Incoming::Request { method, payload });
                    assert!(reader.position() > before, "a frame consumed nothing");
                }
                Ok(Incoming::BadMethod) => out.push(Incoming::BadMethod),
                Ok(end) => {
                    out.push(end);
                    return out;
                }
                Err(e) => panic!("read_request failed on a reader that only interrupts: {e}"),
            }
        }
        panic!("read_request does not make progress")
    })
}

/// The limit of a single allocation while reading `stream`: the buffer
/// grows geometrically with the bytes that actually arrived (so at most
/// about twice them, plus one 64 KiB step), and never past the frame limit.
fn allocation_bound(stream_len: usize, max_frame: u64) -> usize {
    const SLACK: usize = 64 << 10;
    (2 * stream_len as u64 + SLACK as u64).min(max_frame + SLACK as u64) as usize
}

#[test]
fn ipc_frame_reader_survives_chunked_and_lying_streams() {
    let seed = fuzz::seed();
    let mut r = Rng::new(seed ^ 0xf4a3e);
    // Frames of real requests, some to unknown methods.
    let methods = methods();
    let frames: Vec<(Vec<u8>, Vec<u8>)> = (0..256)
        .map(|_| {
            let m = r.pick(&methods);
            let name = if r.one_in(10) {
                b"no_such".to_vec()
            } else {
                m.name.as_bytes().to_vec()
            };
            (name, (m.make)(&mut r).0)
        })
        .collect();
    let limits = [
        0u64,
        1,
        8,
        64,
        1024,
        65_536,
        ffi_core::ipc::DEFAULT_MAX_FRAME,
        u64::from(u32::MAX) + 1,
    ];

    // Valid streams come out frame by frame, whatever the chunking.
    for i in 0..200 {
        let n = 1 + r.below(4);
        let picked: Vec<&(Vec<u8>, Vec<u8>)> = (0..n).map(|_| r.pick(&frames)).collect();
        let stream: Vec<u8> = picked.iter().flat_map(|(m, p)| frame(m, p)).collect();
        let (got, _) = read_all(&stream, ffi_core::ipc::DEFAULT_MAX_FRAME, seed + i);
        let mut want: Vec<Incoming> = picked
            .iter()
            .map(|(m, p)| Incoming::Request {
                method: String::from_utf8(m.clone()).unwrap(),
                payload: p.clone(),
            })
            .collect();
        want.push(Incoming::Closed);
        assert_eq!(got, want, "stream {}", hex(&stream));
    }

    let total = fuzz::inputs(DEFAULT_INPUTS);
    let mut stats = Stats::new("ipc frames");
    let mut failures = Failures::new();
    let mut largest_seen = 0usize;
    let mut outcomes = [0u64; 5];
    while stats.inputs < total {
        let n = 1 + r.below(3);
        let mut stream: Vec<u8> = (0..n)
            .flat_map(|_| {
                let (m, p) = r.pick(&frames);
                frame(m, p)
            })
            .collect();
        let max_frame = *r.pick(&limits);
        if r.one_in(1000) {
            // A large frame, under or over the limit.
            let n = r.below(2 << 20);
            stream = frame(b"echo_bytes", &vec![0x5a; n]);
        }
        match r.below(4) {
            // Generic byte mutations.
            0 | 1 => {
                let other = frame(&r.pick(&frames).0, &r.pick(&frames).1);
                stream = fuzz::mutate(&mut r, &stream, &other);
            }
            // A lying length (method or payload) in the first frame.
            2 => {
                let at = if r.bool() {
                    0
                } else {
                    4 + u32::from_be_bytes(stream[..4].try_into().unwrap()) as usize
                };
                let lie: u32 = match r.below(4) {
                    0 => u32::MAX,
                    1 => max_frame.min(u64::from(u32::MAX)) as u32,
                    2 => (max_frame.min(u64::from(u32::MAX)) as u32).wrapping_add(1),
                    _ => r.next_u64() as u32,
                };
                stream[at..at + 4].copy_from_slice(&lie.to_be_bytes());
            }
            // Cut anywhere, or invalid UTF-8 in the method name.
            _ => {
                if r.bool() {
                    stream.truncate(r.below(stream.len()));
                } else if stream.len() > 4 && stream[3] > 0 {
                    stream[4] = 0xff;
                }
            }
        }
        stats.inputs += 1;
        let chunk_seed = r.next_u64();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            read_all(&stream, max_frame, chunk_seed)
        }));
        let what = || format!("max_frame {max_frame}, stream {}", hex(&stream));
        match outcome {
            Err(p) => {
                stats.crashes += 1;
                failures.add(format!("PANIC {}; {}", panic_text(&*p), what()));
            }
            Ok((got, alloc)) => {
                largest_seen = largest_seen.max(alloc.largest);
                let bound = allocation_bound(stream.len(), max_frame);
                if alloc.largest > bound {
                    failures.add(format!(
                        "allocated {} bytes at once (bound {bound}); {}",
                        alloc.largest,
                        what()
                    ));
                }
                for item in &got {
                    let bad = match item {
                        Incoming::Request { method, payload } => {
                            outcomes[0] += 1;
                            (method.len() + payload.len()) as u64 > max_frame
                        }
                        Incoming::BadMethod => {
                            outcomes[1] += 1;
                            false
                        }
                        Incoming::TooLarge(size) => {
                            outcomes[2] += 1;
                            *size <= max_frame
                        }
                        Incoming::Truncated => {
                            outcomes[3] += 1;
                            false
                        }
                        Incoming::Closed => {
                            outcomes[4] += 1;
                            false
                        }
                    };
                    if bad {
                        failures.add(format!("{item:?} breaks the limit; {}", what()));
                    }
                }
            }
        }
    }
    stats.report(
        seed,
        &format!(
            "; requests {}, bad method {}, too large {}, truncated {}, closed {}; largest allocation {largest_seen} bytes",
            outcomes[0], outcomes[1], outcomes[2], outcomes[3], outcomes[4]
        ),
    );
    failures.assert_none("ipc frames", seed);
}

#[test]
fn lying_headers_allocate_nothing_of_the_declared_size() {
    let no_limit = u64::MAX;
    // 4 GiB method name declared, 10 bytes behind it.
    let mut method_lie = u32::MAX.to_be_bytes().to_vec();
    method_lie.extend_from_slice(b"0123456789");
    // A 4 GiB payload declared after a real method name, 10 bytes behind.
    let mut payload_lie = frame(b"echo_bytes", &[]);
    payload_lie.truncate(payload_lie.len() - 4);
    payload_lie.extend_from_slice(&u32::MAX.to_be_bytes());
    payload_lie.extend_from_slice(b"0123456789");
    for (name, stream) in [("method", &method_lie), ("payload", &payload_lie)] {
        for chunk_seed in 0..8 {
            let (got, alloc) = read_all(stream, no_limit, chunk_seed);
            assert_eq!(got, vec![Incoming::Truncated], "{name}");
            assert!(
                alloc.largest < 1 << 20 && alloc.peak < 1 << 20,
                "{name}: a 4 GiB lie cost {alloc:?}"
            );
        }
        // Under the default limit it is refused before anything is read.
        let (got, alloc) = read_all(stream, ffi_core::ipc::DEFAULT_MAX_FRAME, 1);
        assert!(
            matches!(got[..], [Incoming::TooLarge(_)]),
            "{name}: {got:?}"
        );
        assert!(alloc.largest < 1 << 10, "{name}: {alloc:?}");
    }
    // A frame exactly at the limit is read whole; one byte over is refused.
    let limit = 100_000u64;
    let payload = vec![7u8; limit as usize - 4];
    let at_limit = frame(b"echo", &payload);
    let (got, alloc) = read_all(&at_limit, limit, 3);
    assert_eq!(
        got,
        vec![
            Incoming::Request {
                method: "echo".into(),
                payload: payload.clone()
            },
            Incoming::Closed
        ]
    );
    assert!(
        alloc.largest <= allocation_bound(at_limit.len(), limit),
        "{alloc:?}"
    );
    let over = frame(b"echo", &vec![7u8; limit as usize - 3]);
    assert_eq!(
        read_all(&over, limit, 3).0,
        vec![Incoming::TooLarge(limit + 1)]
    );
}

/// A frame's buffer never grows past the frame (plus one read step),
/// however the bytes arrive.
#[test]
fn frame_buffer_is_never_larger_than_the_frame() {
    let mut over = Vec::new();
    for n in [100_000usize, 600_000, 2_101_673, 8_500_000] {
        let f = frame(b"echo", &vec![1u8; n]);
        let (got, alloc) = fuzz::watch(|| read_request(&mut std::io::Cursor::new(&f), 16 << 20));
        assert!(matches!(got, Ok(Incoming::Request { .. })));
        if alloc.largest > f.len() + (64 << 10) {
            over.push(format!(
                "{}-byte frame: {} bytes at once",
                f.len(),
                alloc.largest
            ));
        }
    }
    assert!(over.is_empty(), "{}", over.join("; "));
}
