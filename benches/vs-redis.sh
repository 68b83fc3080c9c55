#!/usr/bin/env bash
# Side-by-side cedis vs real Redis, on this machine, in one run.
#
#   benches/vs-redis.sh                 # throughput: redis-benchmark, P=1 and P=16, ratios
#   benches/vs-redis.sh memory [N]      # resident bytes per key after N (default 1000000) SETs
#
# Both servers run with persistence off, pinned to the same CPU (taskset -c $SERVER_CPU,
# default 0); redis-benchmark runs on another CPU (taskset -c $CLIENT_CPU, default 1). Rounds alternate between the servers
# so drift on a shared machine hits both. Needs redis-server, redis-benchmark, redis-cli,
# python3 and taskset; PIPELINES (default "1 16") picks the -P values. Results belong in
# docs/performance.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-throughput}
tests=${TESTS:-set,get,incr,lpush,lpop,sadd,hset,zadd,lrange_100,mset}
requests=${REQUESTS:-1000000}
rounds=${ROUNDS:-2}
cedis_port=${CEDIS_PORT:-7801}
redis_port=${REDIS_PORT:-7802}

server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
. "$root/benches/cedis-bin.sh"
work=$(mktemp -d)
cleanup() {
  redis-cli -p "$cedis_port" shutdown nosave >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$work" && taskset -c "$server_cpu" "$CEDIS_BIN" --port "$cedis_port" --save '' --appendonly no >"$work/cedis.log" 2>&1 &)
(cd "$work" && taskset -c "$server_cpu" redis-server --port "$redis_port" --save '' --appendonly no >"$work/redis.log" 2>&1 &)
for port in "$cedis_port" "$redis_port"; do
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
pid_of() { redis-cli -p "$1" info server | tr -d '\r' | sed -n 's/^process_id://p'; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

if [ "$mode" = memory ]; then
  n=${2:-1000000}
  python3 - "$n" >"$work/load.resp" <<'PY'
import sys
n = int(sys.argv[1]); out = sys.stdout.buffer
for i in range(n):
    out.write(b"*3\r\n$3\r\nSET\r\n$16\r\nkey:%012d\r\n$10\r\nval:%06d\r\n" % (i, i % 1000000))
PY
  printf '%-6s %12s %12s %14s\n' server keys rss_delta_kb bytes_per_key
  for port in "$cedis_port" "$redis_port"; do
    name=$([ "$port" = "$cedis_port" ] && echo cedis || echo redis)
    pid=$(pid_of "$port"); before=$(rss_kb "$pid")
    redis-cli -p "$port" --pipe <"$work/load.resp" >/dev/null
    sleep 1; after=$(rss_kb "$pid")
    printf '%-6s %12s %12s %14s\n' "$name" "$(redis-cli -p "$port" dbsize)" "$((after - before))" "$(( (after - before) * 1024 / n ))"
  done
  exit 0
fi

declare -A rps p50 p99
for round in $(seq "$rounds"); do
  for pipeline in ${PIPELINES:-1 16}; do
    for port in "$cedis_port" "$redis_port"; do
      name=$([ "$port" = "$cedis_port" ] && echo cedis || echo redis)
      redis-cli -p "$port" flushall >/dev/null
      taskset -c "$client_cpu" redis-benchmark -p "$port" -t "$tests" -c 50 -n "$requests" -r 100000 -P "$pipeline" --csv \
        2>/dev/null | tail -n +2 | tr -d '"' >"$work/out.csv"
      while IFS=, read -r test r _avg _min p50v _p95 p99v _max; do
        key="$test|$pipeline|$name"
        rps[$key]="${rps[$key]:-} $r"; p50[$key]="${p50[$key]:-} $p50v"; p99[$key]="${p99[$key]:-} $p99v"
      done <"$work/out.csv"
    done
  done
done

mean() { echo "$@" | awk '{s=0; for (i=1;i<=NF;i++) s+=$i; printf "%.0f", s/NF}'; }
meanf() { echo "$@" | awk '{s=0; for (i=1;i<=NF;i++) s+=$i; printf "%.3f", s/NF}'; }
printf '%-24s %3s %12s %12s %6s %10s %10s %10s %10s\n' test P cedis_rps redis_rps ratio cedis_p50 redis_p50 cedis_p99 redis_p99
for key in "${!rps[@]}"; do
  IFS='|' read -r test pipeline name <<<"$key"
  [ "$name" = cedis ] || continue
  c=$(mean ${rps[$key]}); r=$(mean ${rps[$test|$pipeline|redis]})
  printf '%-24s %3s %12s %12s %6s %10s %10s %10s %10s\n' "$test" "$pipeline" "$c" "$r" \
    "$(awk -v a="$c" -v b="$r" 'BEGIN {printf "%.2f", a/b}')" \
    "$(meanf ${p50[$key]})" "$(meanf ${p50[$test|$pipeline|redis]})" \
    "$(meanf ${p99[$key]})" "$(meanf ${p99[$test|$pipeline|redis]})"
done | sort
