#!/usr/bin/env bash
# Scale check of ffi-serve (SPEC section 13): N idle connections (default
# 10,000) to the fixture library over a Unix socket, then one call; prints
# the server's thread count and resident memory per connection.
#   scripts/ipc-scale.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
cargo build -q --release -p ffi-serve -p fixture
ulimit -n "$(ulimit -Hn)"
sock=$(mktemp -u /tmp/ipc-scale-XXXX.sock)
target/release/ffi-serve --lib target/release/libfixture.so --args '{"label": "scale"}' \
    --unix "$sock" --max-connections $((n + 100)) --handshake-timeout 600s 2>/dev/null &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
python3 - "$sock" "$n" "$pid" <<'PY'
import socket, struct, sys, time
path, n, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def status(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
before = status("VmRSS")
conns = []
for _ in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    conns.append(s)
time.sleep(1)
# Every connection is live: each one calls once, then all stay open.
req = struct.pack(">I", 5) + b"label" + struct.pack(">I", 0)
for s in conns:
    s.sendall(req)
for s in conns:
    head = s.recv(8, socket.MSG_WAITALL)
    assert struct.unpack(">i", head[:4])[0] == 0
    s.recv(struct.unpack(">I", head[4:])[0], socket.MSG_WAITALL)
time.sleep(0.5)
after = status("VmRSS")
print(f"{n} connections held and served: server threads {status('Threads')}, "
      f"RSS {before} kB -> {after} kB ({(after - before) / n:.1f} kB per connection)")
PY
