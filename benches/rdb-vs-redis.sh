#!/usr/bin/env bash
# SAVE time and start-up load time of the same 1M-key dataset (DEBUG POPULATE: 16-byte
# keys, 10-byte values), cedis beside Redis 7.0, each server's own file.
#
#   benches/rdb-vs-redis.sh            # 1M keys
#   KEYS=5000000 benches/rdb-vs-redis.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keys=${KEYS:-1000000}
cargo build --release --bin cedis --manifest-path "$root/Cargo.toml" >/dev/null 2>&1

ms() { date +%s%3N; }

run() {
  local name=$1 binary=$2 port=$3 dir
  dir=$(mktemp -d)
  "$binary" --port "$port" --save '' --appendonly no --dir "$dir" --enable-debug-command yes >"$dir/log" 2>&1 &
  local pid=$!
  until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.02; done
  redis-cli -p "$port" debug populate "$keys" key 10 >/dev/null
  local t0 t1 size
  t0=$(ms); redis-cli -p "$port" save >/dev/null; t1=$(ms)
  size=$(stat -c %s "$dir/dump.rdb")
  local save_ms=$((t1 - t0))
  kill "$pid"; wait "$pid" 2>/dev/null || true
  t0=$(ms)
  "$binary" --port "$port" --save '' --appendonly no --dir "$dir" >"$dir/log2" 2>&1 &
  pid=$!
  until [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; do sleep 0.01; done
  t1=$(ms)
  local load_ms=$((t1 - t0))
  printf '%-6s keys=%d file=%d MiB  SAVE=%d ms (%.0f MB/s)  start-up load=%d ms (%.0f MB/s)\n' \
    "$name" "$keys" $((size / 1048576)) "$save_ms" "$(echo "$size / 1000 / ($save_ms + 0.001)" | bc -l)" \
    "$load_ms" "$(echo "$size / 1000 / ($load_ms + 0.001)" | bc -l)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}

run cedis "$root/target/release/cedis" 7511
run redis "$(command -v redis-server)" 7512
