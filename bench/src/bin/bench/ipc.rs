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
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
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

fn measure(results: &mut Results, name: &str, path: &Path, quick: bool) -> Result<(), String> {
    let err = |e: std::io::Error| format!("{name}: {e}");
    let frame = ping_frame();
    let mut w = UnixStream::connect(path).map_err(err)?;
    let mut r = BufReader::new(w.try_clone().map_err(err)?);
    let (n, dur) = if quick {
        (2000, Duration::from_millis(60))
    } else {
        (20000, Duration::from_millis(300))
    };
    let mut samples = Vec::with_capacity(n);
    for i in 0..n + n / 10 {
        let t0 = Instant::now();
        w.write_all(&frame).map_err(err)?;
        if read_response(&mut r).map_err(err)? != 0 {
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
    w.write_all(&burst).map_err(err)?;
    let (t0, mut done) = (Instant::now(), 0u64);
    while t0.elapsed() < dur {
        read_response(&mut r).map_err(err)?;
        done += 1;
        w.write_all(&frame).map_err(err)?;
    }
    let rate = done as f64 / t0.elapsed().as_secs_f64();
    for _ in 0..16 {
        read_response(&mut r).map_err(err)?;
    }
    results.put(&format!("ipc_pipe_{name}"), &[("ops_per_s", rate)]);
    Ok(())
}

pub fn run(results: &mut Results, quick: bool) -> Result<(), String> {
    let dir = std::env::temp_dir();
    let pid = std::process::id();
    let (ours, echo): (PathBuf, PathBuf) = (
        dir.join(format!("bench-ipc-{pid}.sock")),
        dir.join(format!("bench-echo-{pid}.sock")),
    );
    let service = Service::create(ffi_core::cbor_abi!(benchlib), &[0xa0])?;
    let server = Server::builder()
        .bind_unix(&ours)
        .map_err(|e| format!("cannot listen: {e}"))?;
    let stop = server.shutdown_handle();
    std::thread::spawn(move || server.serve(service));
    echo_server(&echo).map_err(|e| format!("echo server: {e}"))?;

    let out = measure(results, "echo", &echo, quick)
        .and_then(|()| measure(results, "rsffi", &ours, quick));
    stop.shutdown();
    let _ = std::fs::remove_file(&ours);
    let _ = std::fs::remove_file(&echo);
    out
}
