//! Timers for handlers.

use crate::timer::Timers;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Completes after `duration`. On a context's worker it costs no thread:
/// the worker parks until the earliest deadline. Elsewhere a helper thread
/// does the waiting.
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        at: Instant::now().checked_add(duration),
        registered: false,
    }
}

/// The future returned by [`sleep`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    /// `None` when the deadline is too far to represent: never fires.
    at: Option<Instant>,
    registered: bool,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Some(at) = self.at else {
            return Poll::Pending;
        };
        if Instant::now() >= at {
            return Poll::Ready(());
        }
        if !self.registered {
            self.registered = true;
            if let Err(waker) = Timers::register(at, cx.waker().clone()) {
                std::thread::spawn(move || {
                    std::thread::sleep(at.saturating_duration_since(Instant::now()));
                    waker.wake();
                });
            }
        }
        Poll::Pending
    }
}
