//! One worker thread per context, polling that context's async calls.
//!
//! Foreign threads submit jobs through a locked queue and unpark the
//! worker; wakers do the same with the task's key. The worker owns the
//! tasks outright, so polling needs no locks. Timers (`time::sleep`) live
//! in a heap on the worker and bound how long it parks.

use crate::reply::Reply;
use crate::timer::Timers;
use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{JoinHandle, Thread, ThreadId};
use std::time::{Duration, Instant};

/// A unit of work: polled with the call's reply slot, which it takes when
/// it finishes and answers.
pub(crate) trait Job: Send {
    fn poll_job(self: Pin<&mut Self>, cx: &mut Context<'_>, reply: &mut Option<Reply>) -> Poll<()>;
}

pub(crate) type BoxJob = Pin<Box<dyn Job>>;
pub type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A job that answers with a future's result.
pub(crate) struct CallJob<F>(pub F);

impl<F, R> Job for CallJob<F>
where
    F: Future<Output = Result<R, String>> + Send,
    R: crate::FfiType,
{
    fn poll_job(self: Pin<&mut Self>, cx: &mut Context<'_>, reply: &mut Option<Reply>) -> Poll<()> {
        // SAFETY: structural pinning of the only field.
        let fut = unsafe { self.map_unchecked_mut(|s| &mut s.0) };
        match fut.poll(cx) {
            Poll::Ready(result) => {
                if let Some(r) = reply.take() {
                    r.send(result);
                }
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A job with no reply (the teardown hook).
struct PlainJob(BoxFuture);

impl Job for PlainJob {
    fn poll_job(self: Pin<&mut Self>, cx: &mut Context<'_>, _: &mut Option<Reply>) -> Poll<()> {
        self.get_mut().0.as_mut().poll(cx)
    }
}

enum Msg {
    Spawn(BoxJob, Option<Reply>),
    Wake(u64),
    Cancel(usize),
    /// A reference the worker holds until it exits (see `keep_alive`).
    KeepAlive(Box<dyn Any + Send>),
}

struct Queue {
    msgs: Vec<Msg>,
    /// Set by `shutdown`; carries the teardown hook once, for the worker.
    closing: Option<Option<BoxFuture>>,
    closed: bool,
}

pub(crate) struct Shared {
    queue: Mutex<Queue>,
    has_msgs: AtomicBool,
    worker: OnceLock<Thread>,
}

impl Shared {
    fn push(&self, msg: Msg) -> Result<(), Msg> {
        {
            let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            if q.closed {
                return Err(msg);
            }
            q.msgs.push(msg);
        }
        self.has_msgs.store(true, Ordering::Release);
        if let Some(t) = self.worker.get() {
            t.unpark();
        }
        Ok(())
    }
}

pub(crate) struct Executor {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
    thread_id: ThreadId,
}

impl Executor {
    /// Starts the worker. `enter` runs first on the worker thread (it
    /// installs the context's thread-local scope).
    pub(crate) fn start(name: String, enter: Box<dyn FnOnce() + Send>) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                msgs: Vec::new(),
                closing: None,
                closed: false,
            }),
            has_msgs: AtomicBool::new(false),
            worker: OnceLock::new(),
        });
        let worker_shared = shared.clone();
        let handle = std::thread::Builder::new().name(name).spawn(move || {
            enter();
            Worker::new(worker_shared).run();
        })?;
        let thread_id = handle.thread().id();
        let _ = shared.worker.set(handle.thread().clone());
        Ok(Executor {
            shared,
            thread: Mutex::new(Some(handle)),
            thread_id,
        })
    }

    /// Queues a job. If the executor is shutting down the reply is failed
    /// here, on the caller's thread.
    pub(crate) fn spawn(&self, job: BoxJob, reply: Option<Reply>) {
        if let Err(Msg::Spawn(job, reply)) = self.shared.push(Msg::Spawn(job, reply)) {
            drop(job);
            if let Some(r) = reply {
                r.fail(crate::abi::DESTROYED);
            }
        }
    }

    /// Makes the worker hold `value` until it has dropped every task, so
    /// that tasks may borrow what `value` keeps alive.
    pub(crate) fn keep_alive(&self, value: Box<dyn Any + Send>) {
        let _ = self.shared.push(Msg::KeepAlive(value));
    }

    pub(crate) fn cancel(&self, user_data: usize) {
        let _ = self.shared.push(Msg::Cancel(user_data));
    }

    pub(crate) fn is_worker_thread(&self) -> bool {
        std::thread::current().id() == self.thread_id
    }

