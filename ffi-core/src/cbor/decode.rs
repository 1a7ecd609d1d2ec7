//! The decoder: reads CBOR items from a borrowed buffer.
//!
//! Hostile input is expected. Nesting is limited to [`MAX_DEPTH`] (an
//! error, never a stack overflow), and every declared length is checked
//! against the bytes actually left before anything is allocated: a string
//! needs that many bytes, an array at least one byte per item, a map two.
//! Indefinite-length strings, arrays and maps are accepted; tags are
//! skipped.

use super::encode::{ARRAY, BYTES, MAP, NINT, TEXT, UINT};
use super::error::DecodeError;
use std::borrow::Cow;

/// How deeply arrays and maps may nest.
pub const MAX_DEPTH: u32 = 256;

const TAG: u8 = 6 << 5;
const SIMPLE: u8 = 7 << 5;
const BREAK: u8 = 0xff;
const INDEFINITE: u8 = 31;

/// One item's initial byte and argument.
#[derive(Debug, Clone, Copy)]
struct Head {
    major: u8,
    info: u8,
    arg: u64,
    at: usize,
}

impl Head {
    fn indefinite(&self) -> bool {
        self.info == INDEFINITE
    }

    /// What the item is, for "expected X, got Y".
    fn kind(&self) -> &'static str {
        match self.major {
            UINT | NINT => "integer",
            BYTES => "bytes",
            TEXT => "text",
            ARRAY => "array",
            MAP => "map",
            _ => match self.info {
                20 | 21 => "bool",
                22 => "null",
                23 => "undefined",
                25..=27 => "float",
                _ => "simple value",
            },
        }
    }
}

/// A map being read by [`Decoder::next_key`].
#[derive(Debug)]
pub struct MapKeys {
    len: Option<usize>,
    index: usize,
}

/// Reads one CBOR item (and what it contains) from `input`.
#[derive(Debug)]
pub struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    depth: u32,
}

