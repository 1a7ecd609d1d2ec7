//! SIGINT/SIGTERM as a flag the accept loop polls. The handler only stores
//! to an atomic, which is async-signal-safe; no dependency needed.

use std::ffi::c_int;
use std::sync::atomic::{AtomicBool, Ordering};

static RECEIVED: AtomicBool = AtomicBool::new(false);

const SIGINT: c_int = 2;
const SIGTERM: c_int = 15;

unsafe extern "C" {
    // `sighandler_t signal(int, sighandler_t)`; the handler as an address.
    fn signal(signum: c_int, handler: usize) -> usize;
}

extern "C" fn on_signal(_: c_int) {
    RECEIVED.store(true, Ordering::SeqCst);
}

/// Routes SIGINT and SIGTERM to [`received`] from now on.
pub(crate) fn install() {
    // SAFETY: the handler is async-signal-safe (one atomic store).
    unsafe {
        signal(SIGINT, on_signal as extern "C" fn(c_int) as usize);
        signal(SIGTERM, on_signal as extern "C" fn(c_int) as usize);
    }
}

/// Whether SIGINT or SIGTERM arrived since [`install`].
pub(crate) fn received() -> bool {
    RECEIVED.load(Ordering::SeqCst)
}
