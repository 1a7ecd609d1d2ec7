//! Hostile input at the entry points the C suites do not reach: the
//! remaining native functions (NULL names, unknown ids, forged handles,
//! broken host answers, everything after destroy), the CBOR ABI's own
//! entry points, and IPC frames that arrive a byte at a time, lie about
//! their size, or name a method in invalid UTF-8. Each checks the exact
//! return code and, where there is a callback, the exact error text.
//! Only 127.0.0.1 and Unix sockets; every server is stopped.

use e2e::native::*;
use ffi_core::cbor::{from_slice, to_vec};
use ffi_core::ipc::{Server, Service};
use std::ffi::{c_char, c_int, c_void};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

const RET_MISSING_CALLBACK: c_int = 2;
const WAIT: Duration = Duration::from_secs(10);

/// Every answer a callback got, in order: the code and `msg` as text
/// (lossy: results that are not text are checked by length only).
#[derive(Default)]
struct Answers {
    got: Mutex<Vec<(c_int, String)>>,
    cv: Condvar,
}

unsafe extern "C" fn record(ret: c_int, msg: *const c_char, len: usize, ud: *mut c_void) {
    // SAFETY: `ud` is a live `Answers`; `msg` is valid for `len` bytes.
    let answers = unsafe { &*ud.cast::<Answers>() };
    let text = if msg.is_null() || len == 0 {
        String::new()
    } else {
        let bytes = unsafe { std::slice::from_raw_parts(msg.cast::<u8>(), len) };
        String::from_utf8_lossy(bytes).into_owned()
    };
    answers.got.lock().unwrap().push((ret, text));
    answers.cv.notify_all();
}

impl Answers {
    fn ud(&self) -> *mut c_void {
        (self as *const Answers).cast_mut().cast()
    }

    /// Waits for `n` answers in all and returns them.
    fn wait(&self, n: usize) -> Vec<(c_int, String)> {
        let got = self.got.lock().unwrap();
        let (got, _) = self
            .cv
            .wait_timeout_while(got, WAIT, |g| g.len() < n)
            .unwrap();
        assert!(got.len() >= n, "{} answers, want {n}: {got:?}", got.len());
        got.clone()
    }

    /// The only answer, once it has come (and nothing after it).
    fn only(&self) -> (c_int, String) {
        let got = self.wait(1);
        std::thread::sleep(Duration::from_millis(20));
        let all = self.got.lock().unwrap().clone();
        assert_eq!(all.len(), 1, "more than one answer: {all:?}");
        got[0].clone()
    }
}

const CB: Callback = Some(record);

/// The host function's call ids, as they come.
#[derive(Default)]
struct HostCalls {
    ids: Mutex<Vec<u64>>,
    cv: Condvar,
}

unsafe extern "C" fn host_records(id: u64, _req: *const c_char, _len: usize, ud: *mut c_void) {
    // SAFETY: `ud` is a live `HostCalls`.
    let calls = unsafe { &*ud.cast::<HostCalls>() };
    calls.ids.lock().unwrap().push(id);
    calls.cv.notify_all();
}

impl HostCalls {
    fn ud(&self) -> *mut c_void {
        (self as *const HostCalls).cast_mut().cast()
    }

    fn next(&self, n: usize) -> u64 {
        let ids = self.ids.lock().unwrap();
        let (ids, _) = self
            .cv
            .wait_timeout_while(ids, WAIT, |i| i.len() < n)
            .unwrap();
        *ids.get(n - 1).expect("the host function was called")
    }
}

/// `ctx` with one bit of its generation flipped: never a live handle
/// (flipping an index bit could name a context of a test running in
/// parallel).
fn forged(ctx: *mut c_void) -> *mut c_void {
    (ctx as usize ^ (1 << 62)) as *mut c_void
}