    /// Fails every queued and running call, runs `teardown` to completion,
    /// and joins the worker (unless called from the worker itself, which
    /// then exits once the current poll returns).
    pub(crate) fn shutdown(&self, teardown: Option<BoxFuture>) {
        {
            let mut q = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
            if q.closed {
                return;
            }
            q.closed = true;
            q.closing = Some(teardown);
        }
        self.shared.has_msgs.store(true, Ordering::Release);
        if let Some(t) = self.shared.worker.get() {
            t.unpark();
        }
        if self.is_worker_thread() {
            return;
        }
        let handle = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}

/// Wakes one task by its key. A slot's waker is reused by the slot's next
/// task once no clone of it is left (the key is updated then).
struct TaskWaker {
    key: AtomicU64,
    scheduled: AtomicBool,
    shared: Arc<Shared>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.scheduled.swap(true, Ordering::AcqRel) {
            let _ = self
                .shared
                .push(Msg::Wake(self.key.load(Ordering::Acquire)));
        }
    }
}

struct Task {
    job: BoxJob,
    reply: Option<Reply>,
    waker: Arc<TaskWaker>,
    user_data: Option<usize>,
}

struct Worker {
    shared: Arc<Shared>,
    /// The message buffer swapped with the queue's, so that steady traffic
    /// allocates nothing.
    spare: Vec<Msg>,
    /// Each slot's waker, kept for its next task.
    wakers: Vec<Option<Arc<TaskWaker>>>,
    tasks: Vec<Option<Task>>,
    generations: Vec<u32>,
    free: Vec<u32>,
    live: usize,
    /// Dropped last, after every task (fields drop in declaration order).
    keep_alive: Option<Box<dyn Any + Send>>,
}

/// How long an idle worker keeps checking for new work before it parks.
/// Waking a parked thread costs tens of microseconds on a virtual machine;
/// a short spin catches back-to-back calls. `RSFFI_SPIN_US` overrides it
/// (0 disables spinning, which makes instruction counts reproducible).
fn spin_window() -> Duration {
    static SPIN: OnceLock<Duration> = OnceLock::new();
    *SPIN.get_or_init(|| {
        let us = std::env::var("RSFFI_SPIN_US")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(50);
        Duration::from_micros(us)
    })
}

impl Worker {
    fn new(shared: Arc<Shared>) -> Self {
        Worker {
            shared,
            spare: Vec::new(),
            wakers: Vec::new(),
            tasks: Vec::new(),
            generations: Vec::new(),
            free: Vec::new(),
            live: 0,
            keep_alive: None,
        }
    }

    fn run(mut self) {
        Timers::install();
        loop {
            let (mut msgs, closing) = self.take_msgs();
            for msg in msgs.drain(..) {
                self.handle(msg);
            }
            self.spare = msgs;
            if let Some(teardown) = closing {
                self.teardown(teardown);
                return;
            }
            for waker in Timers::take_due() {
                waker.wake();
            }
            self.idle();
        }
    }

    fn take_msgs(&mut self) -> (Vec<Msg>, Option<Option<BoxFuture>>) {
        self.shared.has_msgs.store(false, Ordering::Release);
        let mut msgs = std::mem::take(&mut self.spare);
        let mut q = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::swap(&mut q.msgs, &mut msgs);
        (msgs, q.closing.take())
    }

