"""An independent client of IPC protocol version 2 (SPEC section 13),
written from the spec with cbor2, run against a fixture server by
tests/tests/python.rs. Usage: v2_client.py SOCKET TOKEN FINGERPRINT

Prints one line per check and exits non-zero on the first failure.
"""

import socket
import struct
import sys
import time

import cbor2

PATH, TOKEN, FINGERPRINT = sys.argv[1:4]
RET_OK, RET_ERR = 0, 1


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(PATH)
    return s


def read_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError(f"closed after {len(buf)} of {n} bytes")
        buf += chunk
    return buf


def v1_frame(method, payload):
    m = method.encode()
    return struct.pack(">I", len(m)) + m + struct.pack(">I", len(payload)) + payload


def v1_answer(s):
    ret, n = struct.unpack(">iI", read_exact(s, 8))
    return ret, read_exact(s, n)


def v2_frame(rid, method, payload):
    return struct.pack(">I", rid) + v1_frame(method, payload)


def v2_answer(s):
    rid, ret, n = struct.unpack(">IiI", read_exact(s, 12))
    return rid, ret, read_exact(s, n)


def closed(s):
    try:
        return s.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        return False


def hello(s, **fields):
    s.sendall(v1_frame("$hello", cbor2.dumps(fields)))
    return v1_answer(s)


def check(name, cond, detail=""):
    if not cond:
        print(f"FAIL {name}: {detail}")
        sys.exit(1)
    print(f"ok {name}")


def session():
    s = connect()
    ret, body = hello(s, version=2, token=TOKEN, fingerprint=FINGERPRINT)
    if ret != RET_OK:
        raise AssertionError(body)
    return s


# Hello: the server names the library and its fingerprint.
s = connect()
ret, body = hello(s, version=2, token=TOKEN, fingerprint=FINGERPRINT)
check("hello", ret == RET_OK and cbor2.loads(body) ==
      {"version": 2, "library": "fixture", "fingerprint": FINGERPRINT}, (ret, body))
s.close()

# Refusals: each an error answer, then the connection closes.
s = connect()
ret, body = hello(s, version=2, token="not-the-token")
check("wrong token", ret == RET_ERR and body == b"unauthorized: missing or wrong token" and closed(s), body)
s = connect()
ret, body = hello(s, version=2)
check("missing token", ret == RET_ERR and body.startswith(b"unauthorized") and closed(s), body)
s = connect()
ret, body = hello(s, version=2, token=TOKEN, fingerprint="0123abcd")
check("wrong fingerprint",
      ret == RET_ERR and b"0123abcd" in body and FINGERPRINT.encode() in body
      and b"regenerate" in body and closed(s), body)
s = connect()
ret, body = hello(s, version=3, token=TOKEN)
check("unknown version", ret == RET_ERR and body.startswith(b"unsupported protocol version 3") and closed(s), body)
s = connect()
s.sendall(v1_frame("label", b""))
ret, body = v1_answer(s)
check("version 1 without a token", ret == RET_ERR and body.startswith(b"unauthorized") and closed(s), body)

# Out of order: a slow call overtaken by a fast one.
s = session()
s.sendall(v2_frame(7, "sleep_ms", cbor2.dumps({"ms": 300})) + v2_frame(8, "label", b""))
first, second = v2_answer(s), v2_answer(s)
check("out-of-order answers",
      first == (8, RET_OK, cbor2.dumps("python")) and second == (7, RET_OK, cbor2.dumps(300)),
      (first, second))

# Cancel: the slow call is answered `call cancelled` at once.
start = time.monotonic()
s.sendall(v2_frame(20, "sleep_ms", cbor2.dumps({"ms": 5000})))
time.sleep(0.05)
s.sendall(v2_frame(21, "$cancel", cbor2.dumps({"id": 20})))
answers = {v2_answer(s)[0:2]: None for _ in range(2)}
took = time.monotonic() - start
check("cancel", set(answers) == {(20, RET_ERR), (21, RET_OK)} and took < 2, (answers, took))
s.sendall(v2_frame(22, "label", b""))
check("serves on after cancel", v2_answer(s) == (22, RET_OK, cbor2.dumps("python")))

# Events do not cross IPC with this library's CBOR ABI: an error answer.
s.sendall(v2_frame(30, "$subscribe", cbor2.dumps({"event": "pair"})))
rid, ret, body = v2_answer(s)
check("subscribe answers", rid == 30 and ret == RET_ERR and b"cannot subscribe to 'pair'" in body, body)
s.sendall(v2_frame(31, "$unsubscribe", cbor2.dumps({"id": 30})))
check("unsubscribe answers", v2_answer(s) == (31, RET_ERR, b"no subscription 30"))

# Errors keep the id; an id in flight cannot be reused.
s.sendall(v2_frame(40, "echo_i64", cbor2.dumps({"v": "seven"})))
check("error answer", v2_answer(s) == (40, RET_ERR, b"field 'v': expected integer, got text"))
s.sendall(v2_frame(41, "sleep_ms", cbor2.dumps({"ms": 200})) + v2_frame(41, "label", b""))
a, b = v2_answer(s), v2_answer(s)
check("duplicate id", a == (41, RET_ERR, b"request id 41 is already in flight") and b == (41, RET_OK, cbor2.dumps(200)), (a, b))

# Over the frame limit: the answer, not a broken pipe, and in version 2
# the connection goes on once the frame is drained.
big = b"\0" * (2 << 20)
s.sendall(v2_frame(50, "echo_bytes", big))
rid, ret, body = v2_answer(s)
check("frame too large", (rid, ret) == (50, RET_ERR) and body.startswith(b"frame too large: "), body)
s.sendall(v2_frame(51, "echo_bytes", cbor2.dumps({"b": b"\x01\x02"})))
check("serves on after an oversized frame", v2_answer(s) == (51, RET_OK, cbor2.dumps(b"\x01\x02")))
s.close()
print("done")