fn create(label: &str) -> *mut c_void {
    let a = Answers::default();
    let ctx = unsafe { fixture_create(CB, a.ud(), FfiStr::new(label)) };
    assert_eq!(a.only(), (RET_OK, String::new()));
    assert!(!ctx.is_null());
    ctx
}

/// Registers `host_records` for every host function of the fixture.
fn register_all(ctx: *mut c_void, calls: &HostCalls) {
    for name in [c"host_bytes", c"host_lookup", c"host_now", c"host_notify"] {
        let rc =
            unsafe { fixture_register_host_fn(ctx, name.as_ptr(), Some(host_records), calls.ud()) };
        assert_eq!(rc, RET_OK, "{name:?}");
    }
}

#[test]
fn null_and_unknown_names_are_refused() {
    link();
    let ctx = create("names");
    let calls = HostCalls::default();
    unsafe {
        assert_eq!(
            fixture_register_host_fn(ctx, std::ptr::null(), Some(host_records), calls.ud()),
            RET_ERR,
            "NULL host function name"
        );
        assert_eq!(
            fixture_register_host_fn(ctx, c"no_such_fn".as_ptr(), Some(host_records), calls.ud()),
            RET_ERR
        );
        // A name that is a prefix of a real one is not that one.
        assert_eq!(
            fixture_register_host_fn(ctx, c"host_".as_ptr(), Some(host_records), calls.ud()),
            RET_ERR
        );
        let a = Answers::default();
        assert_eq!(
            fixture_add_event_listener(ctx, std::ptr::null(), CB, a.ud()),
            0,
            "NULL event name"
        );
        assert_eq!(
            fixture_add_event_listener(ctx, c"no_such_event".as_ptr(), CB, a.ud()),
            0
        );
        assert_eq!(
            fixture_add_event_listener(ctx, c"tick".as_ptr(), None, a.ud()),
            0,
            "NULL callback"
        );
        assert_eq!(fixture_remove_event_listener(ctx, 0), RET_ERR, "id 0");
        assert_eq!(fixture_remove_event_listener(ctx, u64::MAX), RET_ERR);
        let id = fixture_add_event_listener(ctx, c"tick".as_ptr(), CB, a.ud());
        assert!(id > 0);
        assert_eq!(fixture_remove_event_listener(ctx, id + 1_000_000), RET_ERR);
        assert_eq!(fixture_remove_event_listener(ctx, id), RET_OK);
        assert_eq!(
            fixture_remove_event_listener(ctx, id),
            RET_ERR,
            "removed twice"
        );
        // None of it reached a listener or a callback.
        assert!(a.got.lock().unwrap().is_empty());
        assert_eq!(fixture_destroy(ctx), RET_OK);
    }
}

#[test]
fn cancel_with_forged_null_or_unknown_arguments() {
    link();
    let ctx = create("cancel");
    unsafe {
        assert_eq!(
            fixture_cancel(std::ptr::null_mut(), std::ptr::null_mut()),
            RET_ERR
        );
        assert_eq!(
            fixture_cancel(0x1234 as *mut c_void, std::ptr::null_mut()),
            RET_ERR
        );
        assert_eq!(
            fixture_cancel(forged(ctx), std::ptr::null_mut()),
            RET_ERR,
            "a handle one bit off"
        );
        // A live context and user data nothing was called with: nothing happens.
        let a = Answers::default();
        let b = Answers::default();
        assert_eq!(fixture_sleep_ms(ctx, CB, a.ud(), 50), RET_OK);
        assert_eq!(fixture_cancel(ctx, b.ud()), RET_OK);
        assert_eq!(fixture_cancel(ctx, std::ptr::null_mut()), RET_OK);
        assert_eq!(
            a.only().0,
            RET_OK,
            "an unrelated cancel left the call alone"
        );
        assert!(b.got.lock().unwrap().is_empty());
        assert_eq!(fixture_destroy(ctx), RET_OK);
    }
}

