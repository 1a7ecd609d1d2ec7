//! Moving values across the native C ABI.
//!
//! Every supported type has a flat C representation ([`FfiType::C`]).
//! Lifting reads a representation that foreign code owns and copies all of
//! it into Rust values, validating as it goes (UTF-8, NULL pointers, enum
//! ranges). Lowering builds a representation that borrows from the Rust
//! value and from an [`Arena`]; it stays valid while both live.
//!
//! A single value crossing as a "message" (a call's result, a host
//! function's request or answer, an event payload) is passed as
//! `(const char *msg, size_t len)`: `String` and `Vec<u8>` as their raw
//! bytes, `()` as `(NULL, 0)`, anything else as a pointer to its C
//! representation with `len == sizeof` of it.

use crate::abi::{FfiOption, FfiSlice, FfiStr};
use std::any::Any;
use std::ffi::c_char;
use std::fmt;
use std::mem::{MaybeUninit, size_of};

/// Why a foreign value could not be read, and where in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiftError {
    path: String,
    message: String,
}

impl LiftError {
    pub fn new(message: impl Into<String>) -> Self {
        LiftError {
            path: String::new(),
            message: message.into(),
        }
    }

    /// Prefixes the location with a field or parameter name.
    pub fn in_field(mut self, name: &str) -> Self {
        if self.path.is_empty() || self.path.starts_with('[') {
            self.path.insert_str(0, name);
        } else {
            self.path.insert(0, '.');
            self.path.insert_str(0, name);
        }
        self
    }

    pub fn at_index(mut self, index: usize) -> Self {
        let prefix = format!("[{index}]");
        if !self.path.is_empty() && !self.path.starts_with('[') {
            self.path.insert(0, '.');
        }
        self.path.insert_str(0, &prefix);
        self
    }
}

impl fmt::Display for LiftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "invalid argument '{}': {}", self.path, self.message)
        }
    }
}

impl std::error::Error for LiftError {}

/// Keeps the arrays a lowered value points into alive.
#[derive(Default)]
pub struct Arena {
    blocks: Vec<Box<dyn Any>>,
}

impl Arena {
    pub fn new() -> Self {
        Arena::default()
    }

    /// Stores `items` and returns a pointer to the first one (NULL if empty).
    pub fn keep<T: 'static>(&mut self, items: Vec<T>) -> *const T {
        if items.is_empty() {
            return std::ptr::null();
        }
        let ptr = items.as_ptr();
        self.blocks.push(Box::new(items));
        ptr
    }
}

/// Views `len` elements at `ptr` after checking what can be checked.
///
/// # Safety
/// When `ptr` is non-NULL it must point to `len` readable elements.
pub unsafe fn raw_slice<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], LiftError> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(LiftError::new(format!("NULL pointer with length {len}")));
    }
    if len
        .checked_mul(size_of::<T>().max(1))
        .is_none_or(|n| n > isize::MAX as usize)
    {
        return Err(LiftError::new(format!("length {len} is too large")));
    }
    if !ptr.is_aligned() {
        return Err(LiftError::new("misaligned pointer"));
    }
    // SAFETY: non-NULL, aligned, size checked; readability is the caller's.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

fn str_from_bytes(bytes: &[u8]) -> Result<String, LiftError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err(LiftError::new(format!(
            "invalid UTF-8 at byte {}",
            e.valid_up_to()
        ))),
    }
}

