//! One client connection: the handshake that picks the protocol version,
//! then a reader that starts each request as soon as it is whole (no
//! thread hop: the library is called with bytes borrowed from the read
//! buffer) and a writer task that sends the answers (see `output`).
//!
//! Backpressure: before starting a request the reader checks the
//! connection's limits (requests in flight, answer bytes waiting) and the
//! server's total; over any of them it stops reading until answers have
//! gone out, so a client that never reads pins a bounded amount of memory.

use super::frame::{Parsed, parse};
use super::hello;
use super::log::{info, warn};
use super::output::{Global, Room, Shared, on_answer};
use super::service::Service;
use super::{Limits, log};
use crate::abi::{RET_ERR, RET_OK};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;
use tokio::time::{Instant, sleep, sleep_until, timeout};

/// The reader's buffer: many small pipelined frames per `read`.
pub(crate) const READ_BUFFER: usize = 64 << 10;

/// After an oversized frame, the rest of it is read and dropped (so the
/// client sees the answer, not a reset) until it ends or the client goes
/// quiet this long.
const DRAIN_QUIET: Duration = Duration::from_millis(250);

const BAD_METHOD: &[u8] = b"unknown method (the name is not UTF-8)";

/// What every connection shares.
pub(crate) struct Common {
    pub service: Arc<Service>,
    pub limits: Limits,
    pub token: Option<Vec<u8>>,
    pub fingerprint: Option<String>,
    pub global: Arc<Global>,
}

/// How a connection ended, for the log.
pub(crate) struct Summary {
    pub version: u8,
    pub requests: u64,
    pub reason: &'static str,
}

/// The read side's buffer: bytes `start..end` of `buf` are unread.
struct Input {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Input {
    fn new() -> Self {
        Input {
            buf: vec![0; READ_BUFFER],
            start: 0,
            end: 0,
        }
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Makes room for more bytes: moves what is unread to the front and,
    /// when a frame of `need` bytes does not fit, grows the buffer, by
    /// no more than doubles, so a header that lies about its length costs
    /// only as much as the client actually sends.
    fn make_room(&mut self, need: usize) {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            if self.buf.len() > READ_BUFFER {
                self.buf = vec![0; READ_BUFFER]; // give back a large frame's memory
            }
            return;
        }
        if self.end < self.buf.len() && self.buf.len() - self.end >= 4096.min(need) {
            return;
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() && need > self.buf.len() {
            let grown = need.min(self.buf.len() * 2);
            self.buf.resize(grown, 0);
        }
    }

    async fn read<R: AsyncRead + Unpin>(&mut self, r: &mut R) -> std::io::Result<usize> {
        let n = r.read(&mut self.buf[self.end..]).await?;
        self.end += n;
        Ok(n)
    }
}

/// Serves one connection to its end.
pub(crate) async fn serve<R, W>(
    mut r: R,
    mut w: W,
    common: Arc<Common>,
    mut stop: watch::Receiver<bool>,
    conn: u64,
) -> Summary
where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let limits = &common.limits;
    let mut input = Input::new();
    let mut summary = Summary {
        version: 1,
        requests: 0,
        reason: "closed by client",
    };

    // The handshake: the first frame, whole, within the handshake timeout.
    let deadline = Instant::now() + limits.handshake_timeout;
    let first = loop {
        match parse(input.pending(), limits.max_frame, false) {
            Parsed::Partial { need } => input.make_room(need),
            other => break other,
        }
        tokio::select! {
            got = input.read(&mut r) => match got {
                Ok(0) => { summary.reason = "closed before the first request"; return summary }
                Ok(_) => {}
                Err(_) => { summary.reason = "read error"; return summary }
            },
            _ = sleep_until(deadline) => { summary.reason = "handshake timeout"; return summary }
            _ = super::stopped(&mut stop) => { summary.reason = "server stopping"; return summary }
        }
    };
    let hello = match &first {
        Parsed::Frame { method, .. } => &input.pending()[method.clone()] == b"$hello",
        _ => false,
    };
    let v2 = if let (true, Parsed::Frame { payload, len, .. }) = (hello, &first) {
        let answer = hello::check(
            &input.pending()[payload.clone()],
            common.token.as_deref(),
            common.service.library(),
            common.fingerprint.as_deref(),
        );
        input.start += len;
        let mut frame = Vec::new();
        let refused = answer.is_err();
        match &answer {
            Ok(body) => super::frame::push_v1(&mut frame, RET_OK, body),
            Err(e) => {
                warn!("refused", conn = conn, reason = e);
                super::frame::push_v1(&mut frame, RET_ERR, e.as_bytes());
            }
        }
        let sent = timeout(limits.handshake_timeout, async {
            w.write_all(&frame).await?;
            w.flush().await
        })
        .await;
        if refused || !matches!(sent, Ok(Ok(()))) {
            let _ = timeout(Duration::from_secs(1), w.shutdown()).await;
            summary.reason = "hello refused";
            return summary;
        }
        summary.version = 2;
        true
    } else if common.token.is_some() {
        let msg =
            "unauthorized: this server requires a token (protocol version 2: send $hello first)";
        warn!("refused", conn = conn, reason = "no token");
        let mut frame = Vec::new();
        super::frame::push_v1(&mut frame, RET_ERR, msg.as_bytes());
        let _ = timeout(Duration::from_secs(1), async {
            w.write_all(&frame).await?;
            w.shutdown().await
        })
        .await;
        summary.reason = "no token";
        return summary;
    } else {
        false
    };

