//! A connection's answers on their way out: the library's callbacks (on
//! any thread) append response frames to one buffer, and the connection's
//! writer task sends what has gathered in one write. Version 1 answers
//! are put back in request order; version 2 answers go as they come.
//!
//! Every call gets a user-data token that is never reused, so `$cancel`
//! can name a call to the library (`<lib>_cancel` matches user data by
//! value) with no risk of hitting a later call that got the same address.

use super::frame::{push_v1, push_v2};
use std::collections::{BTreeMap, HashMap};
use std::ffi::{c_char, c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::Notify;

/// Answer bytes waiting on every connection, against their bound.
pub(crate) struct Global {
    buffered: AtomicUsize,
    max: usize,
}

impl Global {
    pub(crate) fn new(max: usize) -> Self {
        Global {
            buffered: AtomicUsize::new(0),
            max,
        }
    }

    pub(crate) fn full(&self) -> bool {
        self.buffered.load(Ordering::Relaxed) >= self.max
    }
}

/// Whether a connection may start another request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Room {
    Yes,
    /// Its own limits: wait for its answers to go out.
    Full,
    /// All connections together are over the bound.
    GlobalFull,
    /// The peer is gone.
    Closed,
}

#[derive(Default)]
struct Out {
    buf: Vec<u8>,
    /// Bytes this connection holds: requests in flight (their payload
    /// size, a stand-in for what the library keeps of them) and answers
    /// not yet written (in `buf`, parked, or being written).
    buffered: usize,
    /// Requests started and not yet answered.
    in_flight: usize,
    // Version 1: answers go out in request order.
    issued: u64,
    next: u64,
    parked: BTreeMap<u64, (i32, Vec<u8>)>,
    /// Version 2: the token of each request id in flight.
    calls: HashMap<u32, u64>,
    reader_done: bool,
    failed: bool,
}

pub(crate) struct Shared {
    out: Mutex<Out>,
    writer_wake: Notify,
    pub(crate) reader_wake: Notify,
    global: Arc<Global>,
    v2: bool,
    max_in_flight: usize,
    max_buffered: usize,
    /// The connection's CBOR session (0 without sessions).
    pub(crate) session: usize,
}