/// A type that crosses the native C ABI.
///
/// # Safety
/// `C` must be a `#[repr(C)]` plain-old-data type that is valid when
/// all-zero, matching the layout the generated header declares.
pub unsafe trait FfiType: Sized + 'static {
    type C: Copy + 'static;

    /// Copies a foreign value into Rust.
    ///
    /// # Safety
    /// Every pointer inside `c` must be NULL or valid for its length.
    unsafe fn lift(c: &Self::C) -> Result<Self, LiftError>;

    /// Builds a C view of `self`, valid while `self` and `arena` live.
    fn lower(&self, arena: &mut Arena) -> Self::C;

    /// Lifts a `Vec<Self>`. Plain numbers override this with one copy.
    ///
    /// # Safety
    /// As for [`FfiType::lift`].
    unsafe fn lift_vec(s: &FfiSlice<Self::C>) -> Result<Vec<Self>, LiftError> {
        // SAFETY: forwarded from the caller.
        let items = unsafe { raw_slice(s.ptr, s.len)? };
        items
            .iter()
            // SAFETY: forwarded from the caller.
            .enumerate()
            .map(|(i, c)| unsafe { Self::lift(c) }.map_err(|e| e.at_index(i)))
            .collect()
    }

    /// Lowers a `Vec<Self>`. Plain numbers override this to point at `v`.
    fn lower_vec(v: &[Self], arena: &mut Arena) -> FfiSlice<Self::C> {
        let items: Vec<Self::C> = v.iter().map(|x| x.lower(arena)).collect();
        FfiSlice {
            len: items.len(),
            ptr: arena.keep(items),
        }
    }

    /// Passes `self` as a message (see the module docs).
    fn with_message<R>(&self, f: impl FnOnce(*const c_char, usize) -> R) -> R {
        let mut arena = Arena::new();
        let c = self.lower(&mut arena);
        f((&raw const c).cast(), size_of::<Self::C>())
    }

    /// Reads a message (see the module docs).
    ///
    /// # Safety
    /// `ptr` must be NULL or valid for `len` bytes, and what it points to
    /// must satisfy [`FfiType::lift`].
    unsafe fn from_message(ptr: *const c_char, len: usize) -> Result<Self, LiftError> {
        // SAFETY: forwarded from the caller.
        let c = unsafe { read_message::<Self::C>(ptr, len)? };
        // SAFETY: forwarded from the caller.
        unsafe { Self::lift(&c) }
    }

    /// [`FfiType::with_message`] for `Vec<Self>`; `u8` sends raw bytes.
    fn vec_with_message<R>(v: &[Self], f: impl FnOnce(*const c_char, usize) -> R) -> R {
        let mut arena = Arena::new();
        let c = Self::lower_vec(v, &mut arena);
        f((&raw const c).cast(), size_of::<FfiSlice<Self::C>>())
    }

    /// [`FfiType::from_message`] for `Vec<Self>`; `u8` reads raw bytes.
    ///
    /// # Safety
    /// As for [`FfiType::from_message`].
    unsafe fn vec_from_message(ptr: *const c_char, len: usize) -> Result<Vec<Self>, LiftError> {
        // SAFETY: forwarded from the caller.
        let c = unsafe { read_message::<FfiSlice<Self::C>>(ptr, len)? };
        // SAFETY: forwarded from the caller.
        unsafe { Self::lift_vec(&c) }
    }
}

/// Copies a `T` out of a message, which need not be aligned.
///
/// # Safety
/// `ptr` must be NULL or valid for `len` bytes.
unsafe fn read_message<T: Copy>(ptr: *const c_char, len: usize) -> Result<T, LiftError> {
    if ptr.is_null() {
        return Err(LiftError::new("expected a value, got NULL"));
    }
    if len != size_of::<T>() {
        return Err(LiftError::new(format!(
            "expected a {}-byte value, got {len} bytes",
            size_of::<T>()
        )));
    }
    // SAFETY: `len` readable bytes, checked to be exactly one `T`.
    Ok(unsafe { std::ptr::read_unaligned(ptr.cast::<T>()) })
}

/// An all-zero C value, for the unused `value` of a `None`.
pub fn zeroed<C: Copy>() -> C {
    // SAFETY: `FfiType::C` types are plain data valid when all-zero.
    unsafe { MaybeUninit::<C>::zeroed().assume_init() }
}

macro_rules! plain_numbers {
    ($($t:ty),*) => {$(
        // SAFETY: a number is its own C representation.
        unsafe impl FfiType for $t {
            type C = $t;
            unsafe fn lift(c: &$t) -> Result<$t, LiftError> {
                Ok(*c)
            }
            fn lower(&self, _: &mut Arena) -> $t {
                *self
            }
            unsafe fn lift_vec(s: &FfiSlice<$t>) -> Result<Vec<$t>, LiftError> {
                // SAFETY: forwarded from the caller.
                Ok(unsafe { raw_slice(s.ptr, s.len)? }.to_vec())
            }
            fn lower_vec(v: &[$t], _: &mut Arena) -> FfiSlice<$t> {
                FfiSlice { ptr: v.as_ptr(), len: v.len() }
            }
        }
    )*};
}

plain_numbers!(i8, i16, i32, i64, u16, u32, u64, f32, f64);

