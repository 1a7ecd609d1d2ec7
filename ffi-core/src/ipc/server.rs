//! The listening side: a tokio runtime with a bounded number of threads
//! accepts connections until shut down, then gives the connections a
//! grace period to deliver the answers in flight.

use super::connection::{self, Common, Summary};
use super::limits::{Limits, open_file_limit};
use super::log::{info, warn};
use super::output::Global;
use super::service::Service;
use super::tls;
use std::io;
use std::net::ToSocketAddrs;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

/// Options of a [`Server`].
#[derive(Clone)]
pub struct Builder {
    limits: Limits,
    signals: bool,
    tls: Option<Arc<rustls::ServerConfig>>,
    token: Option<Vec<u8>>,
    threads: usize,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            limits: Limits::default(),
            signals: false,
            tls: None,
            token: None,
            threads: 2,
        }
    }
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("limits", &self.limits)
            .field("signals", &self.signals)
            .field("tls", &self.tls.is_some())
            .field("token", &self.token.is_some())
            .field("threads", &self.threads)
            .finish()
    }
}

impl Builder {
    /// The largest request accepted, counting `method_len + payload_len`.
    pub fn max_frame(mut self, bytes: u64) -> Self {
        self.limits.max_frame = bytes;
        self
    }

    /// Every limit at once.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Also shut down on SIGINT or SIGTERM (for server programs).
    pub fn handle_signals(mut self, yes: bool) -> Self {
        self.signals = yes;
        self
    }

    /// Speaks TLS (rustls), with the certificate chain and private key in
    /// these PEM files.
    pub fn tls(mut self, cert: &Path, key: &Path) -> io::Result<Self> {
        self.tls = Some(tls::server_config(cert, key)?);
        Ok(self)
    }

    /// Requires this bearer token in the version 2 hello (compared in
    /// constant time); version 1 clients, which cannot send one, are
    /// refused.
    pub fn token(mut self, token: impl Into<Vec<u8>>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The runtime's worker threads (default 2): the server's thread
    /// count does not grow with connections.
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n.max(1);
        self
    }

    /// Listens on a Unix socket at `path`, created with mode 0600. A
    /// socket file left by a server that is gone is replaced; one that a
    /// live server answers on is not (`AddrInUse`), nor is any other kind
    /// of file. The file is removed when the server stops.
    pub fn bind_unix(self, path: impl AsRef<Path>) -> io::Result<Server> {
        let path = path.as_ref().to_path_buf();
        if let Ok(meta) = std::fs::symlink_metadata(&path) {
            if !meta.file_type().is_socket() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists and is not a socket", path.display()),
                ));
            }
            match std::os::unix::net::UnixStream::connect(&path) {
                Ok(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::AddrInUse,
                        format!("a server is already listening on {}", path.display()),
                    ));
                }
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                    std::fs::remove_file(&path)?; // stale: its server is gone
                }
                Err(e) => return Err(e),
            }
        }
        let listener = bind_private(&path)?;
        listener.set_nonblocking(true)?;
        let ino = std::fs::metadata(&path)?.ino();
        let addr = format!("unix:{}", path.display());
        Ok(self.server(Listener::Unix(listener, path, ino), addr))
    }

    /// Listens on TCP, e.g. `"127.0.0.1:0"` for an ephemeral port (see
    /// [`Server::local_addr`]).
    pub fn bind_tcp(self, addr: impl ToSocketAddrs) -> io::Result<Server> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?.to_string();
        Ok(self.server(Listener::Tcp(listener), addr))
    }

    fn server(self, listener: Listener, addr: String) -> Server {
        Server {
            listener,
            addr,
            options: self,
            stop: Arc::new(watch::channel(false).0),
        }
    }
}

/// Binds a Unix socket that is mode 0600 from the moment it appears at
/// `path`: it is bound inside a fresh 0700 directory beside `path`,
/// given its mode there, then renamed into place. (Setting the umask
/// instead would race with other threads of the process creating files.)
fn bind_private(path: &Path) -> io::Result<std::os::unix::net::UnixListener> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let private = dir.join(format!(".ffi-ipc-{}-{:x}", std::process::id(), {
        use std::hash::{BuildHasher, RandomState};
        RandomState::new().hash_one(path)
    }));
    std::fs::DirBuilder::new().mode(0o700).create(&private)?;
    let result = (|| {
        let tmp = private.join("s");
        let listener = std::os::unix::net::UnixListener::bind(&tmp)?;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
        std::fs::rename(&tmp, path)?;
        Ok(listener)
    })();
    let _ = std::fs::remove_dir_all(&private);
    result
}

enum Listener {
    Unix(std::os::unix::net::UnixListener, PathBuf, u64),
    Tcp(std::net::TcpListener),
}

