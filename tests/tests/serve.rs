//! `ffi-serve` under hostile and heavy use: socket permissions and live
//! paths, the token, TLS, every limit, timeouts, memory under clients
//! that never read, SIGTERM, and running out of file descriptors. Each
//! test runs its own server process on 127.0.0.1 or a Unix socket.

use e2e::ipc::{IpcClient, Served, cdylib, frame, temp_socket};
use ffi_core::abi::{RET_ERR, RET_OK};
use ffi_core::cbor::{CborType, Encoder, from_slice, to_vec};
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

fn one(name: &str, v: &impl CborType) -> Vec<u8> {
    let mut e = Encoder::new();
    e.map(1);
    e.text(name);
    v.encode(&mut e);
    e.into_bytes()
}

/// The fixture served by ffi-serve on a fresh Unix socket, with `extra` flags.
fn fixture(extra: &[&str]) -> Served {
    fixture_with("", extra)
}

fn fixture_with(shell_prefix: &str, extra: &[&str]) -> Served {
    let lib = cdylib("fixture");
    let path = temp_socket("serve");
    let mut args = vec![
        "--lib".to_string(),
        lib.to_str().unwrap().to_string(),
        "--args".into(),
        r#"{"label": "served"}"#.into(),
    ];
    if !extra.contains(&"--tcp") {
        args.extend(["--unix".into(), path.to_str().unwrap().to_string()]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Served::start_with(shell_prefix, &args)
}

fn label_ok(c: &mut IpcClient) {
    let (ret, body) = c.call("label", &[]).unwrap();
    assert_eq!(
        (ret, from_slice::<String>(&body).unwrap()),
        (RET_OK, "served".into())
    );
}

fn path_of(addr: &str) -> &str {
    addr.strip_prefix("unix:").unwrap()
}

#[test]
fn the_socket_is_private_and_a_live_one_is_never_taken_over() {
    let first = fixture(&[]);
    let path = path_of(&first.addr).to_string();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");

    let lib = cdylib("fixture");
    let second = std::process::Command::new(e2e::ipc::ffi_serve_exe())
        .args([
            "--lib",
            lib.to_str().unwrap(),
            "--args",
            r#"{"label": "x"}"#,
            "--unix",
            &path,
        ])
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert_eq!(
        String::from_utf8_lossy(&second.stderr).trim_end(),
        format!("ffi-serve: cannot listen: a server is already listening on {path}")
    );
    label_ok(&mut IpcClient::connect(&first.addr).unwrap());
    let (status, _, _) = first.stop();
    assert!(status.success());

    // A socket file whose server is gone is replaced.
    let stale = temp_socket("stale");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    assert!(stale.exists());
    let server = Served::start(&[
        "--lib",
        lib.to_str().unwrap(),
        "--args",
        r#"{"label": "served"}"#,
        "--unix",
        stale.to_str().unwrap(),
    ]);
    label_ok(&mut IpcClient::connect(&server.addr).unwrap());
}

/// A version 2 hello on `s`; the answer.
fn hello(s: &mut (impl Read + Write), token: &str) -> (i32, Vec<u8>) {
    let mut e = Encoder::new();
    e.map(2);
    e.text("version");
    e.u64(2);
    e.text("token");
    e.text(token);
    s.write_all(&frame("$hello", e.as_bytes())).unwrap();
    recv_v1(s)
}

fn recv_v1(s: &mut impl Read) -> (i32, Vec<u8>) {
    let mut head = [0u8; 8];
    s.read_exact(&mut head).unwrap();
    let mut body = vec![0; u32::from_be_bytes(head[4..].try_into().unwrap()) as usize];
    s.read_exact(&mut body).unwrap();
    (i32::from_be_bytes(head[..4].try_into().unwrap()), body)
}

fn v2_call(
    s: &mut (impl Read + Write),
    id: u32,
    method: &str,
    payload: &[u8],
) -> (u32, i32, Vec<u8>) {
    let mut f = id.to_be_bytes().to_vec();
    f.extend(frame(method, payload));
    s.write_all(&f).unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).unwrap();
    let mut body = vec![0; u32::from_be_bytes(head[8..].try_into().unwrap()) as usize];
    s.read_exact(&mut body).unwrap();
    (
        u32::from_be_bytes(head[..4].try_into().unwrap()),
        i32::from_be_bytes(head[4..8].try_into().unwrap()),
        body,
    )
}

#[test]
fn a_client_without_the_token_is_refused() {
    let token = std::env::temp_dir().join(format!("rsffi-token-{}", std::process::id()));
    std::fs::write(&token, "tok-1234\n").unwrap();
    let server = fixture(&["--token-file", token.to_str().unwrap()]);
    let mut v1 = IpcClient::connect(&server.addr).unwrap();
    let (ret, body) = v1.call("label", &[]).unwrap();
    assert_eq!(ret, RET_ERR);
    assert!(
        String::from_utf8_lossy(&body).starts_with("unauthorized"),
        "{body:?}"
    );
    assert!(v1.is_closed());

    let mut wrong = UnixStream::connect(path_of(&server.addr)).unwrap();
    assert_eq!(
        hello(&mut wrong, "tok-1235"),
        (RET_ERR, b"unauthorized: missing or wrong token".to_vec())
    );

    let mut right = UnixStream::connect(path_of(&server.addr)).unwrap();
    assert_eq!(hello(&mut right, "tok-1234").0, RET_OK);
    assert_eq!(
        v2_call(&mut right, 9, "label", &[]),
        (9, RET_OK, to_vec(&"served".to_string()))
    );
    let log = server.log();
    assert!(
        log.contains("event=refused") && log.contains("reason=\"no token\""),
        "{log}"
    );
}

struct Pki {
    dir: std::path::PathBuf,
    ca: rustls::pki_types::CertificateDer<'static>,
    other_ca: rustls::pki_types::CertificateDer<'static>,
}

/// A CA, a server certificate for localhost signed by it, and a second,
/// unrelated CA; the server's PEM files in `dir`.
fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let ca_params = || {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p
    };
    let ca = ca_params().self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let other_key = KeyPair::generate().unwrap();
    let other = ca_params().self_signed(&other_key).unwrap();
    let dir = std::env::temp_dir().join(format!("rsffi-pki-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cert.pem"), cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).unwrap();
    Pki {
        dir,
        ca: ca.der().clone(),
        other_ca: other.der().clone(),
    }
}

