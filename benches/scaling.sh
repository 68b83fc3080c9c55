#!/usr/bin/env bash
# Throughput against the cores the server is given: cedis started with `server-threads N`
# and pinned to N CPUs (0..N-1), for each N given; Redis 7.0 on CPU 0 as the reference
# (it runs commands on one thread whatever it is given). redis-benchmark runs with its own
# threads on the CPUs above the largest N, so the client is never what is measured
# against the server's cores.
#
#   benches/scaling.sh [N ...]        # default: 1 2 4 8
#
# Env: TESTS (default set,get,incr,lpush,sadd), REQUESTS (default 2000000, per client process),
# CLIENTS (default 200), PIPELINES (default "1 16"), PROCS (client processes, default 1),
# CLIENT_THREADS (threads per process; default: the CPUs left over, at most 8),
# CEDIS_BIN (a prebuilt binary; else one is built here). Needs redis-server,
# redis-benchmark, redis-cli, taskset and at least max(N) + 2 CPUs. Results belong in
# docs/performance.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1 2 4 8)
tests=${TESTS:-set,get,incr,lpush,sadd}
requests=${REQUESTS:-2000000}
clients=${CLIENTS:-200}
pipelines=${PIPELINES:-1 16}
procs=${PROCS:-1}
cpus=$(nproc)
max=0
for n in "${counts[@]}"; do [ "$n" -gt "$max" ] && max=$n; done
if [ $((max + 2)) -gt "$cpus" ]; then
  echo "scaling.sh: $cpus CPUs; N=$max needs $((max + 2))" >&2
  exit 1
fi
client_cpus="$max-$((cpus - 1))"
client_threads=${CLIENT_THREADS:-$(((cpus - max) > 8 ? 8 : (cpus - max)))}
. "$root/benches/cedis-bin.sh"
port=${PORT:-7861}
work=$(mktemp -d)
cleanup() {
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

start() {
  (cd "$work" && taskset -c "$1" "${@:2}" --port "$port" --save '' --appendonly no >>"$work/server.log" 2>&1 &)
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "scaling.sh: server did not start" >&2
  cat "$work/server.log" >&2
  exit 1
}
stop() {
  redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 || return 0; sleep 0.1; done
}
bench() {
  local label=$1 pipeline k
  for pipeline in $pipelines; do
    redis-cli -p "$port" flushall >/dev/null
    # PROCS redis-benchmark processes at once (one process's threads can be what limits
    # pipelined runs); their requests/s add up, the latencies shown are the worst.
    for k in $(seq "$procs"); do
      taskset -c "$client_cpus" redis-benchmark -p "$port" -t "$tests" -c "$clients" -n "$requests" \
        -r 100000 -P "$pipeline" --threads "$client_threads" --csv 2>/dev/null | tail -n +2 | tr -d '"' >"$work/bench.$k" &
    done
    wait
    cat "$work"/bench.* | awk -F, -v label="$label" -v p="$pipeline" '
      { if (!($1 in rps)) order[n++] = $1; rps[$1] += $2; if ($5 > p50[$1]) p50[$1] = $5; if ($7 > p99[$1]) p99[$1] = $7 }
      END { for (i = 0; i < n; i++) { t = order[i]; printf "%-8s %-6s %3s %12.0f %8s %8s\n", label, t, p, rps[t], p50[t], p99[t] } }'
    rm -f "$work"/bench.*
  done
}

echo "# $cpus CPUs; client: $procs x redis-benchmark -c $clients --threads $client_threads on CPUs $client_cpus"
printf '%-8s %-6s %3s %12s %8s %8s\n' server test P rps p50_ms p99_ms
start 0 redis-server
bench redis
stop
for n in "${counts[@]}"; do
  start "0-$((n - 1))" "$CEDIS_BIN" --server-threads "$n"
  bench "cedis-$n"
  stop
done