enum Live {
    Unix(UnixListener),
    Tcp(TcpListener),
}

enum Conn {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Live {
    async fn accept(&self) -> io::Result<(Conn, String)> {
        match self {
            Live::Unix(l) => l
                .accept()
                .await
                .map(|(s, _)| (Conn::Unix(s), "unix".into())),
            Live::Tcp(l) => l.accept().await.map(|(s, peer)| {
                let _ = s.set_nodelay(true);
                (Conn::Tcp(s), peer.to_string())
            }),
        }
    }
}

/// Stops a running [`Server`] from another thread.
#[derive(Debug, Clone)]
pub struct ShutdownHandle(Arc<watch::Sender<bool>>);

impl ShutdownHandle {
    /// Asks the server to stop; [`Server::serve`] returns once in-flight
    /// requests are answered (or the grace period is over).
    pub fn shutdown(&self) {
        self.0.send_replace(true);
    }
}

/// A bound socket serving one context's CBOR ABI.
pub struct Server {
    listener: Listener,
    addr: String,
    options: Builder,
    stop: Arc<watch::Sender<bool>>,
}

/// Accept errors that say "not now" (out of file descriptors or memory,
/// a peer gone before it was accepted): logged, waited out, never fatal.
fn transient(e: &io::Error) -> bool {
    const ECONNABORTED: i32 = 103;
    const EMFILE: i32 = 24;
    const ENFILE: i32 = 23;
    const ENOBUFS: i32 = 105;
    const ENOMEM: i32 = 12;
    const EPROTO: i32 = 71;
    const EPERM: i32 = 1;
    const ECONNRESET: i32 = 104;
    matches!(
        e.raw_os_error(),
        Some(ECONNABORTED | EMFILE | ENFILE | ENOBUFS | ENOMEM | EPROTO | EPERM | ECONNRESET)
    ) || matches!(
        e.kind(),
        io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock | io::ErrorKind::ConnectionAborted
    )
}

fn out_of_files(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(23 | 24))
}