fn tls_connect(
    addr: &str,
    ca: &rustls::pki_types::CertificateDer<'static>,
) -> std::io::Result<rustls::StreamOwned<rustls::ClientConnection, std::net::TcpStream>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), name).unwrap();
    let tcp = std::net::TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut s = rustls::StreamOwned::new(conn, tcp);
    while s.conn.is_handshaking() {
        s.conn.complete_io(&mut s.sock)?;
    }
    Ok(s)
}

#[test]
fn tls_refuses_a_client_with_the_wrong_ca_and_serves_the_right_one() {
    let pki = pki();
    let cert = pki.dir.join("cert.pem");
    let key = pki.dir.join("key.pem");
    let server = fixture(&[
        "--tcp",
        "127.0.0.1:0",
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    let err = tls_connect(&server.addr, &pki.other_ca)
        .map(drop)
        .unwrap_err();
    assert!(
        err.to_string().contains("invalid peer certificate"),
        "{err}"
    );

    let mut s = tls_connect(&server.addr, &pki.ca).unwrap();
    s.write_all(&frame("label", &[])).unwrap();
    assert_eq!(recv_v1(&mut s), (RET_OK, to_vec(&"served".to_string())));
    assert_eq!(
        hello(&mut tls_connect(&server.addr, &pki.ca).unwrap(), "").0,
        RET_OK
    );

    // Plaintext to a TLS port gets nowhere.
    let mut plain = IpcClient::connect(&server.addr).unwrap();
    plain.send("label", &[]).unwrap();
    assert!(plain.recv().is_err());
    assert!(server.wait_log("event=tls_error"), "{}", server.log());
}

#[test]
fn the_connection_limit_refuses_the_next_client_only() {
    let server = fixture(&["--max-connections", "2"]);
    let mut a = IpcClient::connect(&server.addr).unwrap();
    let mut b = IpcClient::connect(&server.addr).unwrap();
    label_ok(&mut a);
    label_ok(&mut b);
    let mut c = IpcClient::connect(&server.addr).unwrap();
    assert_eq!(
        c.recv().unwrap(),
        (
            RET_ERR,
            b"server busy: too many connections (limit 2)".to_vec()
        )
    );
    assert!(c.is_closed());
    label_ok(&mut a);
    drop(b);
    std::thread::sleep(Duration::from_millis(100));
    label_ok(&mut IpcClient::connect(&server.addr).unwrap());
}

#[test]
fn silent_and_slowloris_clients_are_cut_off() {
    let server = fixture(&[
        "--handshake-timeout",
        "300ms",
        "--read-timeout",
        "600ms",
        "--idle-timeout",
        "1s",
    ]);
    // Connects and sends nothing.
    let t = Instant::now();
    let mut silent = IpcClient::connect(&server.addr).unwrap();
    assert!(silent.is_closed());
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(3),
        "{took:?}"
    );

    // A byte every 100 ms of a frame that would take seconds.
    let mut slow = UnixStream::connect(path_of(&server.addr)).unwrap();
    slow.write_all(&frame("label", &[])).unwrap(); // the handshake is over
    let mut head = [0u8; 8];
    slow.read_exact(&mut head).unwrap();
    let t = Instant::now();
    let f = frame("echo_string", &one("s", &"x".repeat(100)));
    let mut cut = false;
    for b in &f {
        if slow.write_all(std::slice::from_ref(b)).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        if t.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    let took = t.elapsed();
    assert!(cut, "never cut off");
    assert!(took < Duration::from_secs(2), "{took:?}");

    // Idle after a request: closed after the idle timeout.
    let mut idle = IpcClient::connect(&server.addr).unwrap();
    label_ok(&mut idle);
    let t = Instant::now();
    assert!(idle.is_closed());
    assert!(
        t.elapsed() >= Duration::from_millis(800) && t.elapsed() < Duration::from_secs(3),
        "{:?}: {}",
        t.elapsed(),
        server.log()
    );
    let log = server.log();
    for reason in ["handshake timeout", "read timeout"] {
        assert!(
            log.contains(&format!("reason=\"{reason}\"")),
            "{reason}: {log}"
        );
    }
}

#[test]
fn clients_that_never_read_stay_bounded_and_sigterm_still_stops_the_server() {
    let server = fixture(&[
        "--max-buffered",
        "2097152",
        "--max-buffered-total",
        "4194304",
    ]);
    let before = server.status_field("VmRSS");
    let payload = one("b", &vec![7u8; 1 << 20]);
    let request = frame("echo_bytes", &payload);
    let clients: Vec<UnixStream> = (0..4)
        .map(|_| UnixStream::connect(path_of(&server.addr)).unwrap())
        .collect();
    let writers: Vec<_> = clients
        .iter()
        .map(|c| {
            let mut w = c.try_clone().unwrap();
            let request = request.clone();
            std::thread::spawn(move || {
                // 64 MiB each, never reading an answer: the writes block
                // once the server stops reading.
                for _ in 0..64 {
                    if w.write_all(&request).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let peak = server.status_field("VmHWM");
    // 256 MiB were pushed at it; it holds answers and requests for 4 MiB
    // in total, plus a read buffer per connection.
    assert!(
        peak < before + 64 * 1024,
        "peak RSS {peak} kB (at start {before} kB)"
    );
    let (status, took, log) = server.stop();
    assert!(status.success(), "{status}: {log}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    drop(clients);
    for w in writers {
        w.join().unwrap();
    }
}

#[test]
fn two_thousand_idle_connections_with_1024_open_files() {
    let server = fixture_with(
        "ulimit -n 1024 &&",
        &["--max-connections", "4000", "--handshake-timeout", "60s"],
    );
    let mut conns = Vec::new();
    let mut early = IpcClient::connect(&server.addr).unwrap();
    label_ok(&mut early);
    for _ in 0..2000 {
        conns.push(UnixStream::connect(path_of(&server.addr)).unwrap());
    }
    // The excess was refused with an answer, not left hanging.
    let mut refused = 0;
    for c in &mut conns[1100..] {
        c.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let mut head = [0u8; 8];
        if c.read_exact(&mut head).is_ok() {
            let mut body = vec![0; u32::from_be_bytes(head[4..].try_into().unwrap()) as usize];
            c.read_exact(&mut body).unwrap();
            assert_eq!(body, b"server busy: out of file descriptors");
            refused += 1;
        }
    }
    assert_eq!(refused, 900, "{}", server.log());
    label_ok(&mut early);
    let threads = server.status_field("Threads");
    assert!(threads <= 8, "{threads} threads");
    drop(conns);
    std::thread::sleep(Duration::from_millis(300));
    label_ok(&mut IpcClient::connect(&server.addr).unwrap());
    let (status, _, log) = server.stop();
    assert!(status.success());
    assert!(
        log.contains("event=accept_error error=\"Too many open files"),
        "{log}"
    );
}
