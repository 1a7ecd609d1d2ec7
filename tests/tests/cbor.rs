//! The CBOR ABI in process: every supported type round-trips through the
//! fixture's `_cbor` functions, and bad requests get the documented error
//! text naming the field.

use ffi_core::abi::{RET_ERR, RET_MISSING_CALLBACK, RET_OK};
use ffi_core::cbor::{CborType, Encoder, from_slice, to_vec};
use ffi_core::ipc::Service;
use fixture::{Color, Containers, Leaf, Middle, Scalars, Top};
use std::ffi::{c_char, c_int, c_void};

fn fixture_service() -> Service {
    Service::create(
        ffi_core::cbor_abi!(fixture),
        &request(&[("label", &"cbor".to_string())]),
    )
    .expect("create")
}

fn timer_service(name: &str) -> Service {
    let config = my_timer::TimerConfig { name: name.into() };
    Service::create(
        ffi_core::cbor_abi!(my_timer),
        &request(&[("config", &config)]),
    )
    .expect("create")
}

/// A request map from (wire name, value) pairs.
fn request(params: &[(&str, &dyn Encode)]) -> Vec<u8> {
    let mut e = Encoder::new();
    e.map(params.len());
    for (k, v) in params {
        e.text(k);
        v.put(&mut e);
    }
    e.into_bytes()
}

/// Object-safe [`CborType::encode`].
trait Encode {
    fn put(&self, e: &mut Encoder);
}

impl<T: CborType> Encode for T {
    fn put(&self, e: &mut Encoder) {
        self.encode(e);
    }
}

/// Calls `method` with one parameter and decodes the answer.
fn echo<T: CborType + PartialEq + std::fmt::Debug>(
    s: &Service,
    method: &str,
    param: &str,
    v: &T,
) -> T {
    let (ret, body) = s.call(method, &request(&[(param, v)]));
    assert_eq!(ret, RET_OK, "{method}: {}", String::from_utf8_lossy(&body));
    from_slice(&body).unwrap_or_else(|e| panic!("{method}: {e}"))
}

fn err(s: &Service, method: &str, req: &[u8]) -> String {
    let (ret, body) = s.call(method, req);
    assert_eq!(ret, RET_ERR, "{method} should fail");
    String::from_utf8(body).unwrap()
}

fn leaf(label: &str) -> Leaf {
    Leaf {
        label: label.into(),
        data: vec![0, 1, 255],
        color: Color::Blue,
    }
}

fn scalars() -> Scalars {
    Scalars {
        flag: true,
        i8_v: i8::MIN,
        i16_v: i16::MIN,
        i32_v: i32::MIN,
        i64_v: i64::MIN,
        u8_v: u8::MAX,
        u16_v: u16::MAX,
        u32_v: u32::MAX,
        u64_v: u64::MAX,
        f32_v: 1.5,
        f64_v: -0.1,
        text: "héllo\0wörld".into(),
        data: vec![0, 0, 7],
        color: Color::Green,
    }
}

fn containers() -> Containers {
    Containers {
        strings: vec!["".into(), "ü".into()],
        nested: vec![vec![], vec!["a".into(), "b".into()]],
        maybe_list: Some(vec![]),
        list_of_maybe: vec![Some(1), None, Some(-3)],
        maybe_text: Some(String::new()),
        maybe_bytes: None,
        byte_lists: vec![vec![], vec![9]],
        colors: vec![Color::Red, Color::Blue],
        maybe_color: Some(Color::Red),
        flags: vec![true, false],
        floats: vec![f64::MAX, f64::MIN_POSITIVE, 0.0],
        big: vec![0, u64::MAX],
    }
}

fn top() -> Top {
    let middle = Middle {
        name: "m".into(),
        leaves: vec![leaf("a"), leaf("b")],
        best: Some(leaf("best")),
    };
    Top {
        middles: vec![
            middle.clone(),
            Middle {
                name: "n".into(),
                leaves: vec![],
                best: None,
            },
        ],
        middle,
        note: None,
        user_id: 42,
        http_url: "https://x".into(),
    }
}