/// Starts `call` (a host-calling method) and answers its host call with
/// `complete`; returns `host_complete`'s code and the call's answer.
fn host_answer(
    call: impl FnOnce(*mut c_void, *mut c_void) -> c_int,
    complete: impl FnOnce(*mut c_void, u64) -> c_int,
) -> (c_int, (c_int, String)) {
    let ctx = create("host-answers");
    let calls = HostCalls::default();
    register_all(ctx, &calls);
    let a = Answers::default();
    assert_eq!(call(ctx, a.ud()), RET_OK);
    let id = calls.next(1);
    let rc = complete(ctx, id);
    let answer = a.only();
    // A second answer to the same id is ignored.
    assert_eq!(
        unsafe { fixture_host_complete(ctx, id, RET_OK, std::ptr::null(), 0) },
        RET_ERR
    );
    assert_eq!(unsafe { fixture_destroy(ctx) }, RET_OK);
    assert_eq!(a.got.lock().unwrap().len(), 1, "destroy answered again");
    (rc, answer)
}

fn call_bytes(ctx: *mut c_void, ud: *mut c_void) -> c_int {
    unsafe { fixture_call_host_bytes(ctx, CB, ud, FfiBytes::new(b"req")) }
}

fn call_now(ctx: *mut c_void, ud: *mut c_void) -> c_int {
    unsafe { fixture_call_host_now(ctx, CB, ud) }
}

fn call_lookup(ctx: *mut c_void, ud: *mut c_void) -> c_int {
    let leaf = FfiLeaf {
        label: FfiStr::new("l"),
        data: FfiBytes::new(b"d"),
        color: 2,
    };
    unsafe { fixture_call_host_lookup(ctx, CB, ud, FfiStr::new("k"), leaf) }
}

#[test]
fn broken_host_answers_fail_the_waiting_call_with_a_reason() {
    link();
    let complete = |ret: c_int, msg: *const c_char, len: usize| {
        move |ctx, id| unsafe { fixture_host_complete(ctx, id, ret, msg, len) }
    };
    // NULL with a length: the answer is taken (RET_OK), and the call fails.
    assert_eq!(
        host_answer(call_bytes, complete(RET_OK, std::ptr::null(), 5)),
        (
            RET_OK,
            (
                RET_ERR,
                "host function 'host_bytes' answered with an invalid value: NULL pointer with length 5"
                    .into()
            )
        )
    );
    assert_eq!(
        host_answer(call_now, complete(RET_OK, std::ptr::null(), 8)),
        (
            RET_OK,
            (
                RET_ERR,
                "host function 'host_now' answered with an invalid value: expected a value, got NULL"
                    .into()
            )
        )
    );
    // A value of the wrong size: the error names both sizes.
    let four = [0u8; 4];
    assert_eq!(
        host_answer(call_now, complete(RET_OK, four.as_ptr().cast(), 4)),
        (
            RET_OK,
            (
                RET_ERR,
                "host function 'host_now' answered with an invalid value: expected a 8-byte value, got 4 bytes"
                    .into()
            )
        )
    );
    let leaf_size = size_of::<FfiLeaf>();
    let short = vec![0u8; leaf_size - 1];
    assert_eq!(
        host_answer(
            call_lookup,
            complete(RET_OK, short.as_ptr().cast(), short.len())
        ),
        (
            RET_OK,
            (
                RET_ERR,
                format!(
                    "host function 'host_lookup' answered with an invalid value: expected a {leaf_size}-byte value, got {} bytes",
                    leaf_size - 1
                )
            )
        )
    );
    // A struct whose string is invalid UTF-8: named down to the field.
    let bad = [0xffu8, 0xfe];
    let leaf = FfiLeaf {
        label: FfiStr {
            ptr: bad.as_ptr().cast(),
            len: 2,
        },
        data: FfiBytes::new(b""),
        color: 0,
    };
    let (rc, (ret, text)) = host_answer(
        call_lookup,
        complete(RET_OK, (&raw const leaf).cast(), leaf_size),
    );
    assert_eq!((rc, ret), (RET_OK, RET_ERR));
    assert_eq!(
        text,
        "host function 'host_lookup' answered with an invalid value: invalid argument 'label': invalid UTF-8 at byte 0"
    );
    // An out-of-range enum in the answer.
    let leaf = FfiLeaf {
        label: FfiStr::new("ok"),
        data: FfiBytes::new(b""),
        color: 7,
    };
    let (_, (ret, text)) = host_answer(
        call_lookup,
        complete(RET_OK, (&raw const leaf).cast(), leaf_size),
    );
    assert_eq!(
        (ret, text.as_str()),
        (
            RET_ERR,
            "host function 'host_lookup' answered with an invalid value: invalid argument 'color': invalid value 7 for enum Color"
        )
    );
    // An error answer without text, with NULL and a length, or with a code
    // that is neither RET_OK nor RET_ERR.
    assert_eq!(
        host_answer(call_bytes, complete(RET_ERR, std::ptr::null(), 0)).1,
        (RET_ERR, "host function 'host_bytes' failed".into())
    );
    assert_eq!(
        host_answer(call_bytes, complete(RET_ERR, std::ptr::null(), 3)).1,
        (RET_ERR, "host function 'host_bytes' failed".into())
    );
    assert_eq!(
        host_answer(call_bytes, complete(42, c"odd code".as_ptr(), 8)).1,
        (RET_ERR, "odd code".into())
    );
}

