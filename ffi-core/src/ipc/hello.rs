//! The version 2 handshake (`$hello`) and the payloads of the control
//! requests (`$cancel`, `$subscribe`, `$unsubscribe`).

use crate::cbor::{DecodeError, Decoder, Encoder};
use subtle::ConstantTimeEq;

/// The protocol version this server speaks besides version 1.
pub(crate) const VERSION: u64 = 2;

/// What a client's `$hello` asks for.
#[derive(Debug, Default)]
pub(crate) struct Hello {
    pub version: Option<i128>,
    pub token: Option<String>,
    pub fingerprint: Option<String>,
}

pub(crate) fn decode_hello(payload: &[u8]) -> Result<Hello, DecodeError> {
    let mut h = Hello::default();
    let mut d = Decoder::new(payload);
    d.map_entries(|d, key| {
        match key {
            "version" => h.version = Some(d.integer()?),
            "token" if !d.null() => h.token = Some(d.text_string()?),
            "fingerprint" if !d.null() => h.fingerprint = Some(d.text_string()?),
            "token" | "fingerprint" => {}
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    d.finish()?;
    Ok(h)
}

/// The server's side of the hello: `Ok(answer)` (the CBOR map to send
/// with `RET_OK`), or the error text to send before closing.
pub(crate) fn check(
    payload: &[u8],
    token: Option<&[u8]>,
    library: &str,
    fingerprint: Option<&str>,
) -> Result<Vec<u8>, String> {
    let hello = decode_hello(payload).map_err(|e| format!("bad $hello: {e}"))?;
    match hello.version {
        Some(v) if v == i128::from(VERSION) => {}
        Some(v) => {
            return Err(format!(
                "unsupported protocol version {v} (this server speaks 1 and 2)"
            ));
        }
        None => return Err("bad $hello: missing field 'version'".into()),
    }
    if let Some(want) = token {
        let given = hello.token.as_deref().unwrap_or("").as_bytes();
        if !bool::from(given.ct_eq(want)) {
            return Err("unauthorized: missing or wrong token".into());
        }
    }
    if let (Some(client), Some(ours)) = (&hello.fingerprint, fingerprint)
        && client != ours
    {
        return Err(format!(
            "interface fingerprint mismatch: the client was generated for {client}, \
             the library {library} is {ours}; regenerate the bindings"
        ));
    }
    let mut e = Encoder::new();
    e.map(2 + usize::from(fingerprint.is_some()));
    e.text("version");
    e.u64(VERSION);
    e.text("library");
    e.text(library);
    if let Some(f) = fingerprint {
        e.text("fingerprint");
        e.text(f);
    }
    Ok(e.into_bytes())
}

/// The `{"id": n}` of `$cancel` and `$unsubscribe`.
pub(crate) fn decode_id(payload: &[u8]) -> Result<u32, String> {
    let mut id = None;
    let mut d = Decoder::new(payload);
    d.map_entries(|d, key| {
        if key == "id" {
            id = Some(d.integer()?);
            return Ok(true);
        }
        Ok(false)
    })
    .map_err(|e| e.to_string())?;
    let id = id.ok_or("missing field 'id'")?;
    u32::try_from(id).map_err(|_| format!("field 'id': {id} is not a request id"))
}

/// The `{"event": name}` of `$subscribe`.
pub(crate) fn decode_event(payload: &[u8]) -> Result<String, String> {
    let mut event = None;
    let mut d = Decoder::new(payload);
    d.map_entries(|d, key| {
        if key == "event" {
            event = Some(d.text_string()?);
            return Ok(true);
        }
        Ok(false)
    })
    .map_err(|e| e.to_string())?;
    event.ok_or_else(|| "missing field 'event'".into())
}
