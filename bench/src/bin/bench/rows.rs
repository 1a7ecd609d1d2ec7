//! The rows of the table: each result, its baseline and its targets
//! (from the issues "Performance: a benchmark suite, and numbers close to
//! the machine's limit" and "Performance: async and host calls from Go at
//! the machine's limit, on one CPU too").

use crate::table::Check::{self, *};
use crate::table::Row;

const fn lat(
    label: &'static str,
    id: &'static str,
    base: Option<&'static str>,
    checks: &'static [Check],
) -> Row {
    Row {
        label,
        id,
        base,
        field: None,
        unit: "ns",
        checks,
    }
}

const fn val(
    label: &'static str,
    id: &'static str,
    base: Option<&'static str>,
    field: &'static str,
    unit: &'static str,
    checks: &'static [Check],
) -> Row {
    Row {
        label,
        id,
        base,
        field: Some(field),
        unit,
        checks,
    }
}

pub const ROWS: &[(&str, &[Row])] = &[
    (
        "Go, GOMAXPROCS=2 (generated package vs hand-written cgo)",
        &[
            lat(
                "sync call `Version()` vs bare cgo call",
                "go_sync_version",
                Some("go_bare_cgo"),
                &[RatioMax(1.5)],
            ),
            lat(
                "sync `Items()` (Vec of 10 structs) vs cgo copying the C array",
                "go_sync_items",
                Some("go_items_base"),
                &[RatioMax(1.5)],
            ),
            lat(
                "object: sync `Meter.Version()` vs the library's `Version()`",
                "go_object_sync_version",
                Some("go_object_base_version"),
                &[RatioMax(1.1)],
            ),
            lat(
                "object: async `Meter.Ping` vs the library's `Ping`",
                "go_object_async_ping",
                Some("go_object_base_ping"),
                &[RatioMax(1.1)],
            ),
            lat(
                "async `Ping` warm (back to back)",
                "go_async_warm_ping",
                Some("go_async_warm_base"),
                &[MedianMaxNs(800.0), P99MaxNs(10_000.0)],
            ),
            lat(
                "diag: hand-off, C callback sets a flag, goroutine spins",
                "go_diag_spin_c",
                None,
                &[],
            ),
            lat(
                "diag: hand-off, Go callback sets a flag, goroutine yields",
                "go_diag_spin_go",
                None,
                &[],
            ),
            lat(
                "async `Ping` cold (1 ms idle before each)",
                "go_async_cold_ping",
                Some("go_async_cold_base"),
                &[RatioMax(1.5)],
            ),
            val(
                "`Ping` throughput, 1 goroutine",
                "go_tput_1_ping",
                Some("go_tput_1_base"),
                "ops_per_s",
                "calls/s",
                &[],
            ),
            val(
                "`Ping` throughput, 16 goroutines",
                "go_tput_16_ping",
                Some("go_tput_16_base"),
                "ops_per_s",
                "calls/s",
                &[],
            ),
            val(
                "`Ping` throughput, 256 goroutines",
                "go_tput_256_ping",
                Some("go_tput_256_base"),
                "ops_per_s",
                "calls/s",
                &[RateMin(2.5e6)],
            ),
            lat(
                "host call `Ask` (Go host fn answers at once) vs 2 hand-offs",
                "go_host_ask",
                Some("go_host_base2"),
                &[MedianMaxNs(2000.0), P99MaxNs(30_000.0)],
            ),
            lat(
                "event `tick` from Rust to a Go listener vs a Go callback from a thread",
                "go_event_tick",
                Some("go_event_base"),
                &[MedianMaxNs(2000.0)],
            ),
        ],
    ),
    (
        "Go, GOMAXPROCS=1 (generated package vs hand-written cgo)",
        &[
            lat(
                "sync call `Version()` vs bare cgo call",
                "go1_sync_version",
                Some("go1_bare_cgo"),
                &[RatioMax(1.5)],
            ),
            lat(
                "sync `Items()` (Vec of 10 structs) vs cgo copying the C array",
                "go1_sync_items",
                Some("go1_items_base"),
                &[RatioMax(1.5)],
            ),
            lat(
                "async `Ping` warm (back to back)",
                "go1_async_warm_ping",
                Some("go1_async_warm_base"),
                &[MedianMaxNs(2000.0)],
            ),
            lat(
                "diag: hand-off, C callback sets a flag, goroutine spins",
                "go1_diag_spin_c",
                None,
                &[],
            ),
            lat(
                "diag: hand-off, Go callback sets a flag, goroutine yields",
                "go1_diag_spin_go",
                None,
                &[],
            ),
            lat(
                "async `Ping` cold (1 ms idle before each)",
                "go1_async_cold_ping",
                Some("go1_async_cold_base"),
                &[],
            ),
            val(
                "`Ping` throughput, 1 goroutine",
                "go1_tput_1_ping",
                Some("go1_tput_1_base"),
                "ops_per_s",
                "calls/s",
                &[],
            ),
            val(
                "`Ping` throughput, 16 goroutines",
                "go1_tput_16_ping",
                Some("go1_tput_16_base"),
                "ops_per_s",
                "calls/s",
                &[],
            ),
            val(
                "`Ping` throughput, 256 goroutines",
                "go1_tput_256_ping",
                Some("go1_tput_256_base"),
                "ops_per_s",
                "calls/s",
                &[],
            ),
            lat(
                "host call `Ask` (Go host fn answers at once) vs 2 hand-offs",
                "go1_host_ask",
                Some("go1_host_base2"),
                &[MedianMaxNs(5000.0)],
            ),
            lat(
                "event `tick` from Rust to a Go listener vs a Go callback from a thread",
                "go1_event_tick",
                Some("go1_event_base"),
                &[MedianMaxNs(2000.0)],
            ),
        ],
    ),
    (
        "C (native ABI vs hand-written crossbeam hand-off)",
        &[
            lat(
                "`benchlib_ping` warm round trip (spinning waiter)",
                "c_rt_ping",
                Some("c_rt_base"),
                &[MedianMaxNs(500.0)],
            ),
            val(
                "submits/s, 1 thread",
                "c_submit_1_ping",
                Some("c_submit_1_base"),
                "submits_per_s",
                "calls/s",
                &[RateMin(8e6)],
            ),
            val(
                "completions/s, 1 thread",
                "c_submit_1_ping",
                Some("c_submit_1_base"),
                "completions_per_s",
                "calls/s",
                &[],
            ),
            val(
                "submits/s, 2 threads",
                "c_submit_2_ping",
                Some("c_submit_2_base"),
                "submits_per_s",
                "calls/s",
                &[],
            ),
            val(
                "completions/s, 2 threads",
                "c_submit_2_ping",
                Some("c_submit_2_base"),
                "completions_per_s",
                "calls/s",
                &[],
            ),
            val(
                "submits/s, 4 threads",
                "c_submit_4_ping",
                Some("c_submit_4_base"),
                "submits_per_s",
                "calls/s",
                &[],
            ),
            val(
                "completions/s, 4 threads",
                "c_submit_4_ping",
                Some("c_submit_4_base"),
                "completions_per_s",
                "calls/s",
                &[],
            ),
            val(
                "resident memory per live context (1,000 contexts)",
                "c_mem_ctx_lib",
                Some("c_mem_ctx_base"),
                "kib_each",
                "KiB",
                &[ValueMax(256.0)],
            ),
            val(
                "CPU of one idle context",
                "c_idle_cpu_ctx",
                Some("c_idle_cpu_base"),
                "cpu_ms_per_s",
                "ms/s",
                &[ValueMax(1.0)],
            ),
        ],
    ),
    (
        "CBOR codec (ffi_core::cbor vs ciborium + serde)",
        &[lat(
            "encode + decode of `Record`",
            "cbor_rsffi",
            Some("cbor_ciborium"),
            &[MedianMaxNs(500.0), RatioMax(0.5)],
        )],
    ),
    (
        "IPC (ffi_core::ipc, protocol versions 1 and 2, vs a hand-written echo server on a Unix socket)",
        &[
            lat(
                "round trip, 1 in flight (`ping`), Unix, v1",
                "ipc_rt_rsffi",
                Some("ipc_rt_echo"),
                &[],
            ),
            lat(
                "round trip, Unix, v2",
                "ipc_rt_rsffi_v2",
                Some("ipc_rt_echo"),
                &[],
            ),
            lat(
                "round trip, TCP, v1",
                "ipc_rt_tcp",
                Some("ipc_rt_echo"),
                &[],
            ),
            lat(
                "round trip, TCP, v2",
                "ipc_rt_tcp_v2",
                Some("ipc_rt_echo"),
                &[],
            ),
            lat(
                "round trip, TCP + TLS, v1",
                "ipc_rt_tls",
                Some("ipc_rt_echo"),
                &[],
            ),
            lat(
                "round trip, TCP + TLS, v2",
                "ipc_rt_tls_v2",
                Some("ipc_rt_echo"),
                &[],
            ),
            val(
                "pipelined, 16 in flight (`ping`), Unix, v1",
                "ipc_pipe_rsffi",
                Some("ipc_pipe_echo"),
                "ops_per_s",
                "req/s",
                &[RateMin(200_000.0)],
            ),
            val(
                "pipelined, Unix, v2",
                "ipc_pipe_rsffi_v2",
                Some("ipc_pipe_echo"),
                "ops_per_s",
                "req/s",
                &[RateMin(200_000.0)],
            ),
            val(
                "pipelined, TCP, v1",
                "ipc_pipe_tcp",
                Some("ipc_pipe_echo"),
                "ops_per_s",
                "req/s",
                &[],
            ),
            val(
                "pipelined, TCP, v2",
                "ipc_pipe_tcp_v2",
                Some("ipc_pipe_echo"),
                "ops_per_s",
                "req/s",
                &[],
            ),
            val(
                "pipelined, TCP + TLS, v1",
                "ipc_pipe_tls",
                Some("ipc_pipe_echo"),
                "ops_per_s",
                "req/s",
                &[],
            ),
            val(
                "pipelined, TCP + TLS, v2",
                "ipc_pipe_tls_v2",
                Some("ipc_pipe_echo"),
                "ops_per_s",
                "req/s",
                &[],
            ),
        ],
    ),
];
