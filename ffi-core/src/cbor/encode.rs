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
    #[inline]
    pub fn new() -> Self {
        Encoder::default()
    }

    /// An encoder that appends to `buf` (reusing its allocation).
    #[inline]
    pub fn with_buffer(buf: Vec<u8>) -> Self {
        Encoder { buf }
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    #[inline]
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// An encoder whose buffer starts with room for `bytes`.
    pub fn with_capacity(bytes: usize) -> Self {
        Encoder {
            buf: Vec::with_capacity(bytes),
        }
    }

    /// Appends bytes that already are CBOR (e.g. a map key with its
    /// header, pre-encoded by `#[ffi_type]`).
    #[inline]
    pub fn raw(&mut self, cbor: &[u8]) {
        self.buf.extend_from_slice(cbor);
    }

    /// A header: major type plus its argument in the shortest form.
    #[inline]
    fn head(&mut self, major: u8, arg: u64) {
        if arg < 24 {
            self.buf.push(major | arg as u8);
        } else {
            self.head_long(major, arg);
        }
    }

    /// A header whose argument takes 1 to 8 more bytes: written with one
    /// `extend_from_slice` of a stack array.
    #[inline]
    fn head_long(&mut self, major: u8, arg: u64) {
        let mut h = [0u8; 9];
        let be = arg.to_be_bytes();
        let n = if arg <= u64::from(u8::MAX) {
            h[0] = major | 24;
            1
        } else if arg <= u64::from(u16::MAX) {
            h[0] = major | 25;
            2
        } else if arg <= u64::from(u32::MAX) {
            h[0] = major | 26;
            4
        } else {
            h[0] = major | 27;
            8
        };
        h[1..=n].copy_from_slice(&be[8 - n..]);
        self.buf.extend_from_slice(&h[..=n]);
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
        let b = v.to_be_bytes();
        self.buf.extend_from_slice(&[F32, b[0], b[1], b[2], b[3]]);
    }

    /// Always 64-bit, so every `f64` round-trips bit for bit.
    #[inline]
    pub fn f64(&mut self, v: f64) {
        let mut b = [F64; 9];
        b[1..].copy_from_slice(&v.to_be_bytes());
        self.buf.extend_from_slice(&b);
    }

    #[inline]
    pub fn text(&mut self, s: &str) {
        self.buf.reserve(s.len() + 9);
        self.head(TEXT, s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    #[inline]
    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.reserve(b.len() + 9);
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
