//! The IPC server: the CBOR ABI over Unix and TCP sockets, its error
//! answers, concurrency, and the timer server binary with the Go remote
//! client. Only 127.0.0.1 and Unix sockets; every server is stopped.

use e2e::ipc::{IpcClient, Running, frame, start, temp_socket};
use ffi_core::abi::{RET_ERR, RET_OK};
use ffi_core::cbor::{CborType, Encoder, from_slice, to_vec};
use ffi_core::ipc::{Server, Service};

fn one(name: &str, v: &impl CborType) -> Vec<u8> {
    let mut e = Encoder::new();
    e.map(1);
    e.text(name);
    v.encode(&mut e);
    e.into_bytes()
}

fn fixture_on(unix: bool, max_frame: u64) -> Running {
    let service = Service::create(
        ffi_core::cbor_abi!(fixture),
        &one("label", &"ipc".to_string()),
    )
    .unwrap();
    let b = Server::builder().max_frame(max_frame);
    let server = if unix {
        b.bind_unix(temp_socket("fixture"))
    } else {
        b.bind_tcp("127.0.0.1:0")
    };
    start(server.unwrap(), service)
}

fn timer_on(unix: bool, name: &str) -> Running {
    let config = my_timer::TimerConfig { name: name.into() };
    let service = Service::create(ffi_core::cbor_abi!(my_timer), &one("config", &config)).unwrap();
    let server = if unix {
        Server::builder().bind_unix(temp_socket("timer"))
    } else {
        Server::builder().bind_tcp("127.0.0.1:0")
    };
    start(server.unwrap(), service)
}

fn text(body: &[u8]) -> String {
    String::from_utf8(body.to_vec()).unwrap()
}

#[test]
fn calls_round_trip_over_unix_and_tcp() {
    for unix in [true, false] {
        let server = fixture_on(unix, ffi_core::ipc::DEFAULT_MAX_FRAME);
        let mut c = IpcClient::connect(&server.addr).unwrap();
        let (ret, body) = c.call("label", &[]).unwrap();
        assert_eq!(
            (ret, from_slice::<String>(&body).unwrap()),
            (RET_OK, "ipc".into())
        );
        let leaf = fixture::Leaf {
            label: "l".into(),
            data: vec![0, 255],
            color: fixture::Color::Green,
        };
        let (ret, body) = c
            .call(
                "echo_list_of_maybe",
                &one("v", &vec![Some(leaf.clone()), None]),
            )
            .unwrap();
        assert_eq!(ret, RET_OK);
        assert_eq!(
            from_slice::<Vec<Option<fixture::Leaf>>>(&body).unwrap(),
            vec![Some(leaf), None]
        );
        assert_eq!(c.call("nothing", &[]).unwrap(), (RET_OK, vec![0xf6]));
        assert_eq!(
            c.call("echo_u64", &one("v", &u64::MAX)).unwrap(),
            (RET_OK, to_vec(&u64::MAX))
        );
    }
    let path = {
        let server = fixture_on(true, 1024);
        server.addr.strip_prefix("unix:").unwrap().to_string()
    };
    assert!(
        !std::path::Path::new(&path).exists(),
        "the socket file is removed at shutdown"
    );
}

#[test]
fn bad_requests_get_error_answers_and_the_connection_keeps_serving() {
    let server = fixture_on(true, ffi_core::ipc::DEFAULT_MAX_FRAME);
    let mut c = IpcClient::connect(&server.addr).unwrap();
    assert_eq!(
        c.call("foo", &[]).unwrap(),
        (RET_ERR, b"unknown method 'foo'".to_vec())
    );
    let (ret, body) = c.call("echo_i64", &[0xa1, 0x61, b'v']).unwrap();
    assert_eq!(
        (ret, text(&body)),
        (
            RET_ERR,
            "malformed CBOR: unexpected end of input at byte 3 in field 'v'".into()
        )
    );
    let (ret, body) = c.call("echo_i64", &one("v", &"seven".to_string())).unwrap();
    assert_eq!(
        (ret, text(&body)),
        (RET_ERR, "field 'v': expected integer, got text".into())
    );
    let (ret, body) = c.call("echo_i64", &[0xa0]).unwrap();
    assert_eq!((ret, text(&body)), (RET_ERR, "missing field 'v'".into()));
    let (ret, body) = c
        .call("fail", &one("message", &"as asked".to_string()))
        .unwrap();
    assert_eq!((ret, text(&body)), (RET_ERR, "as asked".into()));
    assert_eq!(
        c.call("echo_i64", &one("v", &7i64)).unwrap(),
        (RET_OK, vec![0x07])
    );
}

