//! Loading a toolkit-built cdylib and finding its CBOR ABI.

use ffi_abi::symbols::Lifecycle;
use ffi_core::abi::{ABI_VERSION, FfiCallback};
use ffi_core::ipc::{CborAbi, CborSessions};
use libloading::Library;
use std::ffi::{c_char, c_int, c_void};
use std::path::Path;

type Create = unsafe extern "C" fn(FfiCallback, *mut c_void, *const u8, usize) -> *mut c_void;
type Call = unsafe extern "C" fn(
    *mut c_void,
    *const c_char,
    usize,
    FfiCallback,
    *mut c_void,
    *const u8,
    usize,
) -> c_int;
type Destroy = unsafe extern "C" fn(*mut c_void) -> c_int;
type Cancel = unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int;
type Fingerprint = unsafe extern "C" fn() -> *const c_char;
type AbiVersion = unsafe extern "C" fn() -> u32;
type SessionNew = unsafe extern "C" fn() -> *mut c_void;
type SessionFree = unsafe extern "C" fn(*mut c_void) -> c_int;
type CallIn = unsafe extern "C" fn(
    *mut c_void,
    *mut c_void,
    *const c_char,
    usize,
    FfiCallback,
    *mut c_void,
    *const u8,
    usize,
) -> c_int;

/// The prefixes `P` for which the file names a symbol `P_call_cbor`: the
/// dynamic string table holds every exported name NUL-terminated.
fn prefixes(bytes: &[u8]) -> Vec<String> {
    let tail = format!("_{}\0", Lifecycle::CallCbor.suffix());
    let tail = tail.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(tail.len()).position(|w| w == tail) {
        let end = at + i;
        let start = bytes[..end]
            .iter()
            .rposition(|&b| b == 0)
            .map_or(0, |p| p + 1);
        let name = &bytes[start..end];
        if !name.is_empty()
            && name[0].is_ascii_alphabetic()
            && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            let name = String::from_utf8_lossy(name).into_owned();
            if !out.contains(&name) {
                out.push(name);
            }
        }
        at = end + tail.len();
    }
    out
}

/// Loads the library for the life of the process and returns its ABI.
pub(crate) fn load(path: &Path, name: Option<&str>) -> Result<CborAbi, String> {
    let shown = path.display();
    let prefix = match name {
        Some(n) => n.to_string(),
        None => {
            let bytes = std::fs::read(path).map_err(|e| format!("--lib {shown}: {e}"))?;
            let mut found = prefixes(&bytes);
            match found.len() {
                1 => found.remove(0),
                0 => {
                    return Err(format!(
                        "--lib {shown}: no `<name>_call_cbor` symbol; is it a library built with ffi-build?"
                    ));
                }
                _ => {
                    return Err(format!(
                        "--lib {shown}: it serves several libraries ({}); choose one with --name",
                        found.join(", ")
                    ));
                }
            }
        }
    };
    // SAFETY: loading runs the library's initialisers; a toolkit-built
    // cdylib has none that matter. It stays loaded for the process.
    let lib = unsafe { Library::new(path) }.map_err(|e| format!("--lib {shown}: {e}"))?;
    let lib: &'static Library = Box::leak(Box::new(lib));
    macro_rules! sym {
        ($ty:ty, $suffix:expr) => {{
            let symbol = format!("{prefix}_{}", $suffix);
            // SAFETY: the toolkit's ABI gives this symbol this type.
            unsafe { lib.get::<$ty>(symbol.as_bytes()) }
                .map(|s| *s)
                .map_err(|e| format!("--lib {shown}: no {symbol}: {e}"))
        }};
    }
    let version: AbiVersion = sym!(AbiVersion, Lifecycle::AbiVersion.suffix())?;
    // SAFETY: a plain getter.
    let theirs = unsafe { version() };
    if theirs != ABI_VERSION {
        return Err(format!(
            "--lib {shown}: built with ABI version {theirs}, this ffi-serve speaks {ABI_VERSION}; \
             rebuild one with the other's toolkit version"
        ));
    }
    Ok(CborAbi {
        create: sym!(Create, Lifecycle::CreateCbor.suffix())?,
        call: sym!(Call, Lifecycle::CallCbor.suffix())?,
        destroy: sym!(Destroy, Lifecycle::Destroy.suffix())?,
        cancel: sym!(Cancel, Lifecycle::Cancel.suffix()).ok(),
        fingerprint: sym!(Fingerprint, Lifecycle::InterfaceFingerprint.suffix()).ok(),
        // Object ids per connection (libraries built before sessions lack them).
        sessions: match (
            sym!(SessionNew, Lifecycle::CborSessionNew.suffix()),
            sym!(SessionFree, Lifecycle::CborSessionFree.suffix()),
            sym!(CallIn, Lifecycle::CallCborIn.suffix()),
        ) {
            (Ok(new), Ok(free), Ok(call_in)) => Some(CborSessions { new, free, call_in }),
            _ => None,
        },
        library: Box::leak(prefix.into_boxed_str()),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_prefix_of_call_cbor() {
        let table = b"\0my_timer_create\0my_timer_call_cbor\0x\0bad-name_call_cbor\0";
        assert_eq!(super::prefixes(table), ["my_timer"]);
    }
}
