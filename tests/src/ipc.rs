//! A minimal client of the IPC framing for the tests: requests
//! `[u32 method_len][method][u32 payload_len][payload]`, responses
//! `[i32 ret][u32 len][body]`, all big-endian.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// A connection to an IPC server, over either socket family.
pub struct IpcClient {
    stream: Box<dyn Stream>,
}

pub trait Stream: Read + Write + Send {
    fn clone_box(&self) -> io::Result<Box<dyn Stream>>;
}

impl Stream for UnixStream {
    fn clone_box(&self) -> io::Result<Box<dyn Stream>> {
        Ok(Box::new(self.try_clone()?))
    }
}

impl Stream for TcpStream {
    fn clone_box(&self) -> io::Result<Box<dyn Stream>> {
        Ok(Box::new(self.try_clone()?))
    }
}

/// A request frame.
pub fn frame(method: &str, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&(method.len() as u32).to_be_bytes());
    f.extend_from_slice(method.as_bytes());
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// A fresh Unix socket path under the temp dir (short enough for
/// `sun_path`).
pub fn temp_socket(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("rsffi-{tag}-{}-{n}.sock", std::process::id()))
}

impl IpcClient {
    /// Connects to `unix:<path>` or `host:port` (what `Server::local_addr`
    /// prints). Reads time out after 30 s so a broken server fails the test.
    pub fn connect(addr: &str) -> io::Result<IpcClient> {
        let stream: Box<dyn Stream> = match addr.strip_prefix("unix:") {
            Some(path) => {
                let s = UnixStream::connect(path)?;
                s.set_read_timeout(Some(Duration::from_secs(30)))?;
                Box::new(s)
            }
            None => {
                let s = TcpStream::connect(addr)?;
                s.set_read_timeout(Some(Duration::from_secs(30)))?;
                Box::new(s)
            }
        };
        Ok(IpcClient { stream })
    }

    /// A second handle on the same connection (e.g. a writer thread).
    pub fn try_clone(&self) -> io::Result<IpcClient> {
        Ok(IpcClient {
            stream: self.stream.clone_box()?,
        })
    }

    pub fn send(&mut self, method: &str, payload: &[u8]) -> io::Result<()> {
        self.stream.write_all(&frame(method, payload))
    }

    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)
    }

    /// The next response; `UnexpectedEof` when the server closed.
    pub fn recv(&mut self) -> io::Result<(i32, Vec<u8>)> {
        let mut head = [0u8; 8];
        self.stream.read_exact(&mut head)?;
        let ret = i32::from_be_bytes(head[..4].try_into().unwrap());
        let len = u32::from_be_bytes(head[4..].try_into().unwrap());
        let mut body = vec![0; len as usize];
        self.stream.read_exact(&mut body)?;
        Ok((ret, body))
    }

    pub fn call(&mut self, method: &str, payload: &[u8]) -> io::Result<(i32, Vec<u8>)> {
        self.send(method, payload)?;
        self.recv()
    }

    /// Whether the server has closed the connection (reads end of input).
    pub fn is_closed(&mut self) -> bool {
        let mut b = [0u8; 1];
        matches!(self.stream.read(&mut b), Ok(0) | Err(_))
    }
}

/// A server running on its own thread; stopped and joined on drop.
pub struct Running {
    /// `unix:<path>` or `<host>:<port>`, as the server reports it.
    pub addr: String,
    stop: ffi_core::ipc::ShutdownHandle,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.shutdown();
        if let Some(t) = self.thread.take() {
            t.join().expect("server thread").expect("server result");
        }
    }
}

/// Serves `service` with `server` on a thread of its own.
pub fn start(server: ffi_core::ipc::Server, service: ffi_core::ipc::Service) -> Running {
    let addr = server.local_addr().to_string();
    let stop = server.shutdown_handle();
    let thread = std::thread::spawn(move || server.serve(service));
    Running {
        addr,
        stop,
        thread: Some(thread),
    }
}

/// The `ffi-serve` program, built with the libraries.
pub fn ffi_serve_exe() -> PathBuf {
    crate::build_libraries();
    crate::lib_dir().join("ffi-serve")
}

/// The shared object of a library under test (`my_timer`, `fixture`).
pub fn cdylib(name: &str) -> PathBuf {
    crate::build_libraries();
    crate::lib_dir().join(format!("lib{name}.so"))
}

/// An `ffi-serve` process: started by [`Served::start`], its stderr
/// collected; stopped with SIGTERM on drop.
pub struct Served {
    pub child: std::process::Child,
    /// `unix:<path>` or `host:port`.
    pub addr: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    /// Runs `shell_prefix ffi-serve args...` (the prefix, e.g. `ulimit -n
    /// 1024 &&`, runs in `sh`) and waits for its `event=listening` line.
    pub fn start_with(shell_prefix: &str, args: &[&str]) -> Served {
        use std::io::BufRead;
        let exe = ffi_serve_exe();
        let script = format!("{shell_prefix} exec \"$0\" \"$@\"");
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(&exe)
            .args(args)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("ffi-serve");
        let mut stderr = io::BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        let mut line = String::new();
        let addr = loop {
            line.clear();
            if stderr.read_line(&mut line).unwrap() == 0 {
                let status = child.wait().unwrap();
                panic!("ffi-serve exited ({status}) before listening:\n{first}");
            }
            first.push_str(&line);
            if line.contains("event=listening") {
                let addr = line
                    .split(' ')
                    .find_map(|f| f.strip_prefix("addr="))
                    .expect("addr=")
                    .to_string();
                break addr;
            }
        };
        let log = std::sync::Arc::new(std::sync::Mutex::new(first));
        let reader = {
            let log = log.clone();
            std::thread::spawn(move || {
                let mut line = Vec::new();
                while stderr.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
                    log.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&line));
                    line.clear();
                }
            })
        };
        Served {
            child,
            addr,
            log,
            reader: Some(reader),
        }
    }

    pub fn start(args: &[&str]) -> Served {
        Self::start_with("", args)
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits up to 5 s for a log line containing `needle` (a connection
    /// is logged as closed just after its socket closes).
    pub fn wait_log(&self, needle: &str) -> bool {
        let t = std::time::Instant::now();
        while t.elapsed() < Duration::from_secs(5) {
            if self.log().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Sends SIGTERM and waits; the exit status, how long it took, and
    /// the whole log.
    pub fn stop(mut self) -> (std::process::ExitStatus, Duration, String) {
        let t = std::time::Instant::now();
        self.term();
        let status = self.child.wait().unwrap();
        let took = t.elapsed();
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        (status, took, self.log())
    }

    fn term(&self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
    }

    /// A value of `/proc/<pid>/status` (e.g. `VmHWM`, `Threads`), as a
    /// number (kB for sizes).
    pub fn status_field(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{field} in {status}"))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if self.reader.is_some() {
            self.term();
            let _ = self.child.wait();
        }
    }
}