/// Answers a client that cannot be served (`[RET_ERR][len][why]`, which
/// is an answer in both versions) and closes it, without blocking.
fn refuse(conn: Conn, why: &str, plaintext: bool) {
    use std::io::{Read, Write};
    let mut frame = Vec::new();
    super::frame::push_v1(&mut frame, crate::abi::RET_ERR, why.as_bytes());
    let mut junk = [0u8; 4096];
    macro_rules! answer {
        ($s:expr) => {{
            if let Ok(mut s) = $s.into_std() {
                if plaintext {
                    let _ = s.write(&frame);
                }
                let _ = s.read(&mut junk); // what it sent already: no reset
                let _ = s.shutdown(std::net::Shutdown::Write);
            }
        }};
    }
    match conn {
        Conn::Unix(s) => answer!(s),
        Conn::Tcp(s) => answer!(s),
    }
}

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
    /// signal): stops accepting, gives every connection the grace period
    /// to deliver the answers in flight, closes the rest, removes the
    /// socket file, and destroys the context.
    pub fn serve(self, service: Service) -> io::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(self.options.threads)
            .max_blocking_threads(1)
            .thread_name("ffi-ipc")
            .enable_all()
            .build()?;
        let socket_file = match &self.listener {
            Listener::Unix(_, path, ino) => Some((path.clone(), *ino)),
            Listener::Tcp(_) => None,
        };
        let service = Arc::new(service);
        let result = runtime.block_on(self.run(service.clone()));
        runtime.shutdown_timeout(Duration::from_millis(100));
        if let Some((path, ino)) = socket_file {
            // Only our own file: another server may have taken the path.
            if std::fs::metadata(&path).is_ok_and(|m| m.ino() == ino) {
                let _ = std::fs::remove_file(&path);
            }
        }
        drop(service); // destroys the context
        result
    }

    async fn run(self, service: Arc<Service>) -> io::Result<()> {
        let Server {
            listener,
            addr,
            options,
            stop,
        } = self;
        let live = match listener {
            Listener::Unix(l, ..) => Live::Unix(UnixListener::from_std(l)?),
            Listener::Tcp(l) => Live::Tcp(TcpListener::from_std(l)?),
        };
        if options.signals {
            let stop = stop.clone();
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            let mut int =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
            tokio::spawn(async move {
                let which = tokio::select! {
                    _ = term.recv() => "SIGTERM",
                    _ = int.recv() => "SIGINT",
                };
                info!("signal", signal = which);
                stop.send_replace(true);
            });
        }
        let limits = options.limits.clone();
        if let Some(files) = open_file_limit()
            && limits.max_connections as u64 + 32 > files
        {
            warn!(
                "limits",
                note = "max_connections is over what the open-file limit allows; the excess is refused when files run out",
                max_connections = limits.max_connections,
                open_files = files,
            );
        }
        let common = Arc::new(Common {
            fingerprint: service.fingerprint(),
            service,
            token: options.token.clone(),
            global: Arc::new(Global::new(limits.max_buffered_total)),
            limits: limits.clone(),
        });
        let tls = options.tls.clone().map(tokio_rustls::TlsAcceptor::from);
        let plaintext = tls.is_none();
        info!(
            "listening",
            addr = addr,
            library = common.service.library(),
            tls = tls.is_some(),
            token = options.token.is_some(),
            max_connections = limits.max_connections,
            threads = options.threads,
        );
        let permits = Arc::new(Semaphore::new(limits.max_connections));
        let mut tasks = JoinSet::new();
        let mut spare = std::fs::File::open("/dev/null").ok();
        let mut stop_rx = stop.subscribe();
        let mut ids = 0u64;
        let mut backoff = Duration::from_millis(5);
        let result = loop {
            while tasks.try_join_next().is_some() {}
            let accepted = tokio::select! {
                biased;
                _ = super::stopped(&mut stop_rx) => break Ok(()),
                r = live.accept() => r,
            };
            let (conn, peer) = match accepted {
                Ok(c) => {
                    backoff = Duration::from_millis(5);
                    c
                }
                Err(e) if transient(&e) => {
                    warn!("accept_error", error = e, action = "retry");
                    // Out of files: the spare descriptor makes room to
                    // accept one waiting client and tell it why.
                    if out_of_files(&e) && spare.take().is_some() {
                        let waiting =
                            tokio::time::timeout(Duration::from_millis(10), live.accept()).await;
                        if let Ok(Ok((conn, peer))) = waiting {
                            warn!("refused", peer = peer, reason = "out of file descriptors");
                            refuse(conn, "server busy: out of file descriptors", plaintext);
                            spare = std::fs::File::open("/dev/null").ok();
                            continue; // more may be waiting: no pause
                        }
                    }
                    if spare.is_none() {
                        spare = std::fs::File::open("/dev/null").ok();
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_millis(200));
                    continue;
                }
                Err(e) => {
                    warn!("accept_error", error = e, action = "stop");
                    break Err(e);
                }
            };
            ids += 1;
            let id = ids;
            let Ok(permit) = permits.clone().try_acquire_owned() else {
                warn!(
                    "refused",
                    conn = id,
                    peer = peer,
                    reason = "connection limit"
                );
                let why = format!(
                    "server busy: too many connections (limit {})",
                    limits.max_connections
                );
                refuse(conn, &why, plaintext);
                continue;
            };
            let (common, stop_rx, tls) = (common.clone(), stop.subscribe(), tls.clone());
            tasks.spawn(async move {
                let _permit = permit;
                connection::log_start(id, &peer);
                let summary = serve_conn(conn, tls, common, stop_rx, id).await;
                connection::log_end(id, &peer, &summary);
            });
        };
        drop(live); // no more connections
        let grace = limits.shutdown_grace;
        let drained =
            tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await;
        if drained.is_err() {
            warn!(
                "shutdown",
                note = "grace period over; closing the remaining connections",
                connections = tasks.len(),
            );
        }
        tasks.abort_all();
        info!("stopped", addr = addr);
        result
    }
}

async fn serve_conn(
    conn: Conn,
    tls: Option<tokio_rustls::TlsAcceptor>,
    common: Arc<Common>,
    stop: watch::Receiver<bool>,
    id: u64,
) -> Summary {
    match (conn, tls) {
        (Conn::Unix(s), None) => {
            let (r, w) = s.into_split();
            connection::serve(r, w, common, stop, id).await
        }
        (Conn::Tcp(s), None) => {
            let (r, w) = s.into_split();
            connection::serve(r, w, common, stop, id).await
        }
        (conn, Some(tls)) => {
            let handshake = common.limits.handshake_timeout;
            let stream = match conn {
                Conn::Unix(s) => tokio::time::timeout(handshake, tls.accept(s))
                    .await
                    .map(|r| r.map(|t| Box::new(t) as Box<dyn Io>)),
                Conn::Tcp(s) => tokio::time::timeout(handshake, tls.accept(s))
                    .await
                    .map(|r| r.map(|t| Box::new(t) as Box<dyn Io>)),
            };
            match stream {
                Ok(Ok(s)) => {
                    let (r, w) = tokio::io::split(s);
                    connection::serve(r, w, common, stop, id).await
                }
                Ok(Err(e)) => {
                    warn!("tls_error", conn = id, error = e);
                    Summary {
                        version: 0,
                        requests: 0,
                        reason: "TLS handshake failed",
                    }
                }
                Err(_) => Summary {
                    version: 0,
                    requests: 0,
                    reason: "handshake timeout",
                },
            }
        }
    }
}

trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}