impl Shared {
    pub(crate) fn new(
        v2: bool,
        global: Arc<Global>,
        max_in_flight: usize,
        max_buffered: usize,
    ) -> Self {
        Shared {
            out: Mutex::default(),
            writer_wake: Notify::new(),
            reader_wake: Notify::new(),
            global,
            v2,
            max_in_flight,
            max_buffered,
            session: 0,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Out> {
        self.out.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn room(&self) -> Room {
        let o = self.lock();
        if o.failed {
            Room::Closed
        } else if o.in_flight >= self.max_in_flight || o.buffered >= self.max_buffered {
            Room::Full
        } else if self.global.full() {
            Room::GlobalFull
        } else {
            Room::Yes
        }
    }

    pub(crate) fn is_v2(&self) -> bool {
        self.v2
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.lock().in_flight
    }

    /// Starts a request: its key (the sequence number in version 1, the
    /// id in version 2), registered under a fresh token for the callback.
    /// `Err` for a version 2 id already in flight.
    pub(crate) fn issue(self: &Arc<Self>, id: u32, cost: usize) -> Result<(u64, u64), ()> {
        let mut o = self.lock();
        let key = if self.v2 {
            if o.calls.contains_key(&id) {
                return Err(());
            }
            u64::from(id)
        } else {
            o.issued += 1;
            o.issued - 1
        };
        let token = registry::insert(self.clone(), key, cost);
        if self.v2 {
            o.calls.insert(id, token);
        }
        o.in_flight += 1;
        o.buffered += cost;
        self.global.buffered.fetch_add(cost, Ordering::Relaxed);
        Ok((key, token))
    }

    /// An answer the server makes itself (a bad frame, a control request).
    pub(crate) fn answer_now(self: &Arc<Self>, id: u32, ret: i32, body: &[u8]) {
        if self.v2 {
            // Not registered as a call: straight out, even for an id in
            // flight (a control request's own id may be anything).
            let mut o = self.lock();
            if o.failed {
                return;
            }
            let before = o.buf.len();
            push_v2(&mut o.buf, id, ret, body);
            self.added(&mut o, before);
            drop(o);
            self.writer_wake.notify_one();
        } else if let Ok((key, token)) = self.issue(id, 0) {
            registry::take(token);
            self.complete(key, token, 0, ret, body);
        }
    }

    /// The token of version 2 request `id`, if it is in flight.
    pub(crate) fn token_of(&self, id: u32) -> Option<u64> {
        self.lock().calls.get(&id).copied()
    }

    fn added(&self, o: &mut Out, before: usize) {
        let n = o.buf.len() - before;
        o.buffered += n;
        self.global.buffered.fetch_add(n, Ordering::Relaxed);
    }

    /// The answer of the call registered as `(key, token)`.
    pub(crate) fn complete(&self, key: u64, token: u64, cost: usize, ret: i32, body: &[u8]) {
        let mut guard = self.lock();
        let o = &mut *guard;
        if !o.failed {
            o.buffered -= cost;
            self.global.buffered.fetch_sub(cost, Ordering::Relaxed);
        }
        if self.v2 {
            let id = key as u32;
            if o.calls.get(&id) != Some(&token) {
                return; // answered already (cancelled without the library)
            }
            o.calls.remove(&id);
            o.in_flight -= 1;
            if o.failed {
                return;
            }
            let before = o.buf.len();
            push_v2(&mut o.buf, id, ret, body);
            self.added(o, before);
        } else {
            o.in_flight -= 1;
            if o.failed {
                return;
            }
            if key != o.next {
                o.buffered += body.len() + 8;
                self.global
                    .buffered
                    .fetch_add(body.len() + 8, Ordering::Relaxed);
                o.parked.insert(key, (ret, body.to_vec()));
                return;
            }
            let before = o.buf.len();
            push_v1(&mut o.buf, ret, body);
            self.added(o, before);
            o.next += 1;
            while let Some((ret, body)) = o.parked.remove(&o.next) {
                push_v1(&mut o.buf, ret, &body); // already counted
                o.next += 1;
            }
        }
        drop(guard);
        self.writer_wake.notify_one();
        self.reader_wake.notify_one();
    }

    /// The reader stopped: the writer leaves once every answer is out.
    pub(crate) fn reader_done(&self) {
        self.lock().reader_done = true;
        self.writer_wake.notify_one();
    }

    fn fail(&self, o: &mut Out) {
        o.failed = true;
        self.global
            .buffered
            .fetch_sub(o.buffered, Ordering::Relaxed);
        o.buffered = 0;
        o.buf = Vec::new();
        o.parked.clear();
        self.reader_wake.notify_one();
    }

    /// The writer task: sends whatever has gathered, until the reader is
    /// done and every answer is out, the peer stops reading for
    /// `write_timeout`, or a write fails.
    pub(crate) async fn write_loop<W: AsyncWrite + Unpin>(
        &self,
        mut w: W,
        write_timeout: std::time::Duration,
    ) -> W {
        let mut spare = Vec::new();
        loop {
            let out = {
                let mut o = self.lock();
                if o.failed {
                    break;
                }
                if o.buf.is_empty() {
                    if o.reader_done && o.in_flight == 0 && o.parked.is_empty() {
                        break;
                    }
                    None
                } else {
                    Some(std::mem::replace(&mut o.buf, std::mem::take(&mut spare)))
                }
            };
            let Some(mut out) = out else {
                self.writer_wake.notified().await;
                continue;
            };
            let sent = tokio::time::timeout(write_timeout, async {
                w.write_all(&out).await?;
                w.flush().await
            })
            .await;
            let mut o = self.lock();
            match sent {
                Ok(Ok(())) => {
                    o.buffered -= out.len();
                    self.global.buffered.fetch_sub(out.len(), Ordering::Relaxed);
                    out.clear();
                    if out.capacity() <= super::connection::READ_BUFFER {
                        spare = out;
                    }
                    drop(o);
                    self.reader_wake.notify_one();
                }
                _ => {
                    self.fail(&mut o);
                    break;
                }
            }
        }
        w
    }

    /// Gives up on the connection (the reader saw it fail or end early).
    pub(crate) fn abandon(&self) {
        let mut o = self.lock();
        if !o.failed {
            self.fail(&mut o);
        }
        drop(o);
        self.writer_wake.notify_one();
    }
}

/// The C callback of every call a connection makes; `ud` is its token.
pub(crate) unsafe extern "C" fn on_answer(
    ret: c_int,
    msg: *const c_char,
    len: usize,
    ud: *mut c_void,
) {
    let Some((shared, key, cost)) = registry::take(ud as u64) else {
        return;
    };
    // SAFETY: `msg` is valid for `len` bytes during the callback.
    let body = unsafe { crate::raw_slice(msg.cast::<u8>(), len) }.unwrap_or_default();
    shared.complete(key, ud as u64, cost, ret, body);
}

/// Calls in flight by token, over every connection (sharded: callbacks
/// come from many threads).
pub(crate) mod registry {
    use super::Shared;
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    const SHARDS: usize = 16;
    type Shard = Mutex<BTreeMap<u64, (Arc<Shared>, u64, usize)>>;
    static CALLS: [Shard; SHARDS] = [const { Mutex::new(BTreeMap::new()) }; SHARDS];
    static NEXT: AtomicU64 = AtomicU64::new(1);

    fn shard(token: u64) -> &'static Shard {
        &CALLS[token as usize % SHARDS]
    }

    /// A fresh token for a call of `shared` known there as `key`.
    pub(crate) fn insert(shared: Arc<Shared>, key: u64, cost: usize) -> u64 {
        let token = NEXT.fetch_add(1, Ordering::Relaxed);
        shard(token)
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token, (shared, key, cost));
        token
    }

    /// The call behind `token`, once.
    pub(crate) fn take(token: u64) -> Option<(Arc<Shared>, u64, usize)> {
        shard(token)
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&token)
    }
}
