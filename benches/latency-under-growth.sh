#!/usr/bin/env bash
# Latency while the keyspace grows: one client inserts KEYS new keys (redis-benchmark SET
# with -r KEYS, pipelined) while another sends PING one at a time and records each round
# trip. Prints p50 / p99 / p99.9 / max of those round trips for cedis and for Redis,
# same run, same machine. A table that doubles in one step (no incremental rehashing)
# shows up as a multi-millisecond max.
#
#   benches/latency-under-growth.sh [KEYS]      # default 10000000
#
# Needs redis-server, redis-benchmark, redis-cli, python3. Persistence off. Builds
# cedis in release mode first. Results belong in docs/performance.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keys=${1:-10000000}
cedis_port=${CEDIS_PORT:-7841}
redis_port=${REDIS_PORT:-7842}
. "$root/benches/cedis-bin.sh"
cedis_bin=$CEDIS_BIN
# SERVER_CPUS, LOADER_CPUS, PROBE_CPUS: taskset CPU lists, so that on a machine with spare
# cores the three do not compete; unset, each runs unpinned.
pin() { local cpus=$1; shift; if [ -n "$cpus" ]; then taskset -c "$cpus" "$@"; else "$@"; fi; }
server_cpus=${SERVER_CPUS:-}
loader_cpus=${LOADER_CPUS:-}
probe_cpus=${PROBE_CPUS:-}
work=$(mktemp -d)
cleanup() {
  redis-cli -p "$cedis_port" shutdown nosave >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$work" && pin "$server_cpus" "$cedis_bin" --port "$cedis_port" --save '' --appendonly no >"$work/cedis.log" 2>&1 &)
(cd "$work" && pin "$server_cpus" redis-server --port "$redis_port" --save '' --appendonly no >"$work/redis.log" 2>&1 &)
for port in "$cedis_port" "$redis_port"; do
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

printf '%-6s %10s %8s %8s %8s %8s %8s\n' server keys pings p50_us p99_us p99.9_us max_us
for port in "$cedis_port" "$redis_port"; do
  name=$([ "$port" = "$cedis_port" ] && echo cedis || echo redis)
  stop="$work/stop-$port"
  pin "$probe_cpus" python3 - "$port" "$stop" >"$work/lat-$port.txt" <<'PY' &
import os, socket, sys, time
port, stop = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
samples = []
while not os.path.exists(stop):
    t = time.perf_counter_ns()
    s.sendall(b"PING\r\n")
    buf = b""
    while not buf.endswith(b"\r\n"):
        buf += s.recv(64)
    samples.append((time.perf_counter_ns() - t) // 1000)
samples.sort()
q = lambda f: samples[min(len(samples) - 1, int(len(samples) * f))]
print(len(samples), q(0.5), q(0.99), q(0.999), samples[-1])
PY
  probe=$!
  pin "$loader_cpus" redis-benchmark -p "$port" -t set -n "$keys" -r "$keys" -P 16 -c 20 -d 10 -q >/dev/null 2>&1
  touch "$stop"
  wait "$probe"
  read -r pings p50 p99 p999 max <"$work/lat-$port.txt"
  printf '%-6s %10s %8s %8s %8s %8s %8s\n' "$name" "$(redis-cli -p "$port" dbsize)" "$pings" "$p50" "$p99" "$p999" "$max"
done