#[test]
fn every_type_round_trips_through_the_cbor_abi() {
    let s = fixture_service();
    assert_eq!(echo(&s, "echo_scalars", "s", &scalars()), scalars());
    assert_eq!(echo(&s, "echo_scalars_async", "s", &scalars()), scalars());
    assert_eq!(
        echo(&s, "echo_containers", "c", &containers()),
        containers()
    );
    assert_eq!(echo(&s, "echo_top", "t", &top()), top());
    for text in ["", "plain", "nul\0inside", "日本語"] {
        assert_eq!(echo(&s, "echo_string", "s", &text.to_string()), text);
    }
    for bytes in [vec![], vec![0u8; 1000], (0..=255).collect()] {
        assert_eq!(echo(&s, "echo_bytes", "b", &bytes), bytes);
    }
    assert_eq!(
        echo(&s, "echo_option", "v", &Some("x".to_string())),
        Some("x".into())
    );
    assert_eq!(
        echo(&s, "echo_option", "v", &Some(String::new())),
        Some(String::new())
    );
    assert_eq!(echo::<Option<String>>(&s, "echo_option", "v", &None), None);
    for v in [i64::MIN, -1, 0, 23, 24, i64::MAX] {
        assert_eq!(echo(&s, "echo_i64", "v", &v), v);
    }
    assert_eq!(echo(&s, "echo_u64", "v", &u64::MAX), u64::MAX);
    assert_eq!(echo(&s, "echo_color", "c", &Color::Blue), Color::Blue);
    let nested = vec![vec!["a".to_string()], vec![]];
    assert_eq!(echo(&s, "echo_nested", "v", &nested), nested);
    let maybe = Some(vec![leaf("x")]);
    assert_eq!(echo(&s, "echo_maybe_list", "v", &maybe), maybe);
    let list = vec![None, Some(leaf("y"))];
    assert_eq!(echo(&s, "echo_list_of_maybe", "v", &list), list);
}

#[test]
fn several_parameters_unit_results_and_errors() {
    let s = fixture_service();
    let req = request(&[
        ("leaf", &leaf("L")),
        ("scalars", &scalars()),
        ("leaves", &vec![leaf("a")]),
        ("top", &Some(top())),
    ]);
    let (ret, body) = s.call("several", &req);
    assert_eq!(
        (ret, from_slice::<String>(&body).unwrap()),
        (RET_OK, format!("L|{}|1|m", i64::MIN))
    );
    // An absent optional parameter is None.
    let req = request(&[
        ("leaf", &leaf("L")),
        ("scalars", &scalars()),
        ("leaves", &Vec::<Leaf>::new()),
    ]);
    assert_eq!(
        from_slice::<String>(&s.call("several", &req).1).unwrap(),
        format!("L|{}|0|none", i64::MIN)
    );
    // `()` answers CBOR null; a method without parameters takes {} or nothing.
    assert_eq!(s.call("nothing", &[0xa0]), (RET_OK, vec![0xf6]));
    assert_eq!(s.call("nothing_async", &[]), (RET_OK, vec![0xf6]));
    assert_eq!(from_slice::<u64>(&s.call("calls", &[]).1).unwrap(), 2);
    assert_eq!(
        err(&s, "fail", &request(&[("message", &"nope".to_string())])),
        "nope"
    );
    assert_eq!(
        err(
            &s,
            "fail_sync",
            &request(&[("message", &"nope".to_string())])
        ),
        "nope"
    );
    assert!(
        err(
            &s,
            "panic_sync",
            &request(&[("message", &"boom".to_string())])
        )
        .contains("boom")
    );
    assert!(
        err(
            &s,
            "panic_async",
            &request(&[("message", &"boom".to_string())])
        )
        .contains("boom")
    );
    assert_eq!(
        err(&s, "no_such_method", &[0xa0]),
        "unknown method 'no_such_method'"
    );
}

