//! `ffi-serve`: serves any library built with this toolkit over IPC, with
//! no code from its author (SPEC section 13).
//!
//! ```text
//! ffi-serve --lib target/debug/libmy_timer.so --args '{"config": {"name": "x"}}' --unix /tmp/timer.sock
//! ffi-serve --lib ... --tcp 127.0.0.1:7000 --tls-cert cert.pem --tls-key key.pem --token-file token
//! ```
//!
//! The constructor's arguments are JSON, converted to CBOR and decoded by
//! the library's own `<lib>_create_cbor`, so a wrong argument is the
//! library's error naming the field.

mod json;
mod library;

use clap::Parser;
use ffi_core::ipc::{Limits, Server, Service};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "ffi-serve",
    version,
    about = "Serves a library's CBOR ABI over a Unix or TCP socket"
)]
struct Args {
    /// The library's shared object (cdylib), e.g. target/release/libmy_timer.so.
    #[arg(long, value_name = "PATH")]
    lib: PathBuf,
    /// The library's C prefix (`my_timer`); by default the one whose
    /// `<prefix>_call_cbor` the library exports.
    #[arg(long, value_name = "PREFIX")]
    name: Option<String>,
    /// The constructor's arguments as a JSON object, by parameter name.
    #[arg(long, value_name = "JSON", default_value = "{}")]
    args: String,
    /// Listen on this Unix socket path (created with mode 0600).
    #[arg(
        long,
        value_name = "PATH",
        conflicts_with = "tcp",
        required_unless_present = "tcp"
    )]
    unix: Option<PathBuf>,
    /// Listen on this TCP address (HOST:PORT; port 0 picks one).
    #[arg(long, value_name = "HOST:PORT")]
    tcp: Option<String>,
    /// TLS certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM); needs --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// A file holding the bearer token clients must send in their hello
    /// (protocol version 2); version 1 clients are then refused.
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,
    /// Connections served at once.
    #[arg(long, default_value_t = Limits::default().max_connections)]
    max_connections: usize,
    /// Requests in flight per connection before the server stops reading it.
    #[arg(long, default_value_t = Limits::default().max_in_flight)]
    max_in_flight: usize,
    /// Answer bytes waiting for one client before the server stops reading it.
    #[arg(long, default_value_t = Limits::default().max_buffered)]
    max_buffered: usize,
    /// Answer bytes waiting for all clients together.
    #[arg(long, default_value_t = Limits::default().max_buffered_total)]
    max_buffered_total: usize,
    /// Largest request, method and payload together, in bytes.
    #[arg(long, default_value_t = Limits::default().max_frame)]
    max_frame: u64,
    /// From connect to the first request (e.g. 10s, 500ms).
    #[arg(long, value_parser = duration, default_value = "10s")]
    handshake_timeout: Duration,
    /// Close a connection with nothing in flight that sends nothing for this long.
    #[arg(long, value_parser = duration, default_value = "300s")]
    idle_timeout: Duration,
    /// A request, once begun, must arrive whole within this.
    #[arg(long, value_parser = duration, default_value = "30s")]
    read_timeout: Duration,
    /// Close a client that reads none of its answers for this long.
    #[arg(long, value_parser = duration, default_value = "30s")]
    write_timeout: Duration,
    /// At shutdown, how long answers in flight get to go out.
    #[arg(long, value_parser = duration, default_value = "3s")]
    shutdown_grace: Duration,
    /// Threads of the server's runtime (the library's own threads aside).
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

/// `10s`, `500ms`, `2m`, or plain seconds.
fn duration(s: &str) -> Result<Duration, String> {
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else {
        (s, 1.0)
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a duration (e.g. 10s, 500ms)"))?;
    if !(v.is_finite() && v >= 0.0) {
        return Err(format!("'{s}' is not a duration"));
    }
    Ok(Duration::from_secs_f64(v * scale))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ffi-serve: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let request = json::to_cbor(&args.args).map_err(|e| format!("--args: {e}"))?;
    let abi = library::load(&args.lib, args.name.as_deref())?;
    let limits = Limits {
        max_connections: args.max_connections,
        max_in_flight: args.max_in_flight.max(1),
        max_buffered: args.max_buffered,
        max_buffered_total: args.max_buffered_total,
        max_frame: args.max_frame,
        handshake_timeout: args.handshake_timeout,
        idle_timeout: args.idle_timeout,
        read_timeout: args.read_timeout,
        write_timeout: args.write_timeout,
        shutdown_grace: args.shutdown_grace,
    };
    let mut builder = Server::builder()
        .limits(limits)
        .threads(args.threads)
        .handle_signals(true);
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        builder = builder.tls(cert, key).map_err(|e| format!("TLS: {e}"))?;
    }
    if let Some(path) = &args.token_file {
        let token = std::fs::read_to_string(path)
            .map_err(|e| format!("--token-file {}: {e}", path.display()))?;
        let token = token.trim_end_matches(['\n', '\r']);
        if token.is_empty() {
            return Err(format!(
                "--token-file {}: the file is empty",
                path.display()
            ));
        }
        builder = builder.token(token.as_bytes());
    }
    let service = Service::create(abi, &request)
        .map_err(|e| format!("cannot create the {} context: {e}", abi.library))?;
    let server = match (&args.unix, &args.tcp) {
        (Some(path), None) => builder.bind_unix(path),
        (None, Some(addr)) => builder.bind_tcp(addr.as_str()),
        _ => unreachable!("clap requires exactly one of --unix and --tcp"),
    }
    .map_err(|e| format!("cannot listen: {e}"))?;
    server.serve(service).map_err(|e| e.to_string())
}