#[test]
fn host_complete_with_forged_handles_or_unknown_ids() {
    link();
    let ctx = create("forged");
    let calls = HostCalls::default();
    register_all(ctx, &calls);
    let a = Answers::default();
    assert_eq!(call_bytes(ctx, a.ud()), RET_OK);
    let id = calls.next(1);
    unsafe {
        let msg = b"x";
        for bad in [std::ptr::null_mut(), 0x1234 as *mut c_void, forged(ctx)] {
            assert_eq!(
                fixture_host_complete(bad, id, RET_OK, msg.as_ptr().cast(), 1),
                RET_ERR
            );
        }
        assert_eq!(
            fixture_host_complete(ctx, 0, RET_OK, msg.as_ptr().cast(), 1),
            RET_ERR
        );
        assert_eq!(
            fixture_host_complete(ctx, u64::MAX, RET_OK, msg.as_ptr().cast(), 1),
            RET_ERR
        );
        assert!(a.got.lock().unwrap().is_empty(), "still waiting");
        assert_eq!(
            fixture_host_complete(ctx, id, RET_OK, msg.as_ptr().cast(), 1),
            RET_OK
        );
        assert_eq!(a.only(), (RET_OK, "x".into()));
        assert_eq!(fixture_destroy(ctx), RET_OK);
    }
}

#[test]
fn every_entry_point_after_destroy() {
    link();
    let ctx = create("after-destroy");
    let calls = HostCalls::default();
    register_all(ctx, &calls);
    let events = Answers::default();
    let listener = unsafe { fixture_add_event_listener(ctx, c"tick".as_ptr(), CB, events.ud()) };
    assert!(listener > 0);
    let pending = Answers::default();
    assert_eq!(call_bytes(ctx, pending.ud()), RET_OK);
    let id = calls.next(1);
    assert_eq!(unsafe { fixture_destroy(ctx) }, RET_OK);
    assert_eq!(pending.only(), (RET_ERR, "context destroyed".into()));
    unsafe {
        assert_eq!(
            fixture_host_complete(ctx, id, RET_OK, c"x".as_ptr(), 1),
            RET_ERR
        );
        assert_eq!(
            fixture_register_host_fn(ctx, c"host_bytes".as_ptr(), Some(host_records), calls.ud()),
            RET_ERR
        );
        assert_eq!(
            fixture_register_host_fn(ctx, c"host_bytes".as_ptr(), None, std::ptr::null_mut()),
            RET_ERR
        );
        assert_eq!(
            fixture_add_event_listener(ctx, c"tick".as_ptr(), CB, events.ud()),
            0
        );
        assert_eq!(fixture_remove_event_listener(ctx, listener), RET_ERR);
        assert_eq!(fixture_cancel(ctx, pending.ud()), RET_ERR);
        assert_eq!(fixture_destroy(ctx), RET_ERR);
        // Calls: the callback says why, exactly once.
        let late = Answers::default();
        assert_eq!(call_bytes(ctx, late.ud()), RET_ERR);
        let req = to_vec(&"x".to_string());
        assert_eq!(
            fixture_call_cbor(ctx, c"label".as_ptr(), 5, CB, late.ud(), req.as_ptr(), 0),
            RET_ERR
        );
        let bad_handle = "invalid context handle (never created, or already destroyed)";
        assert_eq!(
            late.wait(2),
            vec![(RET_ERR, bad_handle.into()), (RET_ERR, bad_handle.into())]
        );
    }
    assert!(events.got.lock().unwrap().is_empty());
    assert_eq!(calls.ids.lock().unwrap().len(), 1);
}

