//! The examples are end-to-end tests: build them, run them, check exactly
//! what they print.

use e2e::{build_libraries, go, run, stdout_of};

#[test]
fn host_demo_round_trip() {
    build_libraries();
    let out = stdout_of(&mut go(&["run", "./examples/host_demo"]));
    assert_eq!(out, "result: token[TOK-session]\nOK\n");
}

#[test]
fn timer_go_program_output_is_exact() {
    build_libraries();
    let output = run(&mut go(&["run", "./examples/timer/go"]));
    let out = String::from_utf8(output.stdout).unwrap();
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        err,
        "event echo_fired: message=\"hello from Go\" echoCount=1\n"
    );
    assert_eq!(
        out,
        "created timer\n\
         version: my_timer v0.1.0\n\
         echo: echoed=\"hello from Go\" timerName=\"go-native-demo\"\n\
         complex: itemCount=2 hasNote=true summary=\"received 2 messages, note=a note, retries=3\"\n\
         schedule: jobId=\"go-native-demo:nightly\" willRunCount=12\n\
         done\n"
    );
}