#[test]
fn bad_requests_name_the_field() {
    let t = timer_service("t");
    let mut e = Encoder::new();
    // {"req": {"messages": [{"message": "a", "delayMs": 1}, {"message": "b", "delayMs": "x"}], "tags": []}}
    e.map(1);
    e.text("req");
    e.map(2);
    e.text("messages");
    e.array(2);
    for (m, d) in [("a", None), ("b", Some("x"))] {
        e.map(2);
        e.text("message");
        e.text(m);
        e.text("delayMs");
        match d {
            Some(t) => e.text(t),
            None => e.i64(1),
        }
    }
    e.text("tags");
    e.array(0);
    assert_eq!(
        err(&t, "complex", e.as_bytes()),
        "field 'req.messages[1].delayMs': expected integer, got text"
    );

    let echo_req = |fields: &[(&str, &dyn Encode)]| request(&[("req", &Raw(request(fields)))]);
    assert_eq!(
        err(&t, "echo", &echo_req(&[("message", &"m".to_string())])),
        "missing field 'req.delayMs'"
    );
    assert_eq!(err(&t, "echo", &[0xa0]), "missing field 'req'");
    assert_eq!(
        err(&t, "echo", &[0xa1, 0x63, b'r', b'e', b'q']),
        "malformed CBOR: unexpected end of input at byte 5 in field 'req'"
    );
    // Unknown keys are ignored; bad UTF-8 is named.
    let ok = echo_req(&[
        ("message", &"m".to_string()),
        ("delayMs", &0i64),
        ("future", &vec![1u8]),
    ]);
    assert_eq!(t.call("echo", &ok).0, RET_OK);
    let bad_utf8 = echo_req(&[
        ("message", &Raw(vec![0x62, 0xc3, 0x28])),
        ("delayMs", &0i64),
    ]);
    assert_eq!(
        err(&t, "echo", &bad_utf8),
        "invalid UTF-8 in field 'req.message'"
    );
    let too_big = echo_req(&[("message", &"m".to_string()), ("delayMs", &u64::MAX)]);
    assert_eq!(
        err(&t, "echo", &too_big),
        "field 'req.delayMs': expected integer in range of i64"
    );

    let job = request(&[
        ("name", &"n".to_string()),
        ("payload", &Vec::<String>::new()),
        ("priority", &"Huge".to_string()),
    ]);
    let retry = my_timer::RetryPolicy {
        max_attempts: 1,
        backoff_ms: 1,
        retry_on: vec![],
    };
    let sched = my_timer::ScheduleConfig {
        start_at_ms: 0,
        interval_ms: 0,
        jitter: None,
    };
    let req = request(&[("job", &Raw(job)), ("retry", &retry), ("schedule", &sched)]);
    assert_eq!(
        err(&t, "schedule", &req),
        "unknown enum value 'Huge' for Priority in field 'job.priority'"
    );
    let trailing = [ok.as_slice(), &[0x00]].concat();
    assert_eq!(
        err(&t, "echo", &trailing),
        format!(
            "malformed CBOR: 1 trailing bytes after the value at byte {}",
            ok.len()
        )
    );
}

#[test]
fn hostile_requests_fail_without_crashing_or_allocating() {
    let t = timer_service("t");
    // 10,000 nested arrays, as an unknown key (skipped) and as a field.
    let mut deep = vec![0x81u8; 10_000];
    deep.push(0);
    let unknown = request(&[("zzz", &Raw(deep.clone()))]);
    assert_eq!(
        err(&t, "echo", &unknown),
        "malformed CBOR: nesting deeper than 256 levels at byte 260"
    );
    let field = request(&[("req", &Raw(request(&[("messages", &Raw(deep))])))]);
    assert_eq!(
        err(&t, "complex", &field),
        "field 'req.messages[0]': expected map, got array"
    );
    // A text string declaring 4 GiB in a few bytes.
    let huge = request(&[(
        "req",
        &Raw(request(&[(
            "message",
            &Raw(vec![0x7a, 0xff, 0xff, 0xff, 0xff, b'x']),
        )])),
    )]);
    assert_eq!(
        err(&t, "echo", &huge),
        "malformed CBOR: length 4294967295 declared at byte 14 exceeds the 1 bytes left in field 'req.message'"
    );
    // Still serving.
    assert_eq!(
        from_slice::<String>(&t.call("version", &[]).1).unwrap(),
        "my_timer v0.1.0"
    );
}

/// Bytes spliced into a request as they are.
struct Raw(Vec<u8>);

impl Encode for Raw {
    fn put(&self, e: &mut Encoder) {
        let mut bytes = std::mem::take(e).into_bytes();
        bytes.extend_from_slice(&self.0);
        *e = Encoder::with_buffer(bytes);
    }
}

