//! One client connection: a reader that starts each request as soon as it
//! arrives, and a writer that answers them in request order.

use super::frame::{Incoming, read_request, write_response};
use super::service::Service;
use crate::abi::RET_ERR;
use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Requests in flight on one connection before the reader waits for the
/// writer; bounds the memory a pipelining client can pin.
const MAX_IN_FLIGHT: usize = 256;

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

type Answer = Receiver<(i32, Vec<u8>)>;

/// Serves `stream` until the peer closes it, sends a bad frame, or the
/// server shuts its read side down; then finishes the answers in flight.
/// Returns the number of requests read.
pub(crate) fn serve(stream: Stream, service: &Arc<Service>, max_frame: u64) -> io::Result<u64> {
    let writer_stream = stream.try_clone()?;
    let (queue, pending) = sync_channel::<Answer>(MAX_IN_FLIGHT);
    let writer = std::thread::Builder::new()
        .name("ffi-ipc-writer".into())
        .spawn(move || write_answers(writer_stream, pending))?;
    let count = read_requests(&stream, service, max_frame, &queue);
    drop(queue);
    let _ = writer.join();
    stream.shutdown_all();
    count
}

fn ready(ret: i32, body: impl Into<Vec<u8>>) -> Answer {
    let (tx, rx) = sync_channel(1);
    let _ = tx.send((ret, body.into()));
    rx
}

fn read_requests(
    stream: &Stream,
    service: &Arc<Service>,
    max_frame: u64,
    queue: &SyncSender<Answer>,
) -> io::Result<u64> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut count = 0;
    loop {
        let answer = match read_request(&mut reader, max_frame) {
            Ok(Incoming::Request { method, payload }) => {
                let (tx, rx) = sync_channel(1);
                service.call_with(&method, &payload, move |ret, body| {
                    let _ = tx.send((ret, body));
                });
                rx
            }
            Ok(Incoming::BadMethod) => ready(RET_ERR, "unknown method (the name is not UTF-8)"),
            Ok(Incoming::TooLarge(n)) => {
                // Answer, then close: the rest of the frame is not read.
                let _ = queue.send(ready(
                    RET_ERR,
                    format!("frame too large: {n} bytes (limit {max_frame})"),
                ));
                return Ok(count + 1);
            }
            Ok(Incoming::Closed) => return Ok(count),
            Ok(Incoming::Truncated) => {
                eprintln!("ipc: connection ended inside a frame");
                return Ok(count);
            }
            Err(e) => return Err(e),
        };
        count += 1;
        if queue.send(answer).is_err() {
            return Ok(count); // the writer failed: the peer is gone
        }
    }
}

fn write_answers(mut stream: Stream, pending: Receiver<Answer>) {
    for answer in pending {
        let (ret, body) = answer
            .recv()
            .unwrap_or((RET_ERR, b"the call was never answered".to_vec()));
        // One `write_all` per answer: `write_response` builds the frame whole.
        if write_response(&mut stream, ret, &body).is_err() {
            return;
        }
    }
}