    let mut shared = Shared::new(
        v2,
        common.global.clone(),
        limits.max_in_flight,
        limits.max_buffered,
    );
    // The connection's object ids: its objects are closed when it ends.
    shared.session = common.service.session_new() as usize;
    let shared = Arc::new(shared);
    let writer = {
        let shared = shared.clone();
        let write_timeout = limits.write_timeout;
        tokio::spawn(async move {
            let mut w = shared.write_loop(w, write_timeout).await;
            let _ = timeout(Duration::from_secs(1), w.shutdown()).await;
        })
    };
    let (requests, reason) =
        read_requests(&mut r, &mut input, &shared, &common, &mut stop, v2).await;
    summary.requests = requests;
    summary.reason = reason;
    if reason == "write failed" || reason == "read error" {
        shared.abandon();
    }
    shared.reader_done();
    let _ = writer.await;
    common.service.session_free(shared.session as *mut _);
    summary
}

/// Waits until the connection may start another request; false when it
/// should stop reading (the peer is gone, or the server is stopping).
async fn room(shared: &Shared, stop: &mut watch::Receiver<bool>) -> Result<(), &'static str> {
    loop {
        let notified = shared.reader_wake.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        match shared.room() {
            Room::Yes => return Ok(()),
            Room::Closed => return Err("write failed"),
            Room::Full => tokio::select! {
                _ = notified => {}
                _ = super::stopped(stop) => return Err("server stopping"),
            },
            Room::GlobalFull => tokio::select! {
                _ = notified => {}
                _ = sleep(Duration::from_millis(2)) => {}
                _ = super::stopped(stop) => return Err("server stopping"),
            },
        }
    }
}

async fn read_requests<R: AsyncRead + Unpin>(
    r: &mut R,
    input: &mut Input,
    shared: &Arc<Shared>,
    common: &Common,
    stop: &mut watch::Receiver<bool>,
    v2: bool,
) -> (u64, &'static str) {
    let limits = &common.limits;
    let mut count = 0u64;
    let mut last_activity = Instant::now();
    let mut frame_began: Option<Instant> = None;
    loop {
        // Start every request that is whole in the buffer.
        loop {
            match parse(input.pending(), limits.max_frame, v2) {
                Parsed::Frame {
                    id,
                    method,
                    payload,
                    len,
                } => {
                    if let Err(reason) = room(shared, stop).await {
                        return (count, reason);
                    }
                    let frame = input.pending();
                    dispatch(common, shared, id, &frame[method], &frame[payload]);
                    input.start += len;
                    count += 1;
                    frame_began = None;
                    last_activity = Instant::now();
                }
                Parsed::TooLarge { id, declared, head } => {
                    let msg = format!(
                        "frame too large: {declared} bytes (limit {})",
                        limits.max_frame
                    );
                    warn!(
                        "frame_too_large",
                        declared = declared,
                        limit = limits.max_frame
                    );
                    shared.answer_now(id, RET_ERR, msg.as_bytes());
                    count += 1;
                    // The rest of the frame: payload bytes when the
                    // method length was fine, else unknown.
                    let base = if v2 { 4 } else { 0 };
                    let total = (head >= base + 8).then_some(declared + base as u64 + 8);
                    let whole = drain(r, input, total).await;
                    if !(v2 && whole) {
                        return (count, "frame too large");
                    }
                    frame_began = None;
                }
                Parsed::Partial { need } => {
                    input.make_room(need);
                    break;
                }
            }
        }
        if input.start < input.end {
            frame_began.get_or_insert_with(Instant::now);
        }
        let deadline = match frame_began {
            Some(t) => t + limits.read_timeout,
            None => last_activity + limits.idle_timeout,
        };
        tokio::select! {
            got = input.read(r) => match got {
                Ok(0) if input.start < input.end => return (count, "closed inside a frame"),
                Ok(0) => return (count, "closed by client"),
                Ok(_) => {}
                Err(_) => return (count, "read error"),
            },
            _ = sleep_until(deadline) => {
                if frame_began.is_some() {
                    return (count, "read timeout");
                }
                if shared.in_flight() == 0 {
                    return (count, "idle timeout");
                }
                last_activity = Instant::now(); // busy, not idle
            }
            _ = super::stopped(stop) => return (count, "server stopping"),
        }
    }
}