/// `{"label": label}`.
fn label_request(label: &str) -> Vec<u8> {
    let mut req = vec![0xa1, 0x65];
    req.extend_from_slice(b"label");
    req.extend(to_vec(&label.to_string()));
    req
}

#[test]
fn cbor_entry_points_with_null_or_unknown_arguments() {
    link();
    unsafe {
        // create_cbor: NULL payload with a length; a missing parameter. The
        // context exists (failed) and must still be destroyed.
        for (req, len, want) in [
            (
                std::ptr::null(),
                5,
                "invalid request: NULL pointer with length 5",
            ),
            ([0xa0u8].as_ptr(), 1, "missing field 'label'"),
            (
                [0xa1u8, 0x65].as_ptr(),
                2,
                "malformed CBOR: length 1 declared at byte 0 exceeds the 1 bytes left",
            ),
        ] {
            let a = Answers::default();
            let ctx = fixture_create_cbor(CB, a.ud(), req, len);
            assert_eq!(a.only(), (RET_ERR, want.to_string()));
            if !ctx.is_null() {
                assert_eq!(fixture_destroy(ctx), RET_OK);
            }
        }
        assert!(fixture_create_cbor(None, std::ptr::null_mut(), std::ptr::null(), 5).is_null());

        let create = label_request("cbor-hostile");
        let a = Answers::default();
        let ctx = fixture_create_cbor(CB, a.ud(), create.as_ptr(), create.len());
        assert_eq!(a.only(), (RET_OK, String::new()));

        let call = |method: *const c_char, mlen: usize, req: *const u8, len: usize| {
            let a = Answers::default();
            let rc = fixture_call_cbor(ctx, method, mlen, CB, a.ud(), req, len);
            (rc, a.only())
        };
        let s = to_vec(&"x".to_string());
        let mut echo = vec![0xa1, 0x61, b's'];
        echo.extend_from_slice(&s);
        // NULL or unknown method names.
        assert_eq!(
            call(std::ptr::null(), 0, echo.as_ptr(), echo.len()),
            (RET_ERR, (RET_ERR, "unknown method ''".into()))
        );
        assert_eq!(
            call(std::ptr::null(), 11, echo.as_ptr(), echo.len()),
            (
                RET_ERR,
                (
                    RET_ERR,
                    "invalid method name: NULL pointer with length 11".into()
                )
            ),
            "NULL method name with a length"
        );
        assert_eq!(
            call(c"nope".as_ptr(), 4, echo.as_ptr(), echo.len()),
            (RET_ERR, (RET_ERR, "unknown method 'nope'".into()))
        );
        // The length counts: "echo_string" cut short is another name.
        assert_eq!(
            call(c"echo_string".as_ptr(), 4, echo.as_ptr(), echo.len()),
            (RET_ERR, (RET_ERR, "unknown method 'echo'".into()))
        );
        let bad = [b'e', 0xff, b'x'];
        assert_eq!(
            call(bad.as_ptr().cast(), 3, echo.as_ptr(), echo.len()),
            (RET_ERR, (RET_ERR, "unknown method 'e\u{fffd}x'".into()))
        );
        // NULL payload with a length, through the dispatcher and directly.
        assert_eq!(
            call(c"echo_string".as_ptr(), 11, std::ptr::null(), 9),
            (
                RET_OK,
                (
                    RET_ERR,
                    "invalid request: NULL pointer with length 9".into()
                )
            )
        );
        assert_eq!(
            call(c"nothing".as_ptr(), 7, std::ptr::null(), 1),
            (
                RET_OK,
                (
                    RET_ERR,
                    "invalid request: NULL pointer with length 1".into()
                )
            )
        );
        let a = Answers::default();
        assert_eq!(
            fixture_echo_string_cbor(ctx, CB, a.ud(), std::ptr::null(), 3),
            RET_OK
        );
        assert_eq!(
            a.only(),
            (
                RET_ERR,
                "invalid request: NULL pointer with length 3".into()
            )
        );
        // NULL payload without a length is an empty request.
        assert_eq!(
            call(c"echo_string".as_ptr(), 11, std::ptr::null(), 0),
            (RET_OK, (RET_ERR, "missing field 's'".into()))
        );
        assert_eq!(
            call(c"nothing".as_ptr(), 7, std::ptr::null(), 0).1.0,
            RET_OK
        );
        // A NULL callback: nothing runs.
        assert_eq!(
            fixture_call_cbor(
                ctx,
                c"nope".as_ptr(),
                4,
                None,
                std::ptr::null_mut(),
                std::ptr::null(),
                0
            ),
            RET_MISSING_CALLBACK
        );
        // Still serving.
        let (rc, (ret, _)) = call(c"echo_string".as_ptr(), 11, echo.as_ptr(), echo.len());
        assert_eq!((rc, ret), (RET_OK, RET_OK));
        assert_eq!(fixture_destroy(ctx), RET_OK);
    }
}