unsafe extern "C" {
    fn fixture_echo_string_cbor(
        ctx: *mut c_void,
        cb: ffi_core::abi::FfiCallback,
        ud: *mut c_void,
        req: *const u8,
        len: usize,
    ) -> c_int;
    fn fixture_create_cbor(
        cb: ffi_core::abi::FfiCallback,
        ud: *mut c_void,
        req: *const u8,
        len: usize,
    ) -> *mut c_void;
}

unsafe extern "C" fn record(ret: c_int, msg: *const c_char, len: usize, ud: *mut c_void) {
    // SAFETY: `ud` is the test's `Vec`, `msg` valid for `len` bytes.
    let out = unsafe { &mut *ud.cast::<Vec<(c_int, Vec<u8>)>>() };
    out.push((
        ret,
        unsafe { std::slice::from_raw_parts(msg.cast::<u8>(), len) }.to_vec(),
    ));
}

#[test]
fn direct_calls_follow_the_callback_rule() {
    let mut got: Vec<(c_int, Vec<u8>)> = Vec::new();
    let ud = (&raw mut got).cast::<c_void>();
    let req = to_vec(&"x".to_string());
    // SAFETY: valid pointers; sync calls answer before returning.
    unsafe {
        assert_eq!(
            fixture_echo_string_cbor(std::ptr::null_mut(), None, ud, req.as_ptr(), req.len()),
            RET_MISSING_CALLBACK
        );
        assert_eq!(
            fixture_echo_string_cbor(
                0x1234 as *mut c_void,
                Some(record),
                ud,
                req.as_ptr(),
                req.len()
            ),
            RET_ERR
        );
        assert!(fixture_create_cbor(None, ud, std::ptr::null(), 0).is_null());
    }
    assert_eq!(got.len(), 1);
    assert!(String::from_utf8_lossy(&got[0].1).contains("invalid context handle"));
}

/// The golden wire vectors (`tests/vectors/*.txt`, `name hex` per line):
/// the same values are built by the Go client's test in `tests/goremote`,
/// so both sides must agree byte for byte. `RSFFI_BLESS=1` rewrites them.
/// (file, name, encoding, decode-then-encode).
type Vector = (&'static str, &'static str, Vec<u8>, fn(&[u8]) -> Vec<u8>);

