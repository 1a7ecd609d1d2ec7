//! IPC over a Unix socket: the `ffi_core::ipc` server serving benchlib's
//! CBOR ABI, against a hand-written echo server with the same framing
//! (request `[u32 len][method][u32 len][payload]`, response `[i32 ret][u32
//! len][body]`). Both servers run in this process, on their own threads;
//! the client is this thread.

use crate::Results;
use crate::codec::latency;
use ffi_core::cbor::Encoder;
use ffi_core::ipc::{Server, Service};
use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::{Duration, Instant};

/// The `ping` request frame, `{"n": 7}`.
fn ping_frame() -> Vec<u8> {
    let mut e = Encoder::new();
    e.map(1);
    e.text("n");
    e.u64(7);
    let payload = e.into_bytes();
    let mut f = Vec::new();
    f.extend_from_slice(&4u32.to_be_bytes());
    f.extend_from_slice(b"ping");
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    f.extend_from_slice(&payload);
    f
}

fn read_exact_vec(r: &mut impl Read, n: usize) -> std::io::Result<Vec<u8>> {
    let mut v = vec![0; n];
    r.read_exact(&mut v)?;
    Ok(v)
}

/// The baseline server: one thread per connection, read a frame, answer
/// it with its payload.
fn echo_server(path: &Path) -> std::io::Result<()> {
    let listener = UnixListener::bind(path)?;
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || -> std::io::Result<()> {
                let mut w = conn.try_clone()?;
                let mut r = BufReader::new(conn);
                let mut out = Vec::new();
                loop {
                    let mut len = [0; 4];
                    r.read_exact(&mut len)?;
                    read_exact_vec(&mut r, u32::from_be_bytes(len) as usize)?;
                    r.read_exact(&mut len)?;
                    let payload = read_exact_vec(&mut r, u32::from_be_bytes(len) as usize)?;
                    out.clear();
                    out.extend_from_slice(&0i32.to_be_bytes());
                    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
                    out.extend_from_slice(&payload);
                    w.write_all(&out)?;
                }
            });
        }
    });
    Ok(())
}

/// Reads one response; returns its `ret`.
fn read_response(r: &mut impl Read) -> std::io::Result<i32> {
    let mut head = [0; 8];
    r.read_exact(&mut head)?;
    let ret = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    read_exact_vec(
        r,
        u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize,
    )?;
    Ok(ret)
}

/// A client connection of any transport.
trait Conn: Read + Write {}
impl<T: Read + Write> Conn for T {}

