//! Protocol version 2 from an independent client: `tests/python/
//! v2_client.py`, written from SPEC section 13 with Python's `cbor2`,
//! against the fixture served with a token and a fingerprint.

use ffi_core::ipc::{Server, Service};
use std::ffi::c_char;

unsafe extern "C" fn fingerprint() -> *const c_char {
    c"fx-9f2c41".as_ptr()
}

#[test]
fn python_cbor2_client_speaks_version_2() {
    let mut abi = ffi_core::cbor_abi!(fixture);
    abi.fingerprint = Some(fingerprint);
    let mut label = ffi_core::cbor::Encoder::new();
    label.map(1);
    label.text("label");
    label.text("python");
    let service = Service::create(abi, label.as_bytes()).unwrap();
    let path = e2e::ipc::temp_socket("python");
    let server = Server::builder()
        .token("s3cret-token")
        .max_frame(1 << 20)
        .bind_unix(&path)
        .unwrap();
    let _running = e2e::ipc::start(server, service);
    let script = e2e::root().join("tests/python/v2_client.py");
    let out = e2e::stdout_of(std::process::Command::new("python3").arg(script).args([
        path.to_str().unwrap(),
        "s3cret-token",
        "fx-9f2c41",
    ]));
    assert!(out.ends_with("done\n"), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok ")).count(),
        15,
        "{out}"
    );
}