// SAFETY: a byte is its own C representation.
unsafe impl FfiType for u8 {
    type C = u8;
    unsafe fn lift(c: &u8) -> Result<u8, LiftError> {
        Ok(*c)
    }
    fn lower(&self, _: &mut Arena) -> u8 {
        *self
    }
    unsafe fn lift_vec(s: &FfiSlice<u8>) -> Result<Vec<u8>, LiftError> {
        // SAFETY: forwarded from the caller.
        Ok(unsafe { raw_slice(s.ptr, s.len)? }.to_vec())
    }
    fn lower_vec(v: &[u8], _: &mut Arena) -> FfiSlice<u8> {
        FfiSlice {
            ptr: v.as_ptr(),
            len: v.len(),
        }
    }
    fn vec_with_message<R>(v: &[u8], f: impl FnOnce(*const c_char, usize) -> R) -> R {
        f(v.as_ptr().cast(), v.len())
    }
    unsafe fn vec_from_message(ptr: *const c_char, len: usize) -> Result<Vec<u8>, LiftError> {
        // SAFETY: forwarded from the caller.
        Ok(unsafe { raw_slice(ptr.cast::<u8>(), len)? }.to_vec())
    }
}

// SAFETY: C `bool` is one byte; any non-zero byte reads as true.
unsafe impl FfiType for bool {
    type C = u8;
    unsafe fn lift(c: &u8) -> Result<bool, LiftError> {
        Ok(*c != 0)
    }
    fn lower(&self, _: &mut Arena) -> u8 {
        u8::from(*self)
    }
    fn lower_vec(v: &[bool], _: &mut Arena) -> FfiSlice<u8> {
        FfiSlice {
            ptr: v.as_ptr().cast(),
            len: v.len(),
        }
    }
}

// SAFETY: `FfiStr` is two plain words.
unsafe impl FfiType for String {
    type C = FfiStr;
    unsafe fn lift(c: &FfiStr) -> Result<String, LiftError> {
        // SAFETY: forwarded from the caller.
        str_from_bytes(unsafe { raw_slice(c.ptr.cast::<u8>(), c.len)? })
    }
    fn lower(&self, _: &mut Arena) -> FfiStr {
        FfiStr {
            ptr: self.as_ptr().cast(),
            len: self.len(),
        }
    }
    fn with_message<R>(&self, f: impl FnOnce(*const c_char, usize) -> R) -> R {
        f(self.as_ptr().cast(), self.len())
    }
    unsafe fn from_message(ptr: *const c_char, len: usize) -> Result<String, LiftError> {
        // SAFETY: forwarded from the caller.
        str_from_bytes(unsafe { raw_slice(ptr.cast::<u8>(), len)? })
    }
}

// SAFETY: `FfiSlice` is two plain words.
unsafe impl<T: FfiType> FfiType for Vec<T> {
    type C = FfiSlice<T::C>;
    unsafe fn lift(c: &Self::C) -> Result<Self, LiftError> {
        // SAFETY: forwarded from the caller.
        unsafe { T::lift_vec(c) }
    }
    fn lower(&self, arena: &mut Arena) -> Self::C {
        T::lower_vec(self, arena)
    }
    fn with_message<R>(&self, f: impl FnOnce(*const c_char, usize) -> R) -> R {
        T::vec_with_message(self, f)
    }
    unsafe fn from_message(ptr: *const c_char, len: usize) -> Result<Self, LiftError> {
        // SAFETY: forwarded from the caller.
        unsafe { T::vec_from_message(ptr, len) }
    }
}

// SAFETY: `FfiOption` of a plain type is plain.
unsafe impl<T: FfiType> FfiType for Option<T> {
    type C = FfiOption<T::C>;
    unsafe fn lift(c: &Self::C) -> Result<Self, LiftError> {
        if c.is_some == 0 {
            return Ok(None);
        }
        // SAFETY: forwarded from the caller.
        unsafe { T::lift(&c.value) }.map(Some)
    }
    fn lower(&self, arena: &mut Arena) -> Self::C {
        match self {
            Some(v) => FfiOption {
                is_some: 1,
                value: v.lower(arena),
            },
            None => FfiOption {
                is_some: 0,
                value: zeroed(),
            },
        }
    }
}

// SAFETY: `()` crosses as `(NULL, 0)`; its placeholder C type is a byte.
unsafe impl FfiType for () {
    type C = u8;
    unsafe fn lift(_: &u8) -> Result<(), LiftError> {
        Ok(())
    }
    fn lower(&self, _: &mut Arena) -> u8 {
        0
    }
    fn with_message<R>(&self, f: impl FnOnce(*const c_char, usize) -> R) -> R {
        f(std::ptr::null(), 0)
    }
    unsafe fn from_message(_: *const c_char, _: usize) -> Result<(), LiftError> {
        Ok(())
    }
}