/// Where and how the client connects.
#[derive(Clone, Copy)]
enum Via<'a> {
    Unix(&'a Path),
    Tcp(&'a str),
    Tls(&'a str, &'a rustls::pki_types::CertificateDer<'static>),
}

fn connect(via: Via<'_>) -> std::io::Result<Box<dyn Conn>> {
    Ok(match via {
        Via::Unix(p) => Box::new(UnixStream::connect(p)?),
        Via::Tcp(a) => {
            let s = TcpStream::connect(a)?;
            s.set_nodelay(true)?;
            Box::new(s)
        }
        Via::Tls(a, ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca.clone()).map_err(std::io::Error::other)?;
            let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(std::io::Error::other)?
                .with_root_certificates(roots)
                .with_no_client_auth();
            let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
            let conn = rustls::ClientConnection::new(std::sync::Arc::new(config), name)
                .map_err(std::io::Error::other)?;
            let s = TcpStream::connect(a)?;
            s.set_nodelay(true)?;
            Box::new(rustls::StreamOwned::new(conn, s))
        }
    })
}

/// Protocol version 2: says hello, then every frame carries an id.
fn hello(s: &mut BufReader<Box<dyn Conn>>) -> std::io::Result<()> {
    let mut e = Encoder::new();
    e.map(1);
    e.text("version");
    e.u64(2);
    let payload = e.into_bytes();
    let mut f = Vec::new();
    f.extend_from_slice(&6u32.to_be_bytes());
    f.extend_from_slice(b"$hello");
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    f.extend_from_slice(&payload);
    s.get_mut().write_all(&f)?;
    if read_response(s)? != 0 {
        return Err(std::io::Error::other("hello refused"));
    }
    Ok(())
}

fn measure(
    results: &mut Results,
    name: &str,
    via: Via<'_>,
    v2: bool,
    quick: bool,
) -> Result<(), String> {
    let err = |e: std::io::Error| format!("{name}: {e}");
    let frame = if v2 {
        let mut f = 1u32.to_be_bytes().to_vec();
        f.extend(ping_frame());
        f
    } else {
        ping_frame()
    };
    let mut s = BufReader::new(connect(via).map_err(err)?);
    if v2 {
        hello(&mut s).map_err(err)?;
    }
    let read = |s: &mut BufReader<Box<dyn Conn>>| -> std::io::Result<i32> {
        if v2 {
            let mut id = [0; 4];
            s.read_exact(&mut id)?;
        }
        read_response(s)
    };
    let (n, dur) = if quick {
        (2000, Duration::from_millis(60))
    } else {
        (20000, Duration::from_millis(300))
    };
    let mut samples = Vec::with_capacity(n);
    for i in 0..n + n / 10 {
        let t0 = Instant::now();
        s.get_mut().write_all(&frame).map_err(err)?;
        if read(&mut s).map_err(err)? != 0 {
            return Err(format!("{name}: the server answered an error"));
        }
        if i >= n / 10 {
            samples.push(t0.elapsed().as_nanos() as f64);
        }
    }
    latency(results, &format!("ipc_rt_{name}"), samples);

    // Pipelined: 16 requests in flight, one sent per answer received.
    let burst: Vec<u8> = frame
        .iter()
        .copied()
        .cycle()
        .take(frame.len() * 16)
        .collect();
    s.get_mut().write_all(&burst).map_err(err)?;
    let (t0, mut done) = (Instant::now(), 0u64);
    while t0.elapsed() < dur {
        read(&mut s).map_err(err)?;
        done += 1;
        s.get_mut().write_all(&frame).map_err(err)?;
    }
    let rate = done as f64 / t0.elapsed().as_secs_f64();
    for _ in 0..16 {
        read(&mut s).map_err(err)?;
    }
    results.put(&format!("ipc_pipe_{name}"), &[("ops_per_s", rate)]);
    Ok(())
}

/// A certificate for `localhost` and its CA, written as PEM files.
fn certificate(dir: &Path) -> Result<rustls::pki_types::CertificateDer<'static>, String> {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let e = |e: rcgen::Error| e.to_string();
    let ca_key = KeyPair::generate().map_err(e)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(e)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).map_err(e)?;
    let key = KeyPair::generate().map_err(e)?;
    let cert = CertificateParams::new(vec!["localhost".into()])
        .map_err(e)?
        .signed_by(&key, &ca, &ca_key)
        .map_err(e)?;
    std::fs::write(dir.join("cert.pem"), cert.pem()).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).map_err(|e| e.to_string())?;
    Ok(ca.der().clone())
}

pub fn run(results: &mut Results, quick: bool) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("bench-ipc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (ours, echo) = (dir.join("ours.sock"), dir.join("echo.sock"));
    let ca = certificate(&dir)?;
    let listen = |e: std::io::Error| format!("cannot listen: {e}");
    let mut stops = Vec::new();
    let mut serve = |server: Server| -> Result<String, String> {
        let service = Service::create(ffi_core::cbor_abi!(benchlib), &[0xa0])?;
        let addr = server.local_addr().to_string();
        stops.push(server.shutdown_handle());
        std::thread::spawn(move || server.serve(service));
        Ok(addr)
    };
    serve(Server::builder().bind_unix(&ours).map_err(listen)?)?;
    let tcp = serve(Server::builder().bind_tcp("127.0.0.1:0").map_err(listen)?)?;
    let tls = serve(
        Server::builder()
            .tls(&dir.join("cert.pem"), &dir.join("key.pem"))
            .map_err(|e| e.to_string())?
            .bind_tcp("127.0.0.1:0")
            .map_err(listen)?,
    )?;
    echo_server(&echo).map_err(|e| format!("echo server: {e}"))?;

    let out = measure(results, "echo", Via::Unix(&echo), false, quick)
        .and_then(|()| measure(results, "rsffi", Via::Unix(&ours), false, quick))
        .and_then(|()| measure(results, "rsffi_v2", Via::Unix(&ours), true, quick))
        .and_then(|()| measure(results, "tcp", Via::Tcp(&tcp), false, quick))
        .and_then(|()| measure(results, "tcp_v2", Via::Tcp(&tcp), true, quick))
        .and_then(|()| measure(results, "tls", Via::Tls(&tls, &ca), false, quick))
        .and_then(|()| measure(results, "tls_v2", Via::Tls(&tls, &ca), true, quick));
    for stop in stops {
        stop.shutdown();
    }
    let _ = std::fs::remove_dir_all(&dir);
    out
}
