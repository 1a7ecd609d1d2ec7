//! The worker's timer heap, reached through a thread-local so that
//! `time::sleep` needs no handle.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::task::Waker;
use std::time::Instant;

struct Entry {
    at: Instant,
    seq: u64,
    waker: Waker,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

#[derive(Default)]
struct Heap {
    entries: BinaryHeap<Reverse<Entry>>,
    seq: u64,
}

thread_local! {
    static TIMERS: RefCell<Option<Heap>> = const { RefCell::new(None) };
}

pub(crate) struct Timers;

impl Timers {
    /// Makes the current thread a timer-serving worker.
    pub(crate) fn install() {
        TIMERS.with(|t| *t.borrow_mut() = Some(Heap::default()));
    }

    /// Registers `waker` for `at` on this thread's heap; gives the waker
    /// back when this thread serves no timers.
    pub(crate) fn register(at: Instant, waker: Waker) -> Result<(), Waker> {
        TIMERS.with(|t| match t.borrow_mut().as_mut() {
            Some(heap) => {
                heap.seq += 1;
                let seq = heap.seq;
                heap.entries.push(Reverse(Entry { at, seq, waker }));
                Ok(())
            }
            None => Err(waker),
        })
    }

    pub(crate) fn take_due() -> Vec<Waker> {
        TIMERS.with(|t| {
            let mut t = t.borrow_mut();
            let Some(heap) = t.as_mut() else {
                return Vec::new();
            };
            let now = Instant::now();
            let mut due = Vec::new();
            while heap.entries.peek().is_some_and(|e| e.0.at <= now) {
                due.push(heap.entries.pop().expect("peeked").0.waker);
            }
            due
        })
    }

    pub(crate) fn next_deadline() -> Option<Instant> {
        TIMERS.with(|t| t.borrow().as_ref()?.entries.peek().map(|e| e.0.at))
    }

    pub(crate) fn any_due() -> bool {
        Self::next_deadline().is_some_and(|at| at <= Instant::now())
    }
}