    fn idle(&self) {
        if self.shared.has_msgs.load(Ordering::Acquire) || Timers::any_due() {
            return;
        }
        let window = spin_window();
        if !window.is_zero() {
            let start = Instant::now();
            loop {
                for _ in 0..64 {
                    std::hint::spin_loop();
                    if self.shared.has_msgs.load(Ordering::Acquire) {
                        return;
                    }
                }
                if start.elapsed() >= window {
                    break;
                }
            }
        }
        match Timers::next_deadline() {
            Some(at) => {
                let now = Instant::now();
                if at > now {
                    std::thread::park_timeout(at - now);
                }
            }
            None => std::thread::park(),
        }
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Spawn(job, reply) => {
                let user_data = reply.as_ref().map(Reply::user_data);
                let key = self.insert(job, reply, user_data);
                self.poll(key);
            }
            Msg::Wake(key) => self.poll(key),
            Msg::KeepAlive(value) => self.keep_alive = Some(value),
            Msg::Cancel(ud) => {
                let keys: Vec<u64> = self.live_keys(|t| t.user_data == Some(ud));
                for key in keys {
                    self.fail(key, "call cancelled");
                }
            }
        }
    }

    fn insert(&mut self, job: BoxJob, reply: Option<Reply>, user_data: Option<usize>) -> u64 {
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.tasks.push(None);
                self.generations.push(0);
                self.wakers.push(None);
                (self.tasks.len() - 1) as u32
            }
        };
        let key = (u64::from(self.generations[index as usize]) << 32) | u64::from(index);
        let waker = match self.wakers[index as usize].take() {
            // Only this slot holds it: no stale clone can wake the new task.
            Some(w) if Arc::strong_count(&w) == 1 => {
                w.key.store(key, Ordering::Release);
                w.scheduled.store(false, Ordering::Release);
                w
            }
            _ => Arc::new(TaskWaker {
                key: AtomicU64::new(key),
                scheduled: AtomicBool::new(false),
                shared: self.shared.clone(),
            }),
        };
        self.tasks[index as usize] = Some(Task {
            job,
            reply,
            waker,
            user_data,
        });
        self.live += 1;
        key
    }

    fn slot(&mut self, key: u64) -> Option<usize> {
        let index = (key & 0xffff_ffff) as usize;
        let generation = (key >> 32) as u32;
        (self.generations.get(index) == Some(&generation) && self.tasks[index].is_some())
            .then_some(index)
    }

    fn remove(&mut self, index: usize) -> Task {
        let task = self.tasks[index].take().expect("live task");
        self.wakers[index] = Some(task.waker.clone());
        self.generations[index] = self.generations[index].wrapping_add(1);
        self.free.push(index as u32);
        self.live -= 1;
        task
    }

    fn live_keys(&self, pred: impl Fn(&Task) -> bool) -> Vec<u64> {
        self.tasks
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let t = t.as_ref()?;
                pred(t).then(|| (u64::from(self.generations[i]) << 32) | i as u64)
            })
            .collect()
    }

    fn poll(&mut self, key: u64) {
        let Some(index) = self.slot(key) else { return };
        let task = self.tasks[index].as_mut().expect("live task");
        task.waker.scheduled.store(false, Ordering::Release);
        let waker = Waker::from(task.waker.clone());
        let mut cx = Context::from_waker(&waker);
        let job = task.job.as_mut();
        let reply = &mut task.reply;
        match catch_unwind(AssertUnwindSafe(|| job.poll_job(&mut cx, reply))) {
            Ok(Poll::Pending) => {}
            Ok(Poll::Ready(())) => {
                drop_quietly(self.remove(index));
            }
            Err(panic) => {
                let msg = format!("handler panicked: {}", panic_message(&*panic));
                let mut task = self.remove(index);
                let reply = task.reply.take();
                drop_quietly(task);
                if let Some(r) = reply {
                    r.fail(&msg);
                }
            }
        }
    }

    /// Drops a task's future, then fails its reply.
    fn fail(&mut self, key: u64, msg: &str) {
        let Some(index) = self.slot(key) else { return };
        let mut task = self.remove(index);
        let reply = task.reply.take();
        drop_quietly(task);
        if let Some(r) = reply {
            r.fail(msg);
        }
    }

    fn teardown(mut self, hook: Option<BoxFuture>) {
        let msg = crate::abi::DESTROYED;
        let (rest, _) = self.take_msgs();
        for m in rest {
            match m {
                Msg::Spawn(job, reply) => {
                    drop_quietly(job);
                    if let Some(r) = reply {
                        r.fail(msg);
                    }
                }
                Msg::KeepAlive(value) => self.keep_alive = Some(value),
                Msg::Wake(_) | Msg::Cancel(_) => {}
            }
        }
        for key in self.live_keys(|_| true) {
            self.fail(key, msg);
        }
        if let Some(hook) = hook {
            self.run_to_completion(Box::pin(PlainJob(hook)));
        }
    }

    /// Polls one job until it finishes, serving only its wakes and timers.
    fn run_to_completion(&mut self, job: BoxJob) {
        let key = self.insert(job, None, None);
        self.poll(key);
        while self.live > 0 {
            let (msgs, _) = self.take_msgs();
            for m in msgs {
                if let Msg::Wake(k) = m {
                    self.poll(k);
                }
            }
            for waker in Timers::take_due() {
                waker.wake();
            }
            if self.live > 0 {
                self.idle();
            }
        }
    }
}

/// Drops user values (futures, replies' captured state) without letting a
/// panicking destructor unwind through the worker.
fn drop_quietly<T>(value: T) {
    let _ = catch_unwind(AssertUnwindSafe(move || drop(value)));
}

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}
