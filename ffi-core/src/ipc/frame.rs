//! Reading and writing frames. Buffers grow with the bytes that actually
//! arrive, so a header that lies about its length costs nothing.

use std::io::{self, Read, Write};

/// One request, or why there is none.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    Request {
        method: String,
        payload: Vec<u8>,
    },
    /// The peer closed the connection between frames.
    Closed,
    /// The peer closed the connection inside a frame.
    Truncated,
    /// The declared size is over the limit (`method_len + payload_len`).
    TooLarge(u64),
    /// The method name is not UTF-8; the payload was consumed.
    BadMethod,
}

/// Reads exactly `len` bytes; `None` when the stream ends first. The
/// buffer grows in steps no larger than what has arrived so far (at least
/// 64 KiB), so a header that lies about its length costs little, and it
/// never grows past `len`.
fn read_exactly(r: &mut impl Read, len: u64) -> io::Result<Option<Vec<u8>>> {
    const STEP: u64 = 64 << 10;
    let mut buf = Vec::new();
    while (buf.len() as u64) < len {
        let left = len - buf.len() as u64;
        let step = left.min(STEP.max(buf.len() as u64));
        buf.reserve_exact(step as usize);
        let got = r.by_ref().take(step).read_to_end(&mut buf)?;
        if got == 0 {
            return Ok(None);
        }
    }
    Ok(Some(buf))
}

fn read_u32(r: &mut impl Read) -> io::Result<Option<u32>> {
    Ok(read_exactly(r, 4)?.map(|b| u32::from_be_bytes(b.try_into().expect("4 bytes"))))
}

/// Reads one request frame (public for the fuzz tests).
pub fn read_request(r: &mut impl Read, max_frame: u64) -> io::Result<Incoming> {
    let mut first = [0u8; 1];
    loop {
        match r.read(&mut first) {
            Ok(0) => return Ok(Incoming::Closed),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    let Some(rest) = read_exactly(r, 3)? else {
        return Ok(Incoming::Truncated);
    };
    let method_len = u64::from(u32::from_be_bytes([first[0], rest[0], rest[1], rest[2]]));
    if method_len > max_frame {
        return Ok(Incoming::TooLarge(method_len));
    }
    let Some(method) = read_exactly(r, method_len)? else {
        return Ok(Incoming::Truncated);
    };
    let Some(payload_len) = read_u32(r)? else {
        return Ok(Incoming::Truncated);
    };
    let size = method_len + u64::from(payload_len);
    if size > max_frame {
        return Ok(Incoming::TooLarge(size));
    }
    let Some(payload) = read_exactly(r, u64::from(payload_len))? else {
        return Ok(Incoming::Truncated);
    };
    Ok(match String::from_utf8(method) {
        Ok(method) => Incoming::Request { method, payload },
        Err(_) => Incoming::BadMethod,
    })
}

pub fn write_response(w: &mut impl Write, ret: i32, body: &[u8]) -> io::Result<()> {
    let mut frame = Vec::with_capacity(8 + body.len());
    frame.extend_from_slice(&ret.to_be_bytes());
    frame.extend_from_slice(&(body.len() as u32).to_be_bytes());
    frame.extend_from_slice(body);
    w.write_all(&frame)
}

/// A request found at the start of a buffer by [`parse`].
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole frame: the request id (0 in version 1), where the method
    /// and the payload are in the buffer, and the frame's length.
    Frame {
        id: u32,
        method: std::ops::Range<usize>,
        payload: std::ops::Range<usize>,
        len: usize,
    },
    /// The declared `method_len + payload_len` is over the limit; `head`
    /// is the length of the header read so far (the bytes before the
    /// method or the payload that will not be kept).
    TooLarge { id: u32, declared: u64, head: usize },
    /// Not all of it is buffered yet; `need` is the whole frame's length
    /// when the header says it, else 0.
    Partial { need: usize },
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The server's parser, on bytes already read: the frame at the start of
/// `buf`, in version 1 (`[u32 method_len][method][u32 payload_len]
/// [payload]`) or version 2 (the same after a `u32` request id). The
/// method length is checked against `max_frame` before the payload length
/// is looked at, then their sum, so no length is trusted before it is
/// checked; nothing is allocated.
pub fn parse(buf: &[u8], max_frame: u64, v2: bool) -> Parsed {
    let base = if v2 { 4 } else { 0 };
    let Some(id) = (if v2 { be32(buf, 0) } else { Some(0) }) else {
        return Parsed::Partial { need: 0 };
    };
    let Some(method_len) = be32(buf, base) else {
        return Parsed::Partial { need: 0 };
    };
    let method_len = u64::from(method_len);
    if method_len > max_frame {
        return Parsed::TooLarge {
            id,
            declared: method_len,
            head: base + 4,
        };
    }
    let m_start = base + 4;
    let m_end = m_start + method_len as usize;
    let Some(payload_len) = be32(buf, m_end) else {
        return Parsed::Partial { need: 0 };
    };
    let declared = method_len + u64::from(payload_len);
    if declared > max_frame {
        return Parsed::TooLarge {
            id,
            declared,
            head: m_end + 4,
        };
    }
    let end = m_end + 4 + payload_len as usize;
    if buf.len() < end {
        return Parsed::Partial { need: end };
    }
    Parsed::Frame {
        id,
        method: m_start..m_end,
        payload: m_end + 4..end,
        len: end,
    }
}

/// Appends a version 1 response frame `[i32 ret][u32 len][body]`.
pub fn push_v1(out: &mut Vec<u8>, ret: i32, body: &[u8]) {
    out.reserve(8 + body.len());
    out.extend_from_slice(&ret.to_be_bytes());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
}

/// Appends a version 2 response frame `[u32 id][i32 ret][u32 len][body]`.
pub fn push_v2(out: &mut Vec<u8>, id: u32, ret: i32, body: &[u8]) {
    out.reserve(12 + body.len());
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&ret.to_be_bytes());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
}
