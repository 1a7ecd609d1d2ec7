//! CBOR encode + decode of one `Record`: the hand-written codec of
//! `ffi_core::cbor` against ciborium through serde, on a mirror of the same
//! struct with the same wire form (lowerCamelCase keys, `None` omitted).

use crate::Results;
use benchlib::{Item, Record};
use ffi_core::cbor::{CborType, Encoder, from_slice};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::time::Instant;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
struct SerdeItem {
    label: String,
    amount: i64,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
struct SerdeRecord {
    name: String,
    kind: String,
    owner: String,
    id: u64,
    count: i64,
    items: Vec<SerdeItem>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    note: Option<String>,
}

fn mirror(r: &Record) -> SerdeRecord {
    SerdeRecord {
        name: r.name.clone(),
        kind: r.kind.clone(),
        owner: r.owner.clone(),
        id: r.id,
        count: r.count,
        items: r
            .items
            .iter()
            .map(|i: &Item| SerdeItem {
                label: i.label.clone(),
                amount: i.amount,
            })
            .collect(),
        note: r.note.clone(),
    }
}

/// Per-op nanoseconds of `samples` batches of `batch` ops each.
fn batches(samples: usize, batch: usize, mut op: impl FnMut()) -> Vec<f64> {
    (0..samples)
        .map(|_| {
            let t0 = Instant::now();
            for _ in 0..batch {
                op();
            }
            t0.elapsed().as_nanos() as f64 / batch as f64
        })
        .collect()
}

pub fn latency(results: &mut Results, id: &str, mut s: Vec<f64>) {
    s.sort_by(f64::total_cmp);
    let at = |q: f64| s[((s.len() - 1) as f64 * q) as usize];
    results.put(
        id,
        &[
            ("median_ns", at(0.5)),
            ("p99_ns", at(0.99)),
            ("n", s.len() as f64),
        ],
    );
}

pub fn run(results: &mut Results, quick: bool) {
    let rec = Record::sample();
    let serde_rec = mirror(&rec);

    // Same wire form both ways (so the comparison is like for like).
    let ours = ffi_core::cbor::to_vec(&rec);
    let mut theirs = Vec::new();
    ciborium::into_writer(&serde_rec, &mut theirs).expect("ciborium encodes");
    let cross: Record = from_slice(&theirs).expect("ffi_core decodes ciborium's bytes");
    assert_eq!(cross, rec, "the two encodings disagree");
    results.notes.push(format!(
        "CBOR `Record`: {} bytes (ffi_core), {} bytes (ciborium)",
        ours.len(),
        theirs.len()
    ));

    let (samples, batch) = if quick { (200, 100) } else { (2000, 100) };
    let mut buf = Vec::with_capacity(256);
    let ffi = |buf: &mut Vec<u8>| {
        let mut e = Encoder::with_buffer(std::mem::take(buf));
        black_box(&rec).encode(&mut e);
        let bytes = e.into_bytes();
        let back: Record = from_slice(black_box(&bytes)).expect("decodes");
        black_box(back);
        *buf = bytes;
        buf.clear();
    };
    let cib = |buf: &mut Vec<u8>| {
        ciborium::into_writer(black_box(&serde_rec), &mut *buf).expect("encodes");
        let back: SerdeRecord = ciborium::from_reader(black_box(&buf[..])).expect("decodes");
        black_box(back);
        buf.clear();
    };
    // Warm-up, then interleave the two so drift hits both alike.
    batches(samples / 10, batch, || ffi(&mut buf));
    batches(samples / 10, batch, || cib(&mut buf));
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        a.extend(batches(samples / 10, batch, || ffi(&mut buf)));
        b.extend(batches(samples / 10, batch, || cib(&mut buf)));
    }
    latency(results, "cbor_rsffi", a);
    latency(results, "cbor_ciborium", b);
}
