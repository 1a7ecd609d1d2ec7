//! Serves one timer over a socket, for callers in other processes:
//!
//! ```text
//! cargo run -p timer --bin timer-server -- --unix /tmp/timer.sock [--name NAME] [--max-frame BYTES]
//! cargo run -p timer --bin timer-server -- --tcp 127.0.0.1 7000
//! ```
//!
//! Prints `ipc: listening on ADDR` to stderr once it accepts connections
//! (`--tcp HOST 0` picks a free port), and stops cleanly on SIGINT/SIGTERM.

use ffi_core::cbor::{CborType, Encoder};
use ffi_core::ipc::{Server, Service};
use my_timer::TimerConfig;
use std::process::ExitCode;

const USAGE: &str =
    "usage: timer-server (--unix PATH | --tcp HOST PORT) [--name NAME] [--max-frame BYTES]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("timer-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let (mut unix, mut tcp, mut name, mut max_frame) = (None, None, "ipc-demo".to_string(), None);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--unix" => unix = Some(value()?),
            "--tcp" => tcp = Some(format!("{}:{}", value()?, value()?)),
            "--name" => name = value()?,
            "--max-frame" => {
                max_frame = Some(
                    value()?
                        .parse::<u64>()
                        .map_err(|e| format!("--max-frame: {e}"))?,
                )
            }
            _ => return Err(format!("unknown argument '{arg}'\n{USAGE}")),
        }
    }
    // The constructor's request: {"config": TimerConfig}.
    let mut req = Encoder::new();
    req.map(1);
    req.text("config");
    TimerConfig { name }.encode(&mut req);
    let service = Service::create(ffi_core::cbor_abi!(my_timer), req.as_bytes())?;

    let mut builder = Server::builder().handle_signals(true);
    if let Some(n) = max_frame {
        builder = builder.max_frame(n);
    }
    let server = match (unix, tcp) {
        (Some(path), None) => builder.bind_unix(path),
        (None, Some(addr)) => builder.bind_tcp(addr),
        _ => return Err(USAGE.into()),
    }
    .map_err(|e| format!("cannot listen: {e}"))?;
    eprintln!("ipc: listening on {}", server.local_addr());
    server.serve(service).map_err(|e| e.to_string())
}
