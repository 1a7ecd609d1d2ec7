//! [`CborType`] for the built-in types of SPEC section 2.

use super::{CborType, DecodeError, Decoder, Encoder};

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl CborType for $t {
            #[inline]
            fn encode(&self, e: &mut Encoder) {
                e.i64(i64::from(*self));
            }
            #[inline]
            fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
                <$t>::try_from(d.integer()?).map_err(|_| DecodeError::out_of_range(stringify!($t)))
            }
        }
    )*};
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl CborType for $t {
            #[inline]
            fn encode(&self, e: &mut Encoder) {
                e.u64(u64::from(*self));
            }
            #[inline]
            fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
                <$t>::try_from(d.integer()?).map_err(|_| DecodeError::out_of_range(stringify!($t)))
            }
        }
    )*};
}

signed!(i8, i16, i32, i64);
unsigned!(u16, u32, u64);

impl CborType for u8 {
    #[inline]
    fn encode(&self, e: &mut Encoder) {
        e.u64(u64::from(*self));
    }
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        u8::try_from(d.integer()?).map_err(|_| DecodeError::out_of_range("u8"))
    }
    fn encode_vec(v: &[u8], e: &mut Encoder) {
        e.bytes(v);
    }
    fn decode_vec(d: &mut Decoder<'_>) -> Result<Vec<u8>, DecodeError> {
        d.bytes().map(|b| b.into_owned())
    }
}

impl CborType for bool {
    #[inline]
    fn encode(&self, e: &mut Encoder) {
        e.bool(*self);
    }
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        d.bool()
    }
}

impl CborType for f32 {
    #[inline]
    fn encode(&self, e: &mut Encoder) {
        e.f32(*self);
    }
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        d.float().map(|v| v as f32)
    }
}

impl CborType for f64 {
    #[inline]
    fn encode(&self, e: &mut Encoder) {
        e.f64(*self);
    }
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        d.float()
    }
}

impl CborType for String {
    #[inline]
    fn encode(&self, e: &mut Encoder) {
        e.text(self);
    }
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        d.text_string()
    }
}

impl<T: CborType> CborType for Vec<T> {
    #[inline]
    fn encode(&self, e: &mut Encoder) {
        T::encode_vec(self, e);
    }
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        T::decode_vec(d)
    }
}

impl<T: CborType> CborType for Option<T> {
    #[inline]
    fn encode(&self, e: &mut Encoder) {
        match self {
            Some(v) => v.encode(e),
            None => e.null(),
        }
    }
    #[inline]
    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        if d.null() {
            Ok(None)
        } else {
            T::decode(d).map(Some)
        }
    }
    fn absent() -> Option<Self> {
        Some(None)
    }
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl CborType for () {
    fn encode(&self, e: &mut Encoder) {
        e.null();
    }
    /// Whatever is there (if anything) is skipped: a `()` result carries
    /// no information.
    fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        if d.at_end() { Ok(()) } else { d.skip() }
    }
    fn absent() -> Option<Self> {
        Some(())
    }
}
