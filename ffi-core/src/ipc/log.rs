//! Structured logs of the server, one logfmt line per event on stderr:
//! `ts=1764478800.123 level=info event=connect conn=7 peer=127.0.0.1:5555`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

/// Writes one line: `level`, `event`, then each field (values quoted when
/// they contain spaces, quotes or `=`).
pub(crate) fn log(level: &str, event: &str, fields: &[(&str, &dyn std::fmt::Display)]) {
    let ts = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mut line = format!(
        "ts={}.{:03} level={level} event={event}",
        ts.as_secs(),
        ts.subsec_millis()
    );
    for (k, v) in fields {
        let v = v.to_string();
        if v.is_empty() || v.contains([' ', '"', '=', '\n']) {
            let _ = write!(line, " {k}={v:?}");
        } else {
            let _ = write!(line, " {k}={v}");
        }
    }
    line.push('\n');
    // One write per line so lines of concurrent connections do not mix.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

macro_rules! log_info {
    ($event:expr $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::ipc::log::log("info", $event, &[$((stringify!($k), &$v)),*])
    };
}

macro_rules! log_warn {
    ($event:expr $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::ipc::log::log("warn", $event, &[$((stringify!($k), &$v)),*])
    };
}

pub(crate) use {log_info as info, log_warn as warn};
