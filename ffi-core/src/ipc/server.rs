//! The listening side: accepts connections until shut down, then lets the
//! connections finish what they started.

use super::connection::{self, Stream};
use super::service::Service;
use super::signal;
use std::io;
use std::net::{TcpListener, ToSocketAddrs};
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The default bound on `method_len + payload_len` of one request: 16 MiB.
pub const DEFAULT_MAX_FRAME: u64 = 16 << 20;

/// How often the accept loop looks at the shutdown flags.
const POLL: Duration = Duration::from_millis(20);

/// Options of a [`Server`].
#[derive(Debug, Clone)]
pub struct Builder {
    max_frame: u64,
    signals: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            max_frame: DEFAULT_MAX_FRAME,
            signals: false,
        }
    }
}

impl Builder {
    /// The largest request accepted, counting `method_len + payload_len`.
    pub fn max_frame(mut self, bytes: u64) -> Self {
        self.max_frame = bytes;
        self
    }

    /// Also shut down on SIGINT or SIGTERM (for server binaries).
    pub fn handle_signals(mut self, yes: bool) -> Self {
        self.signals = yes;
        self
    }

    /// Listens on a Unix socket at `path`, replacing a stale socket file
    /// there. The file is removed when the server stops.
    pub fn bind_unix(self, path: impl AsRef<Path>) -> io::Result<Server> {
        let path = path.as_ref().to_path_buf();
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_socket()) {
            std::fs::remove_file(&path)?;
        }
        let listener = UnixListener::bind(&path)?;
        listener.set_nonblocking(true)?;
        let addr = format!("unix:{}", path.display());
        Ok(self.server(Listener::Unix(listener, path), addr))
    }

    /// Listens on TCP, e.g. `"127.0.0.1:0"` for an ephemeral port (see
    /// [`Server::local_addr`]).
    pub fn bind_tcp(self, addr: impl ToSocketAddrs) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?.to_string();
        Ok(self.server(Listener::Tcp(listener), addr))
    }

    fn server(self, listener: Listener, addr: String) -> Server {
        if self.signals {
            signal::install();
        }
        Server {
            listener,
            addr,
            options: self,
            stop: Arc::new(AtomicBool::new(false)),
        }
    }
}

enum Listener {
    Unix(UnixListener, PathBuf),
    Tcp(TcpListener),
}

/// Stops a running [`Server`] from another thread.
#[derive(Debug, Clone)]
pub struct ShutdownHandle(Arc<AtomicBool>);

impl ShutdownHandle {
    /// Asks the server to stop; [`Server::serve`] returns once in-flight
    /// requests are answered.
    pub fn shutdown(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A bound socket serving one context's CBOR ABI.
pub struct Server {
    listener: Listener,
    addr: String,
    options: Builder,
    stop: Arc<AtomicBool>,
}

/// The live connections, so shutdown can wake their readers.
type Live = Arc<Mutex<Vec<(u64, Stream)>>>;

impl Server {
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// `unix:<path>`, or the TCP `host:port` actually bound.
    pub fn local_addr(&self) -> &str {
        &self.addr
    }

    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(self.stop.clone())
    }

    /// Serves until shut down (by a [`ShutdownHandle`] or, if enabled, a
    /// signal): stops accepting, lets every connection finish the requests
    /// it has read, destroys the context, and removes the socket file.
    pub fn serve(self, service: Service) -> io::Result<()> {
        let service = Arc::new(service);
        let live: Live = Arc::default();
        let mut threads: Vec<JoinHandle<()>> = Vec::new();
        let ids = AtomicU64::new(0);
        let result = loop {
            if self.stop.load(Ordering::SeqCst) || (self.options.signals && signal::received()) {
                break Ok(());
            }
            let accepted = match &self.listener {
                Listener::Unix(l, path) => l
                    .accept()
                    .map(|(s, _)| (Stream::Unix(s), format!("unix:{}", path.display()))),
                Listener::Tcp(l) => l.accept().map(|(s, peer)| {
                    let _ = s.set_nodelay(true);
                    (Stream::Tcp(s), peer.to_string())
                }),
            };
            match accepted {
                Ok((stream, peer)) => {
                    let id = ids.fetch_add(1, Ordering::Relaxed) + 1;
                    threads.retain(|t| !t.is_finished());
                    match self.spawn(stream, format!("{peer} #{id}"), id, &service, &live) {
                        Ok(t) => threads.push(t),
                        Err(e) => eprintln!("ipc: cannot serve a connection: {e}"),
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(POLL),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        for (_, s) in live.lock().expect("live connections").iter() {
            s.shutdown_read();
        }
        for t in threads {
            let _ = t.join();
        }
        if let Listener::Unix(_, path) = &self.listener {
            let _ = std::fs::remove_file(path);
        }
        drop(service); // destroys the context
        result
    }

    fn spawn(
        &self,
        stream: Stream,
        peer: String,
        id: u64,
        service: &Arc<Service>,
        live: &Live,
    ) -> io::Result<JoinHandle<()>> {
        // Accepted sockets may inherit non-blocking mode from the listener.
        match &stream {
            Stream::Unix(s) => s.set_nonblocking(false)?,
            Stream::Tcp(s) => s.set_nonblocking(false)?,
        }
        live.lock()
            .expect("live connections")
            .push((id, stream.try_clone()?));
        let (service, live, max_frame) = (service.clone(), live.clone(), self.options.max_frame);
        std::thread::Builder::new()
            .name("ffi-ipc-conn".into())
            .spawn(move || {
                eprintln!("ipc: connection from {peer} opened");
                match connection::serve(stream, &service, max_frame) {
                    Ok(n) => eprintln!("ipc: connection from {peer} closed ({n} requests)"),
                    Err(e) => eprintln!("ipc: connection from {peer} closed: {e}"),
                }
                live.lock()
                    .expect("live connections")
                    .retain(|(i, _)| *i != id);
            })
    }
}
