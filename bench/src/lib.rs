//! The benchmark library: an ordinary rsffi library (what the generated
//! C, Go and CBOR bindings are measured on), plus hand-written baselines
//! in [`baseline`] that do the same job without the runtime.
//!
//! The driver (`cargo run --release -p bench`) measures both in one run
//! and prints the ratios; see `BENCHMARKS.md` at the workspace root.

pub mod baseline;

use ffi_core::prelude::*;

/// The benchmark context: no state worth the name.
#[ffi_library(name = "benchlib")]
pub struct Bench {
    version: String,
    items: Vec<Item>,
}

/// One small item of [`Record`].
#[ffi_type]
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub label: String,
    pub amount: i64,
}

/// The CBOR benchmark's payload: 3 strings, 2 integers, a Vec of 3 small
/// structs and an Option.
#[ffi_type]
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub name: String,
    pub kind: String,
    pub owner: String,
    pub id: u64,
    pub count: i64,
    pub items: Vec<Item>,
    pub note: Option<String>,
}

impl Record {
    /// The value every CBOR benchmark encodes and decodes.
    pub fn sample() -> Record {
        let item = |k: &str, v| Item {
            label: k.to_string(),
            amount: v,
        };
        Record {
            name: "benchmark-record".into(),
            kind: "sample".into(),
            owner: "rsffi".into(),
            id: 1_234_567,
            count: -42,
            items: vec![item("alpha", 1), item("beta", 200), item("gamma", 70_000)],
            note: Some("optional note".into()),
        }
    }
}

/// Sync constructor: no worker hop to create a context.
#[ffi_ctor]
pub fn create() -> Result<Bench, String> {
    Ok(Bench {
        version: concat!("benchlib v", env!("CARGO_PKG_VERSION")).to_string(),
        items: ten_items(),
    })
}

/// The ten small structs `items` answers; `baseline::bench_items_array`
/// holds the same values as a C array.
pub fn ten_items() -> Vec<Item> {
    (0..10)
        .map(|i| Item {
            label: format!("item-{i}"),
            amount: i * 1000,
        })
        .collect()
}

/// Sync lane: runs inline on the caller's thread.
#[ffi]
pub fn version(b: &Bench) -> Result<String, String> {
    Ok(b.version.clone())
}

/// Sync lane with a list of structs: ten `Item`s, lifted in a Go callback
/// (measured against hand-written cgo copying the same C array).
#[ffi]
pub fn items(b: &Bench) -> Result<Vec<Item>, String> {
    Ok(b.items.clone())
}

/// Fires `tick(n)`: the event latency benchmark.
#[ffi]
pub fn fire(_b: &Bench, n: u64) -> Result<(), String> {
    tick(n);
    Ok(())
}

/// Delivered to listeners on the context's event thread.
#[ffi_event]
pub fn tick(n: u64);

/// Async round trip: the smallest possible job for the worker.
#[ffi]
pub async fn ping(_b: &Bench, n: u64) -> Result<u64, String> {
    Ok(n)
}

/// Host-call round trip: awaits the host's `answer`.
#[ffi]
pub async fn ask(_b: &Bench, n: u64) -> Result<u64, String> {
    answer(n).await
}

/// Async echo of a [`Record`] (for the CBOR ABI and IPC).
#[ffi]
pub async fn echo_record(_b: &Bench, r: Record) -> Result<Record, String> {
    Ok(r)
}

/// Implemented by the host; `ask` awaits it.
#[ffi_host]
pub async fn answer(n: u64) -> Result<u64, String>;

/// An object, to compare a method call on a handle with the same call on
/// the library type (`meter_version` vs `version`, `Meter::ping` vs
/// `ping`).
#[ffi_object]
pub struct Meter {
    label: String,
}

#[ffi]
impl Bench {
    pub fn meter(&self) -> Result<Meter, String> {
        Ok(Meter {
            label: "rsffi-bench".into(),
        })
    }
}

#[ffi]
impl Meter {
    /// The object's twin of `version`.
    pub fn version(&self) -> Result<String, String> {
        Ok(self.label.clone())
    }

    /// The object's twin of `ping`.
    pub async fn ping(&self, n: u64) -> Result<u64, String> {
        Ok(n)
    }
}