/// Reads and drops the rest of an oversized frame (`total` bytes from
/// `input.start`, when known), so the client gets to read its answer.
/// True when the frame was consumed whole and the stream is still in step.
async fn drain<R: AsyncRead + Unpin>(r: &mut R, input: &mut Input, total: Option<u64>) -> bool {
    let mut left = total.map(|t| t.saturating_sub(input.pending().len() as u64));
    if let Some(0) = left {
        // The oversized frame is all buffered already: cannot be (it is
        // larger than what the buffer is allowed to grow to), but keep
        // the stream in step if it were.
        input.start += total.unwrap_or(0) as usize;
        return true;
    }
    input.start = 0;
    input.end = 0;
    loop {
        let n = match timeout(DRAIN_QUIET, r.read(&mut input.buf)).await {
            Ok(Ok(n)) if n > 0 => n as u64,
            _ => return false,
        };
        if let Some(l) = &mut left {
            if n >= *l {
                // Keep what follows the frame.
                input.start = *l as usize;
                input.end = n as usize;
                return true;
            }
            *l -= n;
        }
    }
}

/// Starts one request: a library call, or a control request of version 2.
fn dispatch(common: &Common, shared: &Arc<Shared>, id: u32, method: &[u8], payload: &[u8]) {
    if method.first() == Some(&b'$') && shared.is_v2() {
        control(common, shared, id, method, payload);
        return;
    }
    if std::str::from_utf8(method).is_err() {
        shared.answer_now(id, RET_ERR, BAD_METHOD);
        return;
    }
    let Ok((_, token)) = shared.issue(id, payload.len()) else {
        shared.answer_now(
            id,
            RET_ERR,
            format!("request id {id} is already in flight").as_bytes(),
        );
        return;
    };
    // SAFETY: `on_answer` takes the token back from the registry; the
    // method and payload outlive the call.
    unsafe {
        common.service.call_raw(
            shared.session as *mut _,
            method,
            payload,
            Some(on_answer),
            token as *mut _,
        )
    };
}

/// `$cancel`, `$subscribe`, `$unsubscribe`.
fn control(common: &Common, shared: &Arc<Shared>, id: u32, method: &[u8], payload: &[u8]) {
    let answer = match method {
        b"$cancel" => hello::decode_id(payload).map(|target| {
            if let Some(token) = shared.token_of(target) {
                common.service.cancel(token as *mut _);
            }
        }),
        b"$subscribe" => hello::decode_event(payload).and_then(|event| {
            Err(format!(
                "cannot subscribe to '{event}': this library's CBOR ABI has no event payloads in CBOR, \
                 so events do not cross IPC"
            ))
        }),
        b"$unsubscribe" => {
            hello::decode_id(payload).and_then(|sub| Err(format!("no subscription {sub}")))
        }
        _ => Err(format!(
            "unknown control request '{}'",
            String::from_utf8_lossy(method)
        )),
    };
    match answer {
        Ok(()) => shared.answer_now(id, RET_OK, &[0xf6]),
        Err(e) => shared.answer_now(id, RET_ERR, e.as_bytes()),
    }
}

pub(crate) fn log_end(conn: u64, peer: &str, s: &Summary) {
    log::log(
        "info",
        "disconnect",
        &[
            ("conn", &conn),
            ("peer", &peer),
            ("version", &s.version),
            ("requests", &s.requests),
            ("reason", &s.reason),
        ],
    );
}

pub(crate) fn log_start(conn: u64, peer: &str) {
    info!("connect", conn = conn, peer = peer);
}
