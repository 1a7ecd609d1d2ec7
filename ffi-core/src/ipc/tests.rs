//! The connection's ordered output against a fake CBOR ABI: answers that
//! come out of order, from other threads, and faster than a slow peer
//! reads them (the socket fills up and the writer thread takes over).

use super::{CborAbi, Server, Service};
use crate::abi::{FfiCallback, RET_OK};
use std::ffi::{c_char, c_int, c_void};
use std::io::{BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

unsafe extern "C" fn create(
    cb: FfiCallback,
    ud: *mut c_void,
    _: *const u8,
    _: usize,
) -> *mut c_void {
    // SAFETY: the callback contract.
    unsafe { cb.expect("callback")(RET_OK, std::ptr::null(), 0, ud) };
    std::ptr::dangling_mut::<u8>().cast()
}

struct Ud(*mut c_void);
// SAFETY: user data is an opaque pointer the callback may get anywhere.
unsafe impl Send for Ud {}

/// `now` answers inline with the payload; `later` answers from another
/// thread after `payload[0]` milliseconds.
unsafe extern "C" fn call(
    _: *mut c_void,
    method: *const c_char,
    method_len: usize,
    cb: FfiCallback,
    ud: *mut c_void,
    req: *const u8,
    len: usize,
) -> c_int {
    let cb = cb.expect("callback");
    // SAFETY: valid for the call.
    let method = unsafe { std::slice::from_raw_parts(method.cast::<u8>(), method_len) };
    // SAFETY: valid for the call.
    let body = unsafe { std::slice::from_raw_parts(req, len) }.to_vec();
    if method == b"now" {
        // SAFETY: the callback contract.
        unsafe { cb(RET_OK, body.as_ptr().cast(), body.len(), ud) };
    } else {
        let ud = Ud(ud);
        std::thread::spawn(move || {
            let ud = ud;
            std::thread::sleep(Duration::from_millis(u64::from(body[0])));
            // SAFETY: the callback contract.
            unsafe { cb(RET_OK, body.as_ptr().cast(), body.len(), ud.0) };
        });
    }
    RET_OK
}

unsafe extern "C" fn destroy(_: *mut c_void) -> c_int {
    RET_OK
}

fn frame(method: &str, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&(method.len() as u32).to_be_bytes());
    f.extend_from_slice(method.as_bytes());
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn response(r: &mut impl Read) -> (i32, Vec<u8>) {
    let mut head = [0; 8];
    r.read_exact(&mut head).unwrap();
    let mut body = vec![0; u32::from_be_bytes(head[4..].try_into().unwrap()) as usize];
    r.read_exact(&mut body).unwrap();
    (i32::from_be_bytes(head[..4].try_into().unwrap()), body)
}

fn with_server(name: &str, test: impl FnOnce(UnixStream)) {
    let abi = CborAbi {
        create,
        call,
        destroy,
        cancel: None,
        fingerprint: None,
        library: "fake",
        sessions: None,
    };
    let service = Service::create(abi, &[]).unwrap();
    let path =
        std::env::temp_dir().join(format!("ffi-core-ipc-{name}-{}.sock", std::process::id()));
    let server = Server::builder().bind_unix(&path).unwrap();
    let stop = server.shutdown_handle();
    let t = std::thread::spawn(move || server.serve(service));
    test(UnixStream::connect(&path).unwrap());
    stop.shutdown();
    t.join().unwrap().unwrap();
}

#[test]
fn answers_keep_request_order_when_they_complete_out_of_order() {
    with_server("order", |mut s| {
        let mut r = BufReader::new(s.try_clone().unwrap());
        // Decreasing delays: the last request is answered first.
        for i in 0..20u8 {
            s.write_all(&frame("later", &[40 - 2 * i, i])).unwrap();
            s.write_all(&frame("now", &[0, 100 + i])).unwrap();
        }
        for i in 0..20u8 {
            assert_eq!(response(&mut r), (RET_OK, vec![40 - 2 * i, i]));
            assert_eq!(response(&mut r), (RET_OK, vec![0, 100 + i]));
        }
    });
}

#[test]
fn a_peer_that_reads_late_gets_every_answer_in_order() {
    with_server("late", |s| {
        // 600 answers of 16 KiB: far more than the socket buffers hold,
        // and more than MAX_IN_FLIGHT.
        let mut w = s.try_clone().unwrap();
        let writer = std::thread::spawn(move || {
            for i in 0..600u32 {
                let mut payload = vec![0u8; 16 << 10];
                payload[..4].copy_from_slice(&i.to_be_bytes());
                let method = if i % 7 == 0 { "later" } else { "now" };
                w.write_all(&frame(method, &payload)).unwrap();
            }
        });
        std::thread::sleep(Duration::from_millis(200));
        let mut r = BufReader::new(s);
        for i in 0..600u32 {
            let (ret, body) = response(&mut r);
            assert_eq!(ret, RET_OK);
            assert_eq!(body.len(), 16 << 10);
            assert_eq!(body[..4], i.to_be_bytes(), "answer {i}");
        }
        writer.join().unwrap();
    });
}

/// The server's fast parser against the reference frame reader, on
/// random and mutated frames: same frames, same lengths, same limits.
#[test]
fn fast_parser_agrees_with_the_frame_reader_on_random_input() {
    use super::frame::{Incoming, Parsed, parse, read_request};
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for case in 0..200_000u32 {
        let max = [0u64, 4, 16, 64, 1 << 20][case as usize % 5];
        let mut buf = match next() % 3 {
            0 => (0..next() % 24).map(|_| next() as u8).collect::<Vec<u8>>(),
            _ => {
                let m = (next() % 6) as usize;
                let p = (next() % 40) as usize;
                let mut f = frame(&"m".repeat(m), &vec![7u8; p]);
                let at = next() as usize % f.len();
                if next() % 2 == 0 {
                    f[at] = next() as u8;
                }
                f.truncate(f.len() - next() as usize % 3);
                f
            }
        };
        let v2 = next() % 4 == 0;
        if v2 {
            let mut with_id = (next() as u32).to_be_bytes().to_vec();
            with_id.append(&mut buf);
            buf = with_id;
        }
        let parsed = parse(&buf, max, v2);
        let body = if v2 {
            buf.get(4..).unwrap_or(&[])
        } else {
            &buf[..]
        };
        let reference = if v2 && buf.len() < 4 {
            None
        } else {
            Some(read_request(&mut &body[..], max).unwrap())
        };
        match (&parsed, reference) {
            (
                Parsed::Frame {
                    method,
                    payload,
                    len,
                    ..
                },
                Some(Incoming::Request {
                    method: m,
                    payload: p,
                }),
            ) => {
                assert_eq!(
                    (&buf[method.clone()], &buf[payload.clone()]),
                    (m.as_bytes(), &p[..]),
                    "{buf:?}"
                );
                assert!(*len <= buf.len());
            }
            (
                Parsed::Frame {
                    method, payload, ..
                },
                Some(Incoming::BadMethod),
            ) => {
                assert!(std::str::from_utf8(&buf[method.clone()]).is_err());
                assert!(payload.end <= buf.len());
            }
            (Parsed::TooLarge { declared, .. }, Some(Incoming::TooLarge(n))) => {
                assert_eq!(*declared, n)
            }
            (Parsed::Partial { need }, Some(Incoming::Truncated | Incoming::Closed) | None) => {
                assert!(*need == 0 || *need > buf.len(), "{buf:?}");
            }
            (p, r) => panic!("{buf:?} (max {max}, v2 {v2}): parse {p:?}, reader {r:?}"),
        }
    }
}

/// `cbor_abi!` spells its link names as literals (a `link_name` cannot be
/// computed): they are the symbol grammar's.
#[test]
fn cbor_abi_links_the_grammars_symbols() {
    use ffi_abi::symbols::Lifecycle::*;
    let source = include_str!("mod.rs");
    for l in [
        CreateCbor,
        CallCbor,
        Destroy,
        Cancel,
        CborSessionNew,
        CborSessionFree,
        CallCborIn,
    ] {
        let spelled = format!("concat!(stringify!($lib), \"_{}\")", l.suffix());
        assert!(
            source.contains(&spelled),
            "cbor_abi! does not link {spelled}"
        );
    }
}
