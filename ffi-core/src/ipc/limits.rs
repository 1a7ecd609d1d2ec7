//! What one client, and all of them together, may cost the server.

use std::time::Duration;

/// The default bound on `method_len + payload_len` of one request: 16 MiB.
pub const DEFAULT_MAX_FRAME: u64 = 16 << 20;

/// Limits of a [`crate::ipc::Server`], each with a safe default. A client
/// over a limit gets an error answer or a closed connection; the others
/// are not affected.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections served at once; the next one gets the error answer
    /// `server busy: ...` and is closed. Default 1024, and never more than
    /// the open-file limit allows (a warning is logged when lowered).
    pub max_connections: usize,
    /// Requests started on one connection and not yet answered; beyond
    /// it the server stops reading that connection. Default 128.
    pub max_in_flight: usize,
    /// Bytes one connection may hold: the payloads of its requests in
    /// flight plus the answers waiting for its client to read them;
    /// beyond it the server stops reading that connection. Default 8 MiB.
    pub max_buffered: usize,
    /// The same, summed over every connection. Default 256 MiB.
    pub max_buffered_total: usize,
    /// `method_len + payload_len` of one request. Default 16 MiB.
    pub max_frame: u64,
    /// From connect to the first request (TLS handshake and hello
    /// included). Default 10 s.
    pub handshake_timeout: Duration,
    /// With nothing in flight and nothing arriving, a connection is
    /// closed after this. Default 300 s.
    pub idle_timeout: Duration,
    /// A frame, once begun, must arrive whole within this (a client
    /// sending a byte a second is cut off). Default 30 s.
    pub read_timeout: Duration,
    /// A client that reads none of its answers for this long is closed.
    /// Default 30 s.
    pub write_timeout: Duration,
    /// At shutdown, how long connections get to deliver the answers in
    /// flight before they are closed anyway. Default 3 s.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 1024,
            max_in_flight: 128,
            max_buffered: 8 << 20,
            max_buffered_total: 256 << 20,
            max_frame: DEFAULT_MAX_FRAME,
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(300),
            read_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(3),
        }
    }
}

/// The soft limit on open files (`RLIMIT_NOFILE`), if known.
pub(crate) fn open_file_limit() -> Option<u64> {
    #[repr(C)]
    struct Rlimit {
        cur: u64,
        max: u64,
    }
    unsafe extern "C" {
        fn getrlimit(resource: std::ffi::c_int, rlim: *mut Rlimit) -> std::ffi::c_int;
    }
    #[cfg(target_os = "linux")]
    const RLIMIT_NOFILE: std::ffi::c_int = 7;
    #[cfg(not(target_os = "linux"))]
    const RLIMIT_NOFILE: std::ffi::c_int = 8;
    let mut r = Rlimit { cur: 0, max: 0 };
    // SAFETY: `r` is a valid out-parameter of the right layout (rlim_t is
    // 64-bit on the 64-bit targets this crate builds for).
    (unsafe { getrlimit(RLIMIT_NOFILE, &mut r) } == 0).then_some(r.cur)
}
