//! The encoder: appends CBOR items to a byte buffer. Integers and lengths
//! always take their shortest form (RFC 8949 section 4.2.1), so equal
//! values encode to equal bytes and golden vectors stay stable.

/// Major types (RFC 8949 section 3.1), pre-shifted into the high bits.
pub(crate) const UINT: u8 = 0 << 5;
pub(crate) const NINT: u8 = 1 << 5;
pub(crate) const BYTES: u8 = 2 << 5;
pub(crate) const TEXT: u8 = 3 << 5;
pub(crate) const ARRAY: u8 = 4 << 5;
pub(crate) const MAP: u8 = 5 << 5;
pub(crate) const FALSE: u8 = 0xf4;
pub(crate) const TRUE: u8 = 0xf5;
pub(crate) const NULL: u8 = 0xf6;
pub(crate) const F32: u8 = 0xfa;
pub(crate) const F64: u8 = 0xfb;

/// Builds one CBOR item (usually a map) in memory.
#[derive(Debug, Default, Clone)]
pub struct Encoder {
    buf: Vec<u8>,
}

impl Encoder {
    pub fn new() -> Self {
        Encoder::default()
    }

    /// An encoder that appends to `buf` (reusing its allocation).
    pub fn with_buffer(buf: Vec<u8>) -> Self {
        Encoder { buf }
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// A header: major type plus its argument in the shortest form.
    #[inline]
    fn head(&mut self, major: u8, arg: u64) {
        if arg < 24 {
            self.buf.push(major | arg as u8);
        } else if arg <= u8::MAX as u64 {
            self.buf.extend_from_slice(&[major | 24, arg as u8]);
        } else if arg <= u16::MAX as u64 {
            self.buf.push(major | 25);
            self.buf.extend_from_slice(&(arg as u16).to_be_bytes());
        } else if arg <= u32::MAX as u64 {
            self.buf.push(major | 26);
            self.buf.extend_from_slice(&(arg as u32).to_be_bytes());
        } else {
            self.buf.push(major | 27);
            self.buf.extend_from_slice(&arg.to_be_bytes());
        }
    }

    #[inline]
    pub fn u64(&mut self, v: u64) {
        self.head(UINT, v);
    }

    #[inline]
    pub fn i64(&mut self, v: i64) {
        if v >= 0 {
            self.head(UINT, v as u64);
        } else {
            // -1 - n, computed without overflow for i64::MIN.
            self.head(NINT, !(v as u64));
        }
    }

    #[inline]
    pub fn bool(&mut self, v: bool) {
        self.buf.push(if v { TRUE } else { FALSE });
    }

    #[inline]
    pub fn null(&mut self) {
        self.buf.push(NULL);
    }

    /// Always 32-bit: the value is an `f32` on both ends.
    #[inline]
    pub fn f32(&mut self, v: f32) {
        self.buf.push(F32);
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    /// Always 64-bit, so every `f64` round-trips bit for bit.
    #[inline]
    pub fn f64(&mut self, v: f64) {
        self.buf.push(F64);
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    #[inline]
    pub fn text(&mut self, s: &str) {
        self.head(TEXT, s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    #[inline]
    pub fn bytes(&mut self, b: &[u8]) {
        self.head(BYTES, b.len() as u64);
        self.buf.extend_from_slice(b);
    }

    /// Starts an array of `len` items; the caller encodes them next.
    #[inline]
    pub fn array(&mut self, len: usize) {
        self.head(ARRAY, len as u64);
    }

    /// Starts a map of `len` entries; the caller encodes key, value, ...
    #[inline]
    pub fn map(&mut self, len: usize) {
        self.head(MAP, len as u64);
    }
}
