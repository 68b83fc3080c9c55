#!/usr/bin/env bash
# Memory and latency during a BGSAVE under a write load, cedis beside Redis 7.0.
#
#   benches/bgsave.sh              # 1M keys
#   KEYS=200000 benches/bgsave.sh  # fewer
#
# For each server: start it with persistence off, fill it with DEBUG POPULATE (KEYS keys,
# 10-byte values), start a SET load with redis-benchmark over the same keys, then BGSAVE
# and sample, every 20 ms until the save ends, the proportional set size (PSS, from
# /proc/PID/smaps_rollup) of the server plus its children (Redis's fork child; cedis has
# none). PSS splits pages shared between parent and child, so copy-on-write is counted
# once. Prints the PSS before the save, the peak during it, the save's duration, and the
# load's latency percentiles (redis-benchmark's summary, which covers the whole run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keys=${KEYS:-1000000}
cargo build --release --bin cedis --manifest-path "$root/Cargo.toml" >/dev/null 2>&1

pss_kb() { # total PSS of a process and its direct children, in KiB
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    local v
    v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

run() {
  local name=$1 binary=$2 port=$3
  local dir
  dir=$(mktemp -d)
  "$binary" --port "$port" --save '' --appendonly no --dir "$dir" --enable-debug-command yes \
    >"$dir/log" 2>&1 &
  local pid=$!
  until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
  redis-cli -p "$port" debug populate "$keys" key 10 >/dev/null
  sleep 0.5
  local before peak now started elapsed
  before=$(pss_kb "$pid")
  redis-benchmark -p "$port" -t set -r "$keys" -n 600000 -c 20 -d 10 >"$dir/bench" 2>&1 &
  local bench=$!
  sleep 1
  peak=$before
  started=$(date +%s%N)
  redis-cli -p "$port" bgsave >/dev/null
  while redis-cli -p "$port" info persistence | grep -q 'rdb_bgsave_in_progress:1'; do
    now=$(pss_kb "$pid")
    [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.02
  done
  elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
  wait "$bench" || true
  local latency
  latency=$(grep -A2 'latency summary' "$dir/bench" | tail -1 | awk '{print "p50=" $3 " p99=" $5 " max=" $6 " ms"}')
  printf '%-6s keys=%d  PSS before=%d MiB  peak during BGSAVE=%d MiB (+%d%%)  save=%d ms  SET load: %s\n' \
    "$name" "$keys" $((before / 1024)) $((peak / 1024)) $(( (peak - before) * 100 / (before > 0 ? before : 1) )) \
    "$elapsed" "$latency"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}

run cedis "$root/target/release/cedis" 7501
run redis "$(command -v redis-server)" 7502
