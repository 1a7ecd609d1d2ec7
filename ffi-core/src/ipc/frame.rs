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
