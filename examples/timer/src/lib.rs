//! A timer, exported to Go, C and C++: the example every binding is
//! checked against.

use ffi_core::prelude::*;
use std::time::Duration;

/// Longest delay `echo` accepts.
pub const MAX_DELAY_MS: i64 = 5_000;
/// Backoff used when a retry policy leaves it at zero.
pub const DEFAULT_BACKOFF_MS: i64 = 250;

/// One timer. The context owns exactly one value of this type.
#[ffi_library(name = "my_timer")]
pub struct MyTimer {
    name: String,
}

#[ffi_type]
pub struct TimerConfig {
    pub name: String,
}

#[ffi_type]
pub struct EchoRequest {
    pub message: String,
    /// How long the worker sleeps before answering.
    pub delay_ms: i64,
}

#[ffi_type]
pub struct EchoResponse {
    pub echoed: String,
    /// The timer's own name, proving handlers see the state.
    pub timer_name: String,
}

#[ffi_type]
pub struct EchoEvent {
    pub message: String,
    pub echo_count: i64,
}

#[ffi_type]
pub struct ComplexRequest {
    pub messages: Vec<EchoRequest>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub retries: Option<i64>,
}

#[ffi_type]
pub struct ComplexResponse {
    pub summary: String,
    pub item_count: i64,
    pub has_note: bool,
}

#[ffi_type]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    Low,
    Normal,
    High,
}

#[ffi_type]
pub struct JobSpec {
    pub name: String,
    pub payload: Vec<String>,
    pub priority: Priority,
}

#[ffi_type]
pub struct RetryPolicy {
    pub max_attempts: i64,
    pub backoff_ms: i64,
    /// Error keywords that trigger a retry.
    pub retry_on: Vec<String>,
}

#[ffi_type]
pub struct ScheduleConfig {
    pub start_at_ms: i64,
    /// 0 means "run once".
    pub interval_ms: i64,
    pub jitter: Option<i64>,
}

#[ffi_type]
pub struct ScheduleResult {
    pub job_id: String,
    pub will_run_count: i64,
    pub first_run_at_ms: i64,
    pub effective_backoff_ms: i64,
    pub priority: Priority,
}

/// Creates the timer.
#[ffi_ctor]
pub async fn create(config: TimerConfig) -> Result<MyTimer, String> {
    sleep(Duration::from_millis(1)).await;
    Ok(MyTimer { name: config.name })
}

/// Sleeps `delay_ms`, then echoes the message with the timer's name.
#[ffi]
pub async fn echo(timer: &MyTimer, req: EchoRequest) -> Result<EchoResponse, String> {
    if req.delay_ms > MAX_DELAY_MS {
        return Err(format!("delayMs must not exceed {MAX_DELAY_MS}"));
    }
    if req.delay_ms > 0 {
        sleep(Duration::from_millis(req.delay_ms as u64)).await;
    }
    echo_fired(EchoEvent {
        message: req.message.clone(),
        echo_count: 1,
    });
    Ok(EchoResponse {
        echoed: req.message,
        timer_name: timer.name.clone(),
    })
}

/// The library's version.
#[ffi]
pub fn version(_timer: &MyTimer) -> Result<String, String> {
    Ok("my_timer v0.1.0".to_string())
}

/// Summarises a request with nested vectors and options.
#[ffi]
pub async fn complex(_timer: &MyTimer, req: ComplexRequest) -> Result<ComplexResponse, String> {
    let note = req.note.as_deref().unwrap_or("<none>");
    let retries = req.retries.unwrap_or(0);
    let count = req.messages.len() as i64;
    Ok(ComplexResponse {
        summary: format!("received {count} messages, note={note}, retries={retries}"),
        item_count: count,
        has_note: req.note.is_some(),
    })
}

/// Schedules a job: three struct parameters in one call.
#[ffi]
pub async fn schedule(
    timer: &MyTimer,
    job: JobSpec,
    retry: RetryPolicy,
    schedule: ScheduleConfig,
) -> Result<ScheduleResult, String> {
    sleep(Duration::from_millis(1)).await;
    if job.name.is_empty() {
        return Err("job name must not be empty".into());
    }
    if retry.max_attempts <= 0 {
        return Err("retry.maxAttempts must be positive".into());
    }
    let will_run_count = if schedule.interval_ms > 0 {
        (60_000 / schedule.interval_ms).max(1)
    } else {
        1
    };
    let job_id = format!("{}:{}", timer.name, job.name);
    Ok(ScheduleResult {
        job_id,
        will_run_count,
        first_run_at_ms: schedule.start_at_ms + schedule.jitter.unwrap_or(0),
        effective_backoff_ms: effective_backoff(job.priority, retry.backoff_ms),
        priority: job.priority,
    })
}

fn effective_backoff(priority: Priority, backoff_ms: i64) -> i64 {
    let base = if backoff_ms > 0 {
        backoff_ms
    } else {
        DEFAULT_BACKOFF_MS
    };
    match priority {
        Priority::High => base / 2,
        Priority::Normal => base,
        Priority::Low => base * 2,
    }
}

/// Fired by `echo` once its answer is ready.
#[ffi_event]
pub fn echo_fired(evt: EchoEvent);

/// Where a job started with `start_job` stands.
#[ffi_type]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Pending,
    Done,
    Cancelled,
}

/// A job the timer runs once its delay has passed. The host holds it,
/// asks its status, cancels it or waits for it, and closes it.
#[ffi_object]
pub struct Job {
    id: String,
    due: std::time::Instant,
    cancelled: std::sync::atomic::AtomicBool,
}

#[ffi]
impl MyTimer {
    /// Starts a job named `name` that is done after `delay_ms`.
    pub fn start_job(&self, name: String, delay_ms: u64) -> Result<Job, String> {
        if name.is_empty() {
            return Err("job name must not be empty".into());
        }
        Ok(Job {
            id: format!("{}:{name}", self.name),
            due: std::time::Instant::now() + Duration::from_millis(delay_ms),
            cancelled: std::sync::atomic::AtomicBool::new(false),
        })
    }
}

#[ffi]
impl Job {
    /// `<timer name>:<job name>`.
    pub fn id(&self) -> Result<String, String> {
        Ok(self.id.clone())
    }

    pub fn status(&self) -> Result<JobStatus, String> {
        Ok(self.current())
    }

    /// Cancels the job; whether it was still pending.
    pub fn cancel(&self) -> Result<bool, String> {
        let pending = self.current() == JobStatus::Pending;
        if pending {
            self.cancelled
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(pending)
    }

    /// Waits, on the timer's worker, until the job is done or cancelled.
    pub async fn wait(&self) -> Result<JobStatus, String> {
        loop {
            let status = self.current();
            if status != JobStatus::Pending {
                return Ok(status);
            }
            let left = self
                .due
                .saturating_duration_since(std::time::Instant::now());
            sleep(left.min(Duration::from_millis(5))).await;
        }
    }
}

impl Job {
    fn current(&self) -> JobStatus {
        if self.cancelled.load(std::sync::atomic::Ordering::SeqCst) {
            JobStatus::Cancelled
        } else if std::time::Instant::now() >= self.due {
            JobStatus::Done
        } else {
            JobStatus::Pending
        }
    }
}
