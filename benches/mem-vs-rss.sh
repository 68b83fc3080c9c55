#!/usr/bin/env bash
# How closely INFO used_memory tracks resident memory (/proc/PID/status VmRSS).
#
# Starts the server (cedis by default; SERVER=/usr/bin/redis-server for Redis) with
# persistence off, then loads in steps: 1M small strings (16-byte keys, 10-byte values),
# then collections (hashes, lists, sets, sorted sets of 100 small elements each), and
# after each step prints used_memory, VmRSS, RSS minus the empty server's RSS, and the
# ratios. `maxmemory` eviction compares used_memory with the limit, so this is how far
# a limit can be off from what the process really holds.
#
#   benches/mem-vs-rss.sh [KEYS]        # default 1000000
#
# Needs redis-cli. Builds nothing: SERVER defaults to target/release/cedis
# ($CARGO_TARGET_DIR honoured).
set -euo pipefail

KEYS=${1:-1000000}
TARGET=${CARGO_TARGET_DIR:-$(dirname "$0")/../target}
SERVER=${SERVER:-$TARGET/release/cedis}
PORT=${PORT:-7931}
DIR=$(mktemp -d)
trap 'redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT

"$SERVER" --port "$PORT" --save '' --appendonly no --dir "$DIR" >"$DIR/log" 2>&1 &
PID=$!
for _ in $(seq 50); do
    redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
done

rss() { awk '/^VmRSS:/ {print $2 * 1024}' "/proc/$PID/status"; }
used() { redis-cli -p "$PORT" info memory | awk -F: '/^used_memory:/ {print $2+0}'; }
BASE=$(rss)

report() {
    local u r
    sleep 0.5
    u=$(used)
    r=$(rss)
    awk -v step="$1" -v u="$u" -v r="$r" -v b="$BASE" 'BEGIN {
        printf "%-34s used_memory %11d  VmRSS %11d  RSS-empty %11d  used/RSS %.3f  used/(RSS-empty) %.3f\n",
            step, u, r, r - b, u / r, (r > b ? u / (r - b) : 0)
    }'
}

report "empty"
# 16-byte keys, 10-byte values.
awk -v n="$KEYS" 'BEGIN { for (i = 0; i < n; i++) printf "SET key:%012d val:%06d\r\n", i, i % 1000000 }' |
    redis-cli -p "$PORT" --pipe >/dev/null
report "$KEYS strings (16 B key, 10 B val)"
awk 'BEGIN { for (i = 0; i < 10000; i++) { printf "HSET hash:%d", i; for (j = 0; j < 100; j++) printf " field:%d value:%d", j, j; printf "\r\n" } }' |
    redis-cli -p "$PORT" --pipe >/dev/null
report "+10k hashes x 100 fields"
awk 'BEGIN { for (i = 0; i < 10000; i++) { printf "RPUSH list:%d", i; for (j = 0; j < 100; j++) printf " element:%d", j; printf "\r\n" } }' |
    redis-cli -p "$PORT" --pipe >/dev/null
report "+10k lists x 100 elements"
awk 'BEGIN { for (i = 0; i < 10000; i++) { printf "SADD set:%d", i; for (j = 0; j < 100; j++) printf " member:%d", j; printf "\r\n" } }' |
    redis-cli -p "$PORT" --pipe >/dev/null
report "+10k sets x 100 members"
awk 'BEGIN { for (i = 0; i < 10000; i++) { printf "ZADD zset:%d", i; for (j = 0; j < 100; j++) printf " %d member:%d", j, j; printf "\r\n" } }' |
    redis-cli -p "$PORT" --pipe >/dev/null
report "+10k zsets x 100 members"
awk 'BEGIN { for (i = 0; i < 1000; i++) { printf "ZADD bigzset:%d", i; for (j = 0; j < 1000; j++) printf " %d member:%d", j, j; printf "\r\n" } }' |
    redis-cli -p "$PORT" --pipe >/dev/null
report "+1k zsets x 1000 members"
awk 'BEGIN { for (i = 0; i < 1000; i++) { printf "HSET bighash:%d", i; for (j = 0; j < 1000; j++) printf " field:%d value:%d", j, j; printf "\r\n" } }' |
    redis-cli -p "$PORT" --pipe >/dev/null
report "+1k hashes x 1000 fields"