#[test]
fn oversized_and_truncated_frames_close_only_their_connection() {
    let server = fixture_on(false, 1024);
    let mut bystander = IpcClient::connect(&server.addr).unwrap();
    assert_eq!(bystander.call("nothing", &[]).unwrap().0, RET_OK);

    // A frame declaring 2 GiB: answered, then closed; nothing allocated.
    let mut big = IpcClient::connect(&server.addr).unwrap();
    let mut head = frame("echo_bytes", &[]);
    head.truncate(head.len() - 4);
    head.extend_from_slice(&(1u32 << 31).to_be_bytes());
    big.send_raw(&head).unwrap();
    let (ret, body) = big.recv().unwrap();
    let want = format!("frame too large: {} bytes (limit 1024)", 10 + (1u64 << 31));
    assert_eq!((ret, text(&body)), (RET_ERR, want));
    assert!(big.is_closed());
    // Just over the limit by payload; and a huge method length.
    let mut over = IpcClient::connect(&server.addr).unwrap();
    let (ret, body) = over.call("echo_bytes", &vec![0; 1015]).unwrap();
    assert_eq!(
        (ret, text(&body)),
        (RET_ERR, "frame too large: 1025 bytes (limit 1024)".into())
    );
    let mut over = IpcClient::connect(&server.addr).unwrap();
    over.send_raw(&u32::MAX.to_be_bytes()).unwrap();
    assert_eq!(
        text(&over.recv().unwrap().1),
        format!("frame too large: {} bytes (limit 1024)", u32::MAX)
    );

    // Truncated: EOF mid-frame closes that connection only.
    for cut in [2, 6, 12] {
        let mut t = IpcClient::connect(&server.addr).unwrap();
        let f = frame("echo_i64", &one("v", &1i64));
        t.send_raw(&f[..cut]).unwrap();
        drop(t);
    }
    assert_eq!(
        bystander.call("echo_i64", &one("v", &5i64)).unwrap(),
        (RET_OK, vec![0x05])
    );
}

