//! One client connection: a reader that starts each request as soon as it
//! arrives, and an ordered output buffer that answers them in request
//! order.
//!
//! The hot path has no thread hop of its own: the reader parses frames in
//! place from a 64 KiB buffer and calls the library with borrowed bytes;
//! whichever thread answers a call (the reader itself for a sync method,
//! the context's worker for an async one) appends the response frame to
//! the connection's output buffer, in request order, and sends it with a
//! non-blocking write. Only when the socket is full (a slow peer) does a
//! per-connection writer thread take over with blocking writes, so a
//! slow client never stalls the worker; answers that arrive while it
//! writes are coalesced into its next write.

use super::frame::{Incoming, read_request};
use super::service::Service;
use crate::abi::RET_ERR;
use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, c_void};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// Requests in flight on one connection (started, but their answer not
/// yet written to the socket) before the reader waits; bounds the memory
/// a pipelining client can pin.
const MAX_IN_FLIGHT: u64 = 256;

/// The reader's buffer: many small pipelined frames per `read`.
const READ_BUFFER: usize = 64 << 10;

/// A connected socket of either family.
pub(crate) enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Stream {
    pub(crate) fn try_clone(&self) -> io::Result<Stream> {
        Ok(match self {
            Stream::Unix(s) => Stream::Unix(s.try_clone()?),
            Stream::Tcp(s) => Stream::Tcp(s.try_clone()?),
        })
    }

    /// Wakes a reader blocked on this socket (it then sees end of input).
    pub(crate) fn shutdown_read(&self) {
        let _ = match self {
            Stream::Unix(s) => s.shutdown(Shutdown::Read),
            Stream::Tcp(s) => s.shutdown(Shutdown::Read),
        };
    }

    fn shutdown_all(&self) {
        let _ = match self {
            Stream::Unix(s) => s.shutdown(Shutdown::Both),
            Stream::Tcp(s) => s.shutdown(Shutdown::Both),
        };
    }

    fn fd(&self) -> RawFd {
        match self {
            Stream::Unix(s) => s.as_raw_fd(),
            Stream::Tcp(s) => s.as_raw_fd(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.read(buf),
            Stream::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.write(buf),
            Stream::Tcp(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.flush(),
            Stream::Tcp(s) => s.flush(),
        }
    }
}

/// A write that never blocks (and never raises SIGPIPE): how many bytes
/// the socket took, `WouldBlock` when it is full.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn try_send(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    const MSG_DONTWAIT: c_int = 0x40;
    const MSG_NOSIGNAL: c_int = 0x4000;
    unsafe extern "C" {
        fn send(fd: c_int, buf: *const c_void, len: usize, flags: c_int) -> isize;
    }
    loop {
        // SAFETY: `buf` is valid for `buf.len()` bytes; `fd` is an open
        // socket owned by the connection for its whole life.
        let n = unsafe {
            send(
                fd,
                buf.as_ptr().cast(),
                buf.len(),
                MSG_DONTWAIT | MSG_NOSIGNAL,
            )
        };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Elsewhere every write goes through the writer thread.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn try_send(_fd: RawFd, _buf: &[u8]) -> io::Result<usize> {
    Err(io::ErrorKind::WouldBlock.into())
}

/// What the reader, the answering threads and the writer share.
struct Shared {
    state: Mutex<State>,
    /// The writer waits here for bytes to write (or the end).
    writer_cv: Condvar,
    /// The reader waits here for room under [`MAX_IN_FLIGHT`].
    reader_cv: Condvar,
    fd: RawFd,
}

#[derive(Default)]
struct State {
    /// Requests started (sequence numbers handed out).
    issued: u64,
    /// The sequence number of the next answer to append to `out`.
    next: u64,
    /// Answers that came before an earlier one, by sequence number.
    parked: BTreeMap<u64, (i32, Vec<u8>)>,
    /// Response frames in order, not yet written.
    out: Vec<u8>,
    /// Answers in `out`.
    out_answers: u64,
    /// Answers written to the socket.
    written: u64,
    /// The writer thread is writing (outside the lock): append only.
    writing: bool,
    writer_waiting: bool,
    reader_waiting: bool,
    /// The reader stopped: the writer leaves once everything is written.
    reader_done: bool,
    /// A write failed (the peer is gone): answers are dropped.
    failed: bool,
}

impl State {
    fn all_written(&self) -> bool {
        self.written == self.issued
    }
}

fn push_frame(out: &mut Vec<u8>, ret: i32, body: &[u8]) {
    out.reserve(8 + body.len());
    out.extend_from_slice(&ret.to_be_bytes());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A sequence number for the next request, once there is room for
    /// it; `None` when the peer is gone.
    fn issue(&self) -> Option<u64> {
        let mut s = self.lock();
        while !s.failed && s.issued - s.written >= MAX_IN_FLIGHT {
            s.reader_waiting = true;
            s = self.reader_cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.reader_waiting = false;
        if s.failed {
            return None;
        }
        s.issued += 1;
        Some(s.issued - 1)
    }

    /// The answer to request `seq`, from whichever thread has it.
    fn complete(&self, seq: u64, ret: i32, body: &[u8]) {
        let mut guard = self.lock();
        let s = &mut *guard;
        if s.failed {
            return;
        }
        if seq != s.next {
            s.parked.insert(seq, (ret, body.to_vec()));
            return;
        }
        push_frame(&mut s.out, ret, body);
        s.next += 1;
        let mut ready = 1;
        while let Some((ret, body)) = s.parked.remove(&s.next) {
            push_frame(&mut s.out, ret, &body);
            s.next += 1;
            ready += 1;
        }
        s.out_answers += ready;
        self.flush(guard);
    }

    /// Writes what is buffered without blocking, outside the lock (other
    /// answers are appended meanwhile and go out with the next round);
    /// whatever the socket does not take now is left to the writer thread.
    fn flush<'s>(&'s self, mut s: MutexGuard<'s, State>) {
        while !s.writing && !s.failed && !s.out.is_empty() {
            let mut out = std::mem::take(&mut s.out);
            let answers = std::mem::take(&mut s.out_answers);
            s.writing = true;
            drop(s);
            let sent = try_send(self.fd, &out);
            s = self.lock();
            s.writing = false;
            match sent {
                Ok(n) if n == out.len() => {
                    s.written += answers;
                    out.clear();
                    if s.out.is_empty() {
                        s.out = out; // keep the allocation
                    }
                    continue;
                }
                Ok(n) => drop(out.drain(..n)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => s.failed = true,
            }
            // The socket is full: put the rest back in front of what came
            // meanwhile, for the writer thread.
            out.extend_from_slice(&s.out);
            s.out = out;
            s.out_answers += answers;
            self.wake(&mut s);
            return;
        }
        self.wake(&mut s);
    }

    /// Wakes the writer if it has something to do, and the reader if
    /// there is room again.
    fn wake(&self, s: &mut State) {
        let writer_has_work = !s.out.is_empty() || s.failed || (s.reader_done && s.all_written());
        if s.writer_waiting && writer_has_work {
            s.writer_waiting = false;
            self.writer_cv.notify_one();
        }
        if s.reader_waiting && (s.failed || s.issued - s.written < MAX_IN_FLIGHT) {
            s.reader_waiting = false;
            self.reader_cv.notify_one();
        }
    }

    /// The reader is done: the writer leaves once all is answered.
    fn reader_done(&self) {
        let mut s = self.lock();
        s.reader_done = true;
        self.wake(&mut s);
    }
}

/// The writer thread: blocking writes of whatever the non-blocking ones
/// left, until the reader is done and every answer is written (or the
/// peer is gone).
fn write_answers(mut stream: Stream, shared: Arc<Shared>) {
    let mut spare = Vec::new();
    let mut s = shared.lock();
    loop {
        if s.failed || (s.reader_done && s.all_written() && s.out.is_empty()) {
            return;
        }
        // Nothing to write, or a non-blocking write is under way (its
        // thread wakes this one if it leaves bytes behind).
        if s.out.is_empty() || s.writing {
            s.writer_waiting = true;
            s = shared.writer_cv.wait(s).unwrap_or_else(|e| e.into_inner());
            continue;
        }
        // Write outside the lock; answers arriving meanwhile are appended
        // to the (swapped in) empty buffer and go out with the next write.
        let mut out = std::mem::replace(&mut s.out, std::mem::take(&mut spare));
        let answers = std::mem::take(&mut s.out_answers);
        s.writing = true;
        drop(s);
        let result = stream.write_all(&out);
        out.clear();
        spare = out;
        s = shared.lock();
        s.writing = false;
        match result {
            Ok(()) => s.written += answers,
            Err(_) => s.failed = true,
        }
        shared.wake(&mut s);
    }
}

/// What the library's callback gets as user data.
struct Pending {
    shared: Arc<Shared>,
    seq: u64,
}

/// The C callback of every call made by a connection.
unsafe extern "C" fn on_answer(ret: c_int, msg: *const c_char, len: usize, ud: *mut c_void) {
    // SAFETY: `ud` came from `Box::into_raw` in `start`, and the library
    // calls each callback exactly once.
    let p = unsafe { Box::from_raw(ud.cast::<Pending>()) };
    // SAFETY: `msg` is valid for `len` bytes during the callback.
    let body = unsafe { crate::raw_slice(msg.cast::<u8>(), len) }.unwrap_or_default();
    p.shared.complete(p.seq, ret, body);
}

/// Calls `method`; its answer goes to the output buffer as request `seq`.
fn start(service: &Service, shared: &Arc<Shared>, seq: u64, method: &[u8], payload: &[u8]) {
    let ud = Box::into_raw(Box::new(Pending {
        shared: shared.clone(),
        seq,
    }));
    // SAFETY: `on_answer` and `ud` follow the callback contract; the
    // method and payload outlive the call.
    unsafe { service.call_raw(method, payload, Some(on_answer), ud.cast()) };
}

/// Serves `stream` until the peer closes it, sends a bad frame, or the
/// server shuts its read side down; then finishes the answers in flight.
/// Returns the number of requests read.
pub(crate) fn serve(stream: Stream, service: &Arc<Service>, max_frame: u64) -> io::Result<u64> {
    let writer_stream = stream.try_clone()?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        writer_cv: Condvar::new(),
        reader_cv: Condvar::new(),
        fd: stream.fd(),
    });
    let writer = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("ffi-ipc-writer".into())
            .spawn(move || write_answers(writer_stream, shared))?
    };
    let count = read_requests(&stream, service, max_frame, &shared);
    shared.reader_done();
    let _ = writer.join();
    stream.shutdown_all();
    count
}

/// A frame found whole in the read buffer.
enum Parsed {
    /// Method bytes, payload bytes, and the frame's total length.
    Frame(std::ops::Range<usize>, std::ops::Range<usize>, usize),
    TooLarge(u64),
    /// Not all of it is buffered: read it the slow way.
    Partial,
}

fn be32(b: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(u64::from(u32::from_be_bytes(b)))
}

/// The frame at the start of `buf`, checked exactly as [`read_request`]
/// checks it (the method length first, then the total).
fn parse(buf: &[u8], max_frame: u64) -> Parsed {
    let Some(method_len) = be32(buf, 0) else {
        return Parsed::Partial;
    };
    if method_len > max_frame {
        return Parsed::TooLarge(method_len);
    }
    let m_end = 4 + method_len as usize;
    let Some(payload_len) = be32(buf, m_end) else {
        return Parsed::Partial;
    };
    if method_len + payload_len > max_frame {
        return Parsed::TooLarge(method_len + payload_len);
    }
    let end = m_end + 4 + payload_len as usize;
    if buf.len() < end {
        return Parsed::Partial;
    }
    Parsed::Frame(4..m_end, m_end + 4..end, end)
}

const BAD_METHOD: &[u8] = b"unknown method (the name is not UTF-8)";

fn read_requests(
    stream: &Stream,
    service: &Service,
    max_frame: u64,
    shared: &Arc<Shared>,
) -> io::Result<u64> {
    let mut reader = BufReader::with_capacity(READ_BUFFER, stream.try_clone()?);
    let mut count = 0;
    loop {
        let buf = match reader.fill_buf() {
            Ok([]) => return Ok(count),
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let too_large = match parse(buf, max_frame) {
            Parsed::Frame(method, payload, len) => {
                let Some(seq) = shared.issue() else {
                    return Ok(count); // the peer is gone
                };
                let method = &buf[method];
                if std::str::from_utf8(method).is_ok() {
                    start(service, shared, seq, method, &buf[payload]);
                } else {
                    shared.complete(seq, RET_ERR, BAD_METHOD);
                }
                reader.consume(len);
                count += 1;
                continue;
            }
            Parsed::TooLarge(n) => Some(n),
            Parsed::Partial => None,
        };
        let incoming = match too_large {
            Some(n) => Incoming::TooLarge(n),
            None => read_request(&mut reader, max_frame)?,
        };
        match incoming {
            Incoming::Request { method, payload } => {
                let Some(seq) = shared.issue() else {
                    return Ok(count);
                };
                start(service, shared, seq, method.as_bytes(), &payload);
            }
            Incoming::BadMethod => {
                let Some(seq) = shared.issue() else {
                    return Ok(count);
                };
                shared.complete(seq, RET_ERR, BAD_METHOD);
            }
            Incoming::TooLarge(n) => {
                // Answer, then close: the rest of the frame is not read.
                if let Some(seq) = shared.issue() {
                    let msg = format!("frame too large: {n} bytes (limit {max_frame})");
                    shared.complete(seq, RET_ERR, msg.as_bytes());
                }
                return Ok(count + 1);
            }
            Incoming::Closed => return Ok(count),
            Incoming::Truncated => {
                eprintln!("ipc: connection ended inside a frame");
                return Ok(count);
            }
        }
        count += 1;
    }
}
