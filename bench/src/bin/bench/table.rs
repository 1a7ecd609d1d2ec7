//! The table: which results are compared with which baseline, against
//! which target, and how each row is rendered.

use crate::Results;
use crate::rows::ROWS;
use Check::*;

/// What a row checks. Latencies compare medians (and p99s); rates compare
/// throughput. A ratio is always measured / baseline.
#[derive(Clone, Copy)]
pub enum Check {
    MedianMaxNs(f64),
    P99MaxNs(f64),
    RatioMax(f64),
    RateMin(f64),
    ValueMax(f64),
}

pub struct Row {
    pub label: &'static str,
    pub id: &'static str,
    pub base: Option<&'static str>,
    /// The field read for rates and plain values (`ops_per_s`, `kib_each`);
    /// None for latencies (median_ns / p99_ns).
    pub field: Option<&'static str>,
    pub unit: &'static str,
    pub checks: &'static [Check],
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} us", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn fmt_val(v: f64, unit: &str) -> String {
    match unit {
        "calls/s" | "req/s" if v >= 1e6 => format!("{:.2} M{unit}", v / 1e6),
        "calls/s" | "req/s" => format!("{:.0} k{unit}", v / 1e3),
        "ns" => fmt_ns(v),
        _ => format!("{v:.2} {unit}"),
    }
}

fn describe(c: Check, unit: &str) -> String {
    match c {
        MedianMaxNs(x) => format!("median <= {}", fmt_ns(x)),
        P99MaxNs(x) => format!("p99 <= {}", fmt_ns(x)),
        RatioMax(x) => format!("<= {x}x baseline"),
        RateMin(x) => format!(">= {}", fmt_val(x, unit)),
        ValueMax(x) => format!("<= {}", fmt_val(x, unit)),
    }
}

/// One rendered row: label, measured, baseline, ratio, target, result.
fn render(row: &Row, r: &Results) -> [String; 6] {
    let get = |id: &str, f: &str| r.get(id).and_then(|m| m.get(f)).copied();
    let main_field = row.field.unwrap_or("median_ns");
    let Some(m) = get(row.id, main_field) else {
        let why = r
            .missing
            .get(row.id.split('_').next().unwrap_or(""))
            .cloned()
            .unwrap_or_else(|| "no result".into());
        return [
            row.label.into(),
            format!("not measured ({why})"),
            "-".into(),
            "-".into(),
            "-".into(),
            "-".into(),
        ];
    };
    let p99 = get(row.id, "p99_ns");
    let show = |v: f64, p: Option<f64>| match (row.field, p) {
        (None, Some(p)) => format!("{} (p99 {})", fmt_ns(v), fmt_ns(p)),
        _ => fmt_val(v, row.unit),
    };
    let base = row.base.and_then(|b| get(b, main_field));
    let ratio = base.map(|b| m / b);
    // Each miss says by how much: the factor between measured and target.
    let mut misses = Vec::new();
    for &c in row.checks {
        let (got, limit, higher_is_better, what) = match c {
            MedianMaxNs(x) => (Some(m), x, false, "median"),
            P99MaxNs(x) => (p99, x, false, "p99"),
            RatioMax(x) => (ratio, x, false, "ratio"),
            RateMin(x) => (Some(m), x, true, "rate"),
            ValueMax(x) => (Some(m), x, false, "value"),
        };
        match got {
            Some(g) if (higher_is_better && g >= limit) || (!higher_is_better && g <= limit) => {}
            Some(g) => misses.push(format!(
                "{what} {:.1}x off",
                if higher_is_better {
                    limit / g
                } else {
                    g / limit
                }
            )),
            None => misses.push(format!("{what} unknown")),
        }
    }
    let target = row
        .checks
        .iter()
        .map(|&c| describe(c, row.unit))
        .collect::<Vec<_>>()
        .join("; ");
    let verdict = match (row.checks.is_empty(), misses.is_empty()) {
        (true, _) => "info".to_string(),
        (false, true) => "PASS".to_string(),
        (false, false) => format!("**MISS** ({})", misses.join("; ")),
    };
    [
        row.label.into(),
        show(m, p99),
        base.map(|b| show(b, row.base.and_then(|id| get(id, "p99_ns"))))
            .unwrap_or_else(|| "-".into()),
        ratio
            .map(|q| format!("{q:.2}x"))
            .unwrap_or_else(|| "-".into()),
        if target.is_empty() {
            "-".into()
        } else {
            target
        },
        verdict,
    ]
}

/// The whole table as Markdown (also readable in a terminal).
pub fn markdown(r: &Results) -> String {
    let mut out = String::new();
    for (section, rows) in ROWS {
        out.push_str(&format!("\n### {section}\n\n"));
        out.push_str("| benchmark | measured | baseline | ratio | target | result |\n|---|---|---|---|---|---|\n");
        for row in rows.iter() {
            out.push_str(&format!("| {} |\n", render(row, r).join(" | ")));
        }
    }
    out
}