// ---------------------------------------------------------------------
// IPC: frames a byte at a time, lying sizes, non-UTF-8 method names.

/// A fixture server on its own thread; stopped and joined on drop.
fn serve(unix: bool) -> e2e::ipc::Running {
    let service = Service::create(ffi_core::cbor_abi!(fixture), &label_request("hostile")).unwrap();
    let b = Server::builder();
    let server = if unix {
        b.bind_unix(e2e::ipc::temp_socket("hostile"))
    } else {
        b.bind_tcp("127.0.0.1:0")
    }
    .unwrap();
    e2e::ipc::start(server, service)
}

/// A raw connection: writes exactly what it is given.
fn connect(addr: &str) -> Box<dyn ReadWrite> {
    match addr.strip_prefix("unix:") {
        Some(path) => {
            let s = UnixStream::connect(path).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            Box::new(s)
        }
        None => {
            let s = TcpStream::connect(addr).unwrap();
            s.set_nodelay(true).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            Box::new(s)
        }
    }
}

trait ReadWrite: Read + Write {
    fn close_write(&self);
}

impl ReadWrite for UnixStream {
    fn close_write(&self) {
        self.shutdown(std::net::Shutdown::Write).unwrap();
    }
}

impl ReadWrite for TcpStream {
    fn close_write(&self) {
        self.shutdown(std::net::Shutdown::Write).unwrap();
    }
}

fn recv(s: &mut dyn ReadWrite) -> std::io::Result<(i32, Vec<u8>)> {
    let mut head = [0u8; 8];
    s.read_exact(&mut head)?;
    let len = u32::from_be_bytes(head[4..].try_into().unwrap());
    let mut body = vec![0; len as usize];
    s.read_exact(&mut body)?;
    Ok((i32::from_be_bytes(head[..4].try_into().unwrap()), body))
}