#[test]
fn sixteen_clients_times_a_thousand_pipelined_requests() {
    let server = fixture_on(true, ffi_core::ipc::DEFAULT_MAX_FRAME);
    let clients: Vec<_> = (0..16i64)
        .map(|k| {
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                let mut c = IpcClient::connect(&addr).unwrap();
                let mut w = c.try_clone().unwrap();
                let value = move |i: i64| k * 1_000_000 + i;
                // Writes all requests while reading answers: pipelined.
                let writer = std::thread::spawn(move || {
                    for i in 0..1000 {
                        let (m, p) = if i % 3 == 0 {
                            ("echo_string", one("s", &value(i).to_string()))
                        } else {
                            ("echo_i64", one("v", &value(i)))
                        };
                        w.send(m, &p).unwrap();
                    }
                });
                for i in 0..1000 {
                    let (ret, body) = c.recv().unwrap();
                    assert_eq!(ret, RET_OK);
                    if i % 3 == 0 {
                        assert_eq!(from_slice::<String>(&body).unwrap(), value(i).to_string());
                    } else {
                        assert_eq!(from_slice::<i64>(&body).unwrap(), value(i));
                    }
                }
                writer.join().unwrap();
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
}

#[test]
fn shutdown_finishes_in_flight_requests() {
    let server = fixture_on(true, ffi_core::ipc::DEFAULT_MAX_FRAME);
    let mut c = IpcClient::connect(&server.addr).unwrap();
    c.send("sleep_ms", &one("ms", &200u64)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    drop(server); // shuts down and joins while the call sleeps
    assert_eq!(c.recv().unwrap(), (RET_OK, to_vec(&200u64)));
    assert!(c.is_closed());
}

#[test]
fn go_remote_client_speaks_version_2() {
    e2e::build_libraries();
    let service = Service::create(
        ffi_core::cbor_abi!(fixture),
        &one("label", &"go-v2".to_string()),
    )
    .unwrap();
    let server = Server::builder()
        .token("go-token")
        .bind_unix(temp_socket("gov2"))
        .unwrap();
    let server = start(server, service);
    let mut go = e2e::go(&["test", "-count=1", "-race", "./tests/goremote/v2"]);
    go.env("RSFFI_IPC_UNIX", server.addr.strip_prefix("unix:").unwrap())
        .env("RSFFI_IPC_TOKEN", "go-token");
    e2e::run(&mut go);
}

#[test]
fn timer_over_tcp_matches_in_process() {
    let server = timer_on(false, "remote");
    let mut c = IpcClient::connect(&server.addr).unwrap();
    let req = my_timer::EchoRequest {
        message: "hi".into(),
        delay_ms: 1,
    };
    let (ret, body) = c.call("echo", &one("req", &req)).unwrap();
    assert_eq!(ret, RET_OK);
    let resp: my_timer::EchoResponse = from_slice(&body).unwrap();
    assert_eq!(
        (resp.echoed.as_str(), resp.timer_name.as_str()),
        ("hi", "remote")
    );
}

const REMOTE_OUTPUT: &str = "created timer\n\
    version: my_timer v0.1.0\n\
    echo: echoed=\"hello from Go\" timerName=\"go-native-demo\"\n\
    complex: itemCount=2 hasNote=true summary=\"received 2 messages, note=a note, retries=3\"\n\
    schedule: jobId=\"go-native-demo:nightly\" willRunCount=12\n\
    done\n";

#[test]
fn go_remote_client_prints_what_the_in_process_program_prints() {
    e2e::build_libraries();
    for unix in [true, false] {
        let server = timer_on(unix, "go-native-demo");
        let (flag, addr) = match server.addr.strip_prefix("unix:") {
            Some(path) => ("-unix", path.to_string()),
            None => ("-tcp", server.addr.clone()),
        };
        let out = e2e::stdout_of(&mut e2e::go(&[
            "run",
            "./examples/timer/go-remote",
            flag,
            &addr,
        ]));
        assert_eq!(out, REMOTE_OUTPUT, "over {flag}");
    }
}

#[test]
fn go_client_types_match_the_golden_wire_vectors() {
    e2e::build_libraries();
    e2e::run(&mut e2e::go(&[
        "vet",
        "./tests/goremote",
        "./examples/timer/go-remote",
    ]));
    e2e::run(&mut e2e::go(&[
        "test",
        "-count=1",
        "-race",
        "./tests/goremote",
    ]));
}

#[test]
fn ffi_serve_serves_the_timer_and_stops_on_sigterm() {
    let path = temp_socket("bin");
    let lib = e2e::ipc::cdylib("my_timer");
    let server = e2e::ipc::Served::start(&[
        "--lib",
        lib.to_str().unwrap(),
        "--args",
        r#"{"config": {"name": "go-native-demo"}}"#,
        "--unix",
        path.to_str().unwrap(),
        "--max-frame",
        "4096",
    ]);
    assert_eq!(server.addr, format!("unix:{}", path.display()));
    let mut c = IpcClient::connect(&server.addr).unwrap();
    let (ret, body) = c.call("version", &[]).unwrap();
    assert_eq!(
        (ret, from_slice::<String>(&body).unwrap()),
        (RET_OK, "my_timer v0.1.0".into())
    );
    let (ret, body) = c.call("echo", &vec![0; 5000]).unwrap();
    assert_eq!(
        (ret, text(&body)),
        (RET_ERR, "frame too large: 5004 bytes (limit 4096)".into())
    );
    let out = e2e::stdout_of(&mut e2e::go(&[
        "run",
        "./examples/timer/go-remote",
        "-unix",
        path.to_str().unwrap(),
    ]));
    assert_eq!(out, REMOTE_OUTPUT);
    let (status, _, log) = server.stop();
    assert!(status.success(), "{status}: {log}");
    assert!(
        log.contains("version=1 requests=2 reason=\"frame too large\"")
            && log.contains("event=signal signal=SIGTERM"),
        "{log}"
    );
    assert!(!path.exists(), "socket file removed");
}

#[test]
fn ffi_serve_reports_a_bad_constructor_argument_by_field() {
    let lib = e2e::ipc::cdylib("my_timer");
    let out = std::process::Command::new(e2e::ipc::ffi_serve_exe())
        .args([
            "--lib",
            lib.to_str().unwrap(),
            "--args",
            r#"{"config": {"name": 7}}"#,
            "--unix",
            temp_socket("badargs").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "ffi-serve: cannot create the my_timer context: field 'config.name': expected text, got integer"
    );
}

/// Objects over IPC (SPEC section 8): ids are scoped to the connection that
/// received them, and everything a connection holds is closed when it ends.
#[test]
fn object_ids_belong_to_their_connection_and_close_with_it() {
    let server = fixture_on(true, ffi_core::ipc::DEFAULT_MAX_FRAME);
    let mut a = IpcClient::connect(&server.addr).unwrap();
    let mut b = IpcClient::connect(&server.addr).unwrap();
    let stats = |c: &mut IpcClient| -> (u64, u64) {
        let (ret, body) = c.call("counter_stats", &[]).unwrap();
        assert_eq!(ret, RET_OK);
        let v: Vec<u64> = from_slice(&body).unwrap();
        (v[0], v[1])
    };
    let (made0, dropped0) = stats(&mut b);
    let (ret, body) = a.call("make_counter", &one("start", &3i64)).unwrap();
    assert_eq!(ret, RET_OK, "{}", text(&body));
    let id: u64 = from_slice(&body).unwrap();
    assert_eq!(id, 1, "the connection's first object id");
    let (ret, body) = a.call("counters", &one("n", &2u32)).unwrap();
    assert_eq!(ret, RET_OK);
    assert_eq!(from_slice::<Vec<u64>>(&body).unwrap(), vec![2, 3]);
    let (ret, body) = a.call("Counter.get", &one("self", &id)).unwrap();
    assert_eq!((ret, from_slice::<i64>(&body).unwrap()), (RET_OK, 3));
    // The same number means nothing on another connection.
    let (ret, body) = b.call("Counter.get", &one("self", &id)).unwrap();
    assert_eq!(ret, RET_ERR, "{}", text(&body));
    // Closing one of them, then dropping the connection, closes the rest.
    let (ret, _) = a.call("Counter.close", &one("self", &2u64)).unwrap();
    assert_eq!(ret, RET_OK);
    assert_eq!(stats(&mut b).1 - dropped0, 1);
    drop(a);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (made, dropped) = stats(&mut b);
        assert_eq!(made - made0, 3);
        if dropped - dropped0 == 3 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the ended connection's objects were not closed: {} of 3",
            dropped - dropped0
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