fn wire_vectors() -> Vec<Vector> {
    use my_timer::*;
    fn again<T: CborType>(b: &[u8]) -> Vec<u8> {
        to_vec(&from_slice::<T>(b).unwrap_or_else(|e| panic!("{e}")))
    }
    let msg = |m: &str, d: i64| EchoRequest {
        message: m.into(),
        delay_ms: d,
    };
    vec![
        (
            "timer",
            "TimerConfig",
            to_vec(&TimerConfig {
                name: "ipc-demo".into(),
            }),
            again::<TimerConfig>,
        ),
        (
            "timer",
            "EchoRequest",
            to_vec(&msg("hello", 5)),
            again::<EchoRequest>,
        ),
        (
            "timer",
            "EchoResponse",
            to_vec(&EchoResponse {
                echoed: "hi".into(),
                timer_name: "t".into(),
            }),
            again::<EchoResponse>,
        ),
        (
            "timer",
            "EchoEvent",
            to_vec(&EchoEvent {
                message: "m".into(),
                echo_count: -3,
            }),
            again::<EchoEvent>,
        ),
        (
            "timer",
            "ComplexRequest",
            to_vec(&ComplexRequest {
                messages: vec![msg("one", 0), msg("two", 300)],
                tags: vec!["a".into()],
                note: Some("n".into()),
                retries: None,
            }),
            again::<ComplexRequest>,
        ),
        (
            "timer",
            "ComplexRequestEmpty",
            to_vec(&ComplexRequest {
                messages: vec![],
                tags: vec![],
                note: None,
                retries: Some(70000),
            }),
            again::<ComplexRequest>,
        ),
        (
            "timer",
            "ComplexResponse",
            to_vec(&ComplexResponse {
                summary: "s".into(),
                item_count: 2,
                has_note: true,
            }),
            again::<ComplexResponse>,
        ),
        (
            "timer",
            "Priority",
            to_vec(&Priority::Normal),
            again::<Priority>,
        ),
        (
            "timer",
            "JobSpec",
            to_vec(&JobSpec {
                name: "nightly".into(),
                payload: vec!["x".into()],
                priority: Priority::High,
            }),
            again::<JobSpec>,
        ),
        (
            "timer",
            "RetryPolicy",
            to_vec(&RetryPolicy {
                max_attempts: 3,
                backoff_ms: 100,
                retry_on: vec!["timeout".into()],
            }),
            again::<RetryPolicy>,
        ),
        (
            "timer",
            "ScheduleConfig",
            to_vec(&ScheduleConfig {
                start_at_ms: 1000,
                interval_ms: 5000,
                jitter: Some(-50),
            }),
            again::<ScheduleConfig>,
        ),
        (
            "timer",
            "ScheduleResult",
            to_vec(&ScheduleResult {
                job_id: "a:b".into(),
                will_run_count: 12,
                first_run_at_ms: 1050,
                effective_backoff_ms: 50,
                priority: Priority::Low,
            }),
            again::<ScheduleResult>,
        ),
        ("fixture", "Scalars", to_vec(&scalars()), again::<Scalars>),
        (
            "fixture",
            "Containers",
            to_vec(&containers()),
            again::<Containers>,
        ),
        ("fixture", "Leaf", to_vec(&leaf("leaf")), again::<Leaf>),
        ("fixture", "Top", to_vec(&top()), again::<Top>),
    ]
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn golden_wire_vectors_match_in_both_directions() {
    let dir = e2e::root().join("tests/vectors");
    let vectors = wire_vectors();
    for file in ["timer", "fixture"] {
        let path = dir.join(format!("{file}.txt"));
        let ours: Vec<_> = vectors.iter().filter(|v| v.0 == file).collect();
        if std::env::var_os("RSFFI_BLESS").is_some() {
            let mut text = format!(
                "# CBOR wire vectors of the {file} types: `name hex`. Checked by tests/tests/cbor.rs\n# and tests/goremote; regenerate with RSFFI_BLESS=1 cargo test -p e2e --test cbor.\n"
            );
            for (_, name, bytes, _) in &ours {
                text.push_str(&format!("{name} {}\n", hex(bytes)));
            }
            std::fs::write(&path, text).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let golden: Vec<(&str, &str)> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| l.split_once(' ').unwrap())
            .collect();
        assert_eq!(
            golden.len(),
            ours.len(),
            "{file}.txt is stale: rerun with RSFFI_BLESS=1"
        );
        for ((name, h), (_, our_name, bytes, reencode)) in golden.iter().zip(&ours) {
            assert_eq!(name, our_name);
            assert_eq!(*h, hex(bytes), "encoding of {name}");
            assert_eq!(hex(&reencode(&unhex(h))), *h, "decoding of {name}");
        }
    }
}

#[test]
fn cbor_headers_compile_as_c11_and_cpp17() {
    use std::process::Command;
    e2e::build_libraries();
    let dir = e2e::lib_dir().join("e2e-cbor");
    std::fs::create_dir_all(&dir).unwrap();
    for h in e2e::generated_headers("_cbor.h") {
        let stem = h.file_stem().unwrap().to_string_lossy().into_owned();
        let src = format!("#include \"{0}\"\n#include \"{0}\"\n", h.display());
        for (compiler, std, ext) in [("cc", "-std=c11", "c"), ("c++", "-std=c++17", "cpp")] {
            let file = dir.join(format!("{stem}.{ext}"));
            std::fs::write(&file, &src).unwrap();
            e2e::run(
                Command::new(compiler)
                    .args([std, "-Wall", "-Wextra", "-pedantic", "-Werror", "-c"])
                    .arg(&file)
                    .arg("-o")
                    .arg(dir.join(format!("{stem}_{ext}.o"))),
            );
        }
    }
}

#[test]
fn fields_named_like_generated_locals_round_trip() {
    let v = fixture::Collide {
        key: 1,
        d: 2,
        e: 3,
        len: 4,
        text: "t".into(),
        arena: 5,
        c: 6,
    };
    let bytes = ffi_core::cbor::to_vec(&v);
    assert_eq!(
        ffi_core::cbor::from_slice::<fixture::Collide>(&bytes).unwrap(),
        v
    );
}

/// Names written as raw identifiers (`r#match`, `r#type`) cross as the
/// plain name: the method is `match`, the parameter and field `type`.
#[test]
fn raw_identifier_names_cross_without_their_prefix() {
    let s = fixture_service();
    let value = fixture::Tagged {
        r#type: "val".into(),
        r#match: Some(41),
    };
    let (ret, body) = s.call(
        "match",
        &request(&[("type", &"k".to_string()), ("value", &value)]),
    );
    assert_eq!(ret, RET_OK, "{}", String::from_utf8_lossy(&body));
    let got: fixture::Tagged = from_slice(&body).unwrap();
    assert_eq!(
        got,
        fixture::Tagged {
            r#type: "k:val".into(),
            r#match: Some(42),
        }
    );
    // The wire map of the struct is keyed "type" and "match".
    let mut e = Encoder::new();
    e.map(2);
    e.text("type");
    e.text("val");
    e.text("match");
    41i32.encode(&mut e);
    assert_eq!(to_vec(&value), e.into_bytes());
    // A missing parameter is named as the author spelled it, without r#.
    let msg = err(&s, "match", &request(&[("value", &value)]));
    assert_eq!(msg, "missing field 'type'");
}

/// Objects over the CBOR ABI: a result is an unsigned id, `Type.method`
/// takes it as `"self"`, `Type.close` closes it; ids of another type,
/// closed or missing ids are errors.
#[test]
fn objects_cross_as_ids() {
    let s = fixture_service();
    let made = |start: i64| -> u64 {
        let (ret, body) = s.call("make_counter", &request(&[("start", &start)]));
        assert_eq!(ret, RET_OK, "{}", String::from_utf8_lossy(&body));
        from_slice(&body).expect("an unsigned id")
    };
    let c = made(5);
    let (ret, body) = s.call("Counter.add", &request(&[("self", &c), ("n", &3i64)]));
    assert_eq!((ret, from_slice::<i64>(&body).unwrap()), (RET_OK, 8));
    let (ret, body) = s.call(
        "Counter.add_later",
        &request(&[("self", &c), ("n", &1i64), ("delayMs", &0u64)]),
    );
    assert_eq!((ret, from_slice::<i64>(&body).unwrap()), (RET_OK, 9));
    let d = made(1);
    let (ret, body) = s.call("sum_counters", &request(&[("a", &c), ("b", &d)]));
    assert_eq!((ret, from_slice::<i64>(&body).unwrap()), (RET_OK, 10));
    let (ret, body) = s.call("counters", &request(&[("n", &2u32)]));
    assert_eq!(ret, RET_OK);
    let ids: Vec<u64> = from_slice(&body).unwrap();
    assert_eq!(ids.len(), 2);
    let (ret, body) = s.call(
        "maybe_counter",
        &request(&[("some", &false), ("start", &0i64)]),
    );
    assert_eq!(
        (ret, from_slice::<Option<u64>>(&body).unwrap()),
        (RET_OK, None)
    );

    // A static function through the dispatcher.
    let (ret, body) = s.call("multiply", &request(&[("a", &6i64), ("b", &7i64)]));
    assert_eq!((ret, from_slice::<i64>(&body).unwrap()), (RET_OK, 42));

    // Errors: no self, a Tag id where a Counter is expected, closed ids.
    assert_eq!(
        err(&s, "Counter.get", &request(&[])),
        "missing field 'self'"
    );
    let (ret, body) = s.call("make_tag", &request(&[("name", &"t".to_string())]));
    assert_eq!(ret, RET_OK);
    let tag: u64 = from_slice(&body).unwrap();
    assert!(
        err(&s, "Counter.get", &request(&[("self", &tag)]))
            .contains("a Tag handle was given where a Counter is expected")
    );
    for id in [c, d, ids[0], ids[1], tag] {
        let method = if id == tag {
            "Tag.close"
        } else {
            "Counter.close"
        };
        let (ret, body) = s.call(method, &request(&[("self", &id)]));
        assert_eq!(ret, RET_OK, "{}", String::from_utf8_lossy(&body));
        assert_eq!(body, to_vec(&()));
    }
    assert!(err(&s, "Counter.close", &request(&[("self", &c)])).contains("already closed"));
    assert!(err(&s, "Counter.get", &request(&[("self", &c)])).contains("invalid Counter handle"));
    assert!(
        err(&s, "sum_counters", &request(&[("a", &c), ("b", &d)]))
            .starts_with("invalid argument 'a'")
    );
}

unsafe extern "C" {
    fn fixture_cbor_session_new() -> *mut c_void;
    fn fixture_cbor_session_free(session: *mut c_void) -> c_int;
    fn fixture_call_cbor_in(
        session: *mut c_void,
        ctx: *mut c_void,
        method: *const c_char,
        method_len: usize,
        cb: Option<unsafe extern "C" fn(c_int, *const c_char, usize, *mut c_void)>,
        ud: *mut c_void,
        req: *const u8,
        len: usize,
    ) -> c_int;
}

/// Sync calls only: the answer is in `out` when the call returns.
unsafe extern "C" fn keep(ret: c_int, msg: *const c_char, len: usize, ud: *mut c_void) {
    // SAFETY: `ud` is the caller's `(c_int, Vec<u8>)`; `msg` valid for `len`.
    unsafe {
        let out = &mut *(ud as *mut (c_int, Vec<u8>));
        out.0 = ret;
        out.1 = if msg.is_null() {
            Vec::new()
        } else {
            std::slice::from_raw_parts(msg.cast::<u8>(), len).to_vec()
        };
    }
}

fn call_in(session: *mut c_void, ctx: *mut c_void, method: &str, req: &[u8]) -> (c_int, Vec<u8>) {
    let mut out = (-1, Vec::new());
    // SAFETY: valid pointers for the call; sync methods answer inline.
    unsafe {
        fixture_call_cbor_in(
            session,
            ctx,
            method.as_ptr().cast(),
            method.len(),
            Some(keep),
            (&raw mut out).cast(),
            req.as_ptr(),
            req.len(),
        )
    };
    out
}

/// Ids through a session are small, valid only in it, and the session's
/// end closes what it still holds.
#[test]
fn sessions_scope_object_ids_and_close_them() {
    let stats = || -> (u64, u64) {
        let (ret, body) = fixture_service().call("counter_stats", &request(&[]));
        assert_eq!(ret, RET_OK);
        let v: Vec<u64> = from_slice(&body).unwrap();
        (v[0], v[1])
    };
    let mut created: (c_int, Vec<u8>) = (-1, Vec::new());
    let label = "sessions";
    // SAFETY: the C ABI; the sync constructor answers before returning.
    let ctx = unsafe {
        e2e::native::fixture_create(
            Some(keep),
            (&raw mut created).cast(),
            e2e::native::FfiStr::new(label),
        )
    };
    assert_eq!(created.0, RET_OK);
    // SAFETY: plain constructors.
    let (a, b) = unsafe { (fixture_cbor_session_new(), fixture_cbor_session_new()) };
    assert!(!a.is_null() && !b.is_null() && a != b);
    let (made0, dropped0) = stats();
    let (ret, body) = call_in(a, ctx, "make_counter", &request(&[("start", &4i64)]));
    assert_eq!(ret, RET_OK);
    let id: u64 = from_slice(&body).unwrap();
    assert_eq!(id, 1, "the session's first id");
    let (ret, body) = call_in(a, ctx, "Counter.get", &request(&[("self", &id)]));
    assert_eq!((ret, from_slice::<i64>(&body).unwrap()), (RET_OK, 4));
    let (ret, body) = call_in(b, ctx, "Counter.get", &request(&[("self", &id)]));
    assert_eq!(
        ret,
        RET_ERR,
        "another session's id: {}",
        String::from_utf8_lossy(&body)
    );
    let (ret, _) = call_in(a, ctx, "counters", &request(&[("n", &2u32)]));
    assert_eq!(ret, RET_OK);
    assert_eq!(stats().0 - made0, 3);
    // SAFETY: live session handles; the second free is refused.
    unsafe {
        assert_eq!(fixture_cbor_session_free(a), RET_OK);
        assert_eq!(fixture_cbor_session_free(a), RET_ERR);
        assert_eq!(fixture_cbor_session_free(b), RET_OK);
    }
    assert_eq!(
        stats().1 - dropped0,
        3,
        "the session's end closed its objects"
    );
    let (ret, body) = call_in(a, ctx, "label", &request(&[]));
    assert_eq!(ret, RET_ERR);
    assert_eq!(String::from_utf8_lossy(&body), "invalid CBOR session");
    // SAFETY: the context made above.
    assert_eq!(unsafe { e2e::native::fixture_destroy(ctx) }, RET_OK);
}