fn echo_string_request(text: &str) -> Vec<u8> {
    let mut req = vec![0xa1, 0x61, b's'];
    req.extend(to_vec(&text.to_string()));
    e2e::ipc::frame("echo_string", &req)
}

#[test]
fn ipc_frames_arriving_one_byte_at_a_time() {
    for unix in [true, false] {
        let server = serve(unix);
        let mut c = connect(&server.addr);
        // Two pipelined requests, every byte its own write, 200 us apart.
        let text = "héllo\0wörld";
        let mut bytes = echo_string_request(text);
        bytes.extend(e2e::ipc::frame("label", &[]));
        for b in &bytes {
            c.write_all(std::slice::from_ref(b)).unwrap();
            std::thread::sleep(Duration::from_micros(200));
        }
        let (ret, body) = recv(&mut *c).unwrap();
        assert_eq!(
            (ret, from_slice::<String>(&body).unwrap()),
            (RET_OK, text.into())
        );
        let (ret, body) = recv(&mut *c).unwrap();
        assert_eq!(
            (ret, from_slice::<String>(&body).unwrap()),
            (RET_OK, "hostile".into())
        );
        // The same request in odd-sized pieces, the header split mid-length.
        let bytes = echo_string_request("again");
        for piece in [&bytes[..3], &bytes[3..9], &bytes[9..]] {
            c.write_all(piece).unwrap();
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(
            recv(&mut *c).unwrap(),
            (RET_OK, to_vec(&"again".to_string()))
        );
    }
}

#[test]
fn ipc_huge_declared_payload_then_close() {
    let server = serve(false);
    let mut bystander = connect(&server.addr);
    bystander.write_all(&e2e::ipc::frame("label", &[])).unwrap();
    assert_eq!(recv(&mut *bystander).unwrap().0, RET_OK);
    for declared in [
        ffi_core::ipc::DEFAULT_MAX_FRAME as u32 - 20, // within the limit
        (ffi_core::ipc::DEFAULT_MAX_FRAME / 2) as u32,
    ] {
        let mut liar = connect(&server.addr);
        let mut head = e2e::ipc::frame("echo_bytes", &[]);
        head.truncate(head.len() - 4);
        head.extend_from_slice(&declared.to_be_bytes());
        head.extend_from_slice(&[0x5a; 10]);
        liar.write_all(&head).unwrap();
        liar.close_write();
        // No answer: the connection just closes.
        let mut rest = Vec::new();
        liar.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty(), "{rest:?}");
    }
    // The others are served throughout.
    bystander
        .write_all(&echo_string_request("still here"))
        .unwrap();
    assert_eq!(
        recv(&mut *bystander).unwrap(),
        (RET_OK, to_vec(&"still here".to_string()))
    );
}

#[test]
fn ipc_method_name_in_invalid_utf8() {
    let server = serve(true);
    let mut c = connect(&server.addr);
    let mut f = 2u32.to_be_bytes().to_vec();
    f.extend_from_slice(&[0xff, 0xfe]);
    let payload = [0xa0u8];
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    f.extend_from_slice(&payload);
    c.write_all(&f).unwrap();
    let (ret, body) = recv(&mut *c).unwrap();
    assert_eq!(
        (ret, String::from_utf8(body).unwrap()),
        (RET_ERR, "unknown method (the name is not UTF-8)".into())
    );
    // Valid UTF-8 that is no method, then a real call: the connection serves on.
    c.write_all(&e2e::ipc::frame("é", &[])).unwrap();
    let (ret, body) = recv(&mut *c).unwrap();
    assert_eq!(
        (ret, String::from_utf8(body).unwrap()),
        (RET_ERR, "unknown method 'é'".into())
    );
    c.write_all(&echo_string_request("ok")).unwrap();
    assert_eq!(recv(&mut *c).unwrap(), (RET_OK, to_vec(&"ok".to_string())));
}