impl<'a> Decoder<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        Decoder {
            input,
            pos: 0,
            depth: 0,
        }
    }

    /// Bytes consumed so far.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    #[inline]
    pub fn at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// Fails when bytes are left after the top-level item.
    pub fn finish(&self) -> Result<(), DecodeError> {
        let left = self.input.len() - self.pos;
        if left == 0 {
            return Ok(());
        }
        Err(DecodeError::malformed(format!(
            "{left} trailing bytes after the value at byte {}",
            self.pos
        )))
    }

    fn eof(&self) -> DecodeError {
        DecodeError::malformed(format!(
            "unexpected end of input at byte {}",
            self.input.len()
        ))
    }

    #[inline]
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        match self.input.get(self.pos..).and_then(|rest| rest.get(..n)) {
            Some(out) => {
                self.pos += n;
                Ok(out)
            }
            None => Err(self.eof()),
        }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// Reads an initial byte and its argument, skipping tags. The common
    /// case (no tag, argument in the initial byte) is inlined.
    #[inline]
    fn head(&mut self) -> Result<Head, DecodeError> {
        if let Some(&first) = self.input.get(self.pos) {
            let (major, info) = (first & 0xe0, first & 0x1f);
            if info < 24 && major != TAG {
                let at = self.pos;
                self.pos += 1;
                return Ok(Head {
                    major,
                    info,
                    arg: u64::from(info),
                    at,
                });
            }
        }
        self.head_slow()
    }

    #[inline(never)]
    fn head_slow(&mut self) -> Result<Head, DecodeError> {
        loop {
            let at = self.pos;
            let first = *self.take(1)?.first().expect("one byte");
            let (major, info) = (first & 0xe0, first & 0x1f);
            let arg = match info {
                0..=23 => u64::from(info),
                24 => u64::from(self.take(1)?[0]),
                25 => u64::from(u16::from_be_bytes(self.take(2)?.try_into().expect("2"))),
                26 => u64::from(u32::from_be_bytes(self.take(4)?.try_into().expect("4"))),
                27 => u64::from_be_bytes(self.take(8)?.try_into().expect("8")),
                INDEFINITE if matches!(major, BYTES | TEXT | ARRAY | MAP) => 0,
                INDEFINITE if major == SIMPLE => {
                    return Err(DecodeError::malformed(format!(
                        "unexpected break at byte {at}"
                    )));
                }
                _ => {
                    return Err(DecodeError::malformed(format!(
                        "invalid initial byte 0x{first:02x} at byte {at}"
                    )));
                }
            };
            if major != TAG {
                return Ok(Head {
                    major,
                    info,
                    arg,
                    at,
                });
            }
        }
    }

    /// A declared length, checked against what is left: each unit needs
    /// at least `min_bytes` bytes, so nothing is allocated for a lie.
    #[inline]
    fn length(&self, h: &Head, min_bytes: u64) -> Result<usize, DecodeError> {
        let left = (self.input.len() - self.pos) as u64;
        if h.arg.saturating_mul(min_bytes) > left {
            return Err(DecodeError::malformed(format!(
                "length {} declared at byte {} exceeds the {left} bytes left",
                h.arg, h.at
            )));
        }
        Ok(h.arg as usize)
    }

    #[inline]
    fn enter(&mut self, at: usize) -> Result<(), DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(DecodeError::malformed(format!(
                "nesting deeper than {MAX_DEPTH} levels at byte {at}"
            )));
        }
        self.depth += 1;
        Ok(())
    }

    /// An integer of either sign, widened so every CBOR integer fits.
    #[inline]
    pub fn integer(&mut self) -> Result<i128, DecodeError> {
        let h = self.head()?;
        match h.major {
            UINT => Ok(i128::from(h.arg)),
            NINT => Ok(-1 - i128::from(h.arg)),
            _ => Err(DecodeError::wrong_type("integer", h.kind())),
        }
    }

    #[inline]
    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        let h = self.head()?;
        match (h.major, h.info) {
            (SIMPLE, 20) => Ok(false),
            (SIMPLE, 21) => Ok(true),
            _ => Err(DecodeError::wrong_type("bool", h.kind())),
        }
    }

    /// A float of any width, or an integer.
    #[inline]
    pub fn float(&mut self) -> Result<f64, DecodeError> {
        let h = self.head()?;
        match (h.major, h.info) {
            (SIMPLE, 25) => Ok(half_to_f64(h.arg as u16)),
            (SIMPLE, 26) => Ok(f64::from(f32::from_bits(h.arg as u32))),
            (SIMPLE, 27) => Ok(f64::from_bits(h.arg)),
            (UINT, _) => Ok(h.arg as f64),
            (NINT, _) => Ok(-1.0 - h.arg as f64),
            _ => Err(DecodeError::wrong_type("float", h.kind())),
        }
    }

    /// Consumes a `null` (or `undefined`) if that is what comes next.
    #[inline]
    pub fn null(&mut self) -> bool {
        if matches!(self.peek(), Some(0xf6 | 0xf7)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A text string, borrowed unless it came in chunks.
    #[inline]
    pub fn text(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let h = self.head()?;
        if h.major == TEXT && !h.indefinite() {
            let n = self.length(&h, 1)?;
            let b = self.take(n)?;
            return std::str::from_utf8(b)
                .map(Cow::Borrowed)
                .map_err(|_| DecodeError::invalid_utf8());
        }
        self.text_slow(h)
    }

    /// A text string as an owned `String`: one allocation, no
    /// intermediate `Cow`.
    #[inline]
    pub fn text_string(&mut self) -> Result<String, DecodeError> {
        let h = self.head()?;
        if h.major == TEXT && !h.indefinite() {
            let n = self.length(&h, 1)?;
            let b = self.take(n)?;
            return match std::str::from_utf8(b) {
                Ok(s) => Ok(String::from(s)),
                Err(_) => Err(DecodeError::invalid_utf8()),
            };
        }
        self.text_slow(h).map(Cow::into_owned)
    }

    /// [`Decoder::text`] for a wrong type or chunks, from its head.
    #[inline(never)]
    fn text_slow(&mut self, h: Head) -> Result<Cow<'a, str>, DecodeError> {
        self.pos = h.at;
        match self.string(TEXT, "text")? {
            Cow::Borrowed(b) => std::str::from_utf8(b).map(Cow::Borrowed),
            Cow::Owned(v) => String::from_utf8(v)
                .map(Cow::Owned)
                .map_err(|e| e.utf8_error()),
        }
        .map_err(|_| DecodeError::invalid_utf8())
    }

    /// A byte string, borrowed unless it came in chunks.
    #[inline]
    pub fn bytes(&mut self) -> Result<Cow<'a, [u8]>, DecodeError> {
        self.string(BYTES, "bytes")
    }

    fn string(&mut self, major: u8, name: &'static str) -> Result<Cow<'a, [u8]>, DecodeError> {
        let h = self.head()?;
        if h.major != major {
            return Err(DecodeError::wrong_type(name, h.kind()));
        }
        if !h.indefinite() {
            let n = self.length(&h, 1)?;
            return self.take(n).map(Cow::Borrowed);
        }
        let mut out = Vec::new();
        while self.peek() != Some(BREAK) {
            let chunk = self.head()?;
            if chunk.major != major || chunk.indefinite() {
                return Err(DecodeError::malformed(format!(
                    "invalid chunk in indefinite-length {name} at byte {}",
                    chunk.at
                )));
            }
            let n = self.length(&chunk, 1)?;
            out.extend_from_slice(self.take(n)?);
        }
        self.take(1)?;
        Ok(Cow::Owned(out))
    }

    /// Starts an array: its length, or `None` when indefinite. Follow with
    /// [`Decoder::more`] per item and [`Decoder::end`].
    #[inline]
    pub fn begin_array(&mut self) -> Result<Option<usize>, DecodeError> {
        self.begin(ARRAY, "array", 1)
    }

    /// Starts a map; entries are key, value pairs.
    #[inline]
    pub fn begin_map(&mut self) -> Result<Option<usize>, DecodeError> {
        self.begin(MAP, "map", 2)
    }

    fn begin(
        &mut self,
        major: u8,
        name: &'static str,
        min: u64,
    ) -> Result<Option<usize>, DecodeError> {
        let h = self.head()?;
        if h.major != major {
            return Err(DecodeError::wrong_type(name, h.kind()));
        }
        let len = if h.indefinite() {
            None
        } else {
            Some(self.length(&h, min)?)
        };
        self.enter(h.at)?;
        Ok(len)
    }

    /// Whether item `index` of a container started with `len` follows.
    #[inline]
    pub fn more(&mut self, len: Option<usize>, index: usize) -> Result<bool, DecodeError> {
        match len {
            Some(n) => Ok(index < n),
            None => match self.peek() {
                Some(BREAK) => {
                    self.pos += 1;
                    Ok(false)
                }
                Some(_) => Ok(true),
                None => Err(self.eof()),
            },
        }
    }

    /// Leaves the container [`Decoder::more`] finished.
    #[inline]
    pub fn end(&mut self) {
        self.depth -= 1;
    }

    /// Starts reading a map entry by entry: call [`Decoder::next_key`]
    /// until it returns `None` (the generated struct decoders do).
    #[inline]
    pub fn begin_map_keys(&mut self) -> Result<MapKeys, DecodeError> {
        Ok(MapKeys {
            len: self.begin_map()?,
            index: 0,
        })
    }

    /// The next text key of the map, as raw bytes (not yet checked to be
    /// UTF-8: a key equal to a known name is; pass any other key to
    /// [`Decoder::skip_unknown`], which checks it and skips its value).
    /// Entries with non-text keys are skipped. `None` after the last
    /// entry, the map then being left.
    #[inline]
    pub fn next_key(&mut self, m: &mut MapKeys) -> Result<Option<Cow<'a, [u8]>>, DecodeError> {
        loop {
            if !self.more(m.len, m.index)? {
                self.end();
                return Ok(None);
            }
            m.index += 1;
            if self.peek().is_some_and(|b| b & 0xe0 == TEXT) {
                return self.key_bytes().map(Some);
            }
            self.skip()?;
            self.skip()?;
        }
    }

    #[inline]
    fn key_bytes(&mut self) -> Result<Cow<'a, [u8]>, DecodeError> {
        let h = self.head()?;
        if !h.indefinite() {
            let n = self.length(&h, 1)?;
            return self.take(n).map(Cow::Borrowed);
        }
        self.pos = h.at;
        self.string(TEXT, "text")
    }

    /// The value of a key [`Decoder::next_key`] returned that names no
    /// field: the key must still be UTF-8 text; the value is skipped.
    pub fn skip_unknown(&mut self, key: &[u8]) -> Result<(), DecodeError> {
        if std::str::from_utf8(key).is_err() {
            return Err(DecodeError::invalid_utf8());
        }
        self.skip()
    }

    /// Reads a map, calling `entry` with each text key; `entry` returns
    /// `false` for a key it does not know, whose value is then skipped
    /// (unknown keys are ignored, for forward compatibility). Non-text
    /// keys are skipped the same way.
    pub fn map_entries(
        &mut self,
        mut entry: impl FnMut(&mut Self, &str) -> Result<bool, DecodeError>,
    ) -> Result<(), DecodeError> {
        let len = self.begin_map()?;
        let mut i = 0;
        while self.more(len, i)? {
            let known = if self.peek().is_some_and(|b| b & 0xe0 == TEXT) {
                let key = self.text()?;
                entry(self, &key)?
            } else {
                self.skip()?;
                false
            };
            if !known {
                self.skip()?;
            }
            i += 1;
        }
        self.end();
        Ok(())
    }

    /// Skips one item and everything inside it.
    pub fn skip(&mut self) -> Result<(), DecodeError> {
        let h = self.head()?;
        match h.major {
            BYTES | TEXT if h.indefinite() => {
                self.pos = h.at;
                self.string(h.major, "string").map(drop)
            }
            BYTES | TEXT => {
                let n = self.length(&h, 1)?;
                self.take(n).map(drop)
            }
            ARRAY | MAP => {
                let per_item = if h.major == MAP { 2 } else { 1 };
                let len = if h.indefinite() {
                    None
                } else {
                    Some(self.length(&h, per_item)? * per_item as usize)
                };
                self.enter(h.at)?;
                let mut i = 0;
                while self.more(len, i)? {
                    self.skip()?;
                    i += 1;
                }
                if len.is_none() && h.major == MAP && i % 2 == 1 {
                    return Err(DecodeError::malformed(format!(
                        "map at byte {} has a key without a value",
                        h.at
                    )));
                }
                self.end();
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// IEEE 754 half precision to double, built from the bits (every half is
/// exactly representable as a double; no arithmetic that could round).
fn half_to_f64(h: u16) -> f64 {
    let sign = u64::from(h >> 15) << 63;
    let exp = u64::from((h >> 10) & 0x1f);
    let mant = u64::from(h & 0x3ff);
    let bits = match (exp, mant) {
        (0, 0) => 0,
        // Subnormal: mant * 2^-24; normalise around its highest set bit.
        (0, m) => {
            let top = 63 - u64::from(m.leading_zeros());
            ((top + 1023 - 24) << 52) | ((m - (1 << top)) << (52 - top))
        }
        (31, 0) => 0x7ff << 52,
        // NaN: keep the payload, quiet.
        (31, m) => (0x7ff << 52) | (1 << 51) | (m << 42),
        (e, m) => ((e + 1023 - 15) << 52) | (m << 42),
    };
    f64::from_bits(sign | bits)
}

#[cfg(test)]
mod half_tests {
    use super::half_to_f64;

    /// Every one of the 65,536 halves against an independent decoding
    /// through the exact integer value `mant * 2^(exp - 25)`.
    #[test]
    fn every_half_decodes_exactly() {
        for h in 0..=u16::MAX {
            let got = half_to_f64(h);
            let exp = i32::from((h >> 10) & 0x1f);
            let mant = i64::from(h & 0x3ff);
            let neg = h & 0x8000 != 0;
            if exp == 31 {
                assert!(if mant == 0 {
                    got.is_infinite()
                } else {
                    got.is_nan()
                });
                assert_eq!(got.is_sign_negative(), neg, "{h:#06x}");
                continue;
            }
            // value = m * 2^e2 with integer m; compare exactly via scaling
            // by powers of two (exact in f64 for these ranges).
            let (m, e2) = if exp == 0 {
                (mant, -24)
            } else {
                (mant + 1024, exp - 25)
            };
            let mut want = m as f64;
            for _ in 0..e2.unsigned_abs() {
                want = if e2 < 0 { want / 2.0 } else { want * 2.0 };
            }
            let want = if neg { -want } else { want };
            assert_eq!(got.to_bits(), want.to_bits(), "{h:#06x}");
        }
        assert_eq!(half_to_f64(0x3c00), 1.0);
        assert_eq!(half_to_f64(0x0001), 5.960_464_477_539_063e-8);
        assert_eq!(half_to_f64(0x7bff), 65504.0);
        assert_eq!(half_to_f64(0xc000), -2.0);
    }
}
