#!/usr/bin/env bash
# Runs units of Redis 7.0.15's own TCL test suite against cedis.
#
#   scripts/redis-tcl.sh unit/protocol unit/auth      # units to run
#
# The suite is not part of this repository: extract it (tag 7.0.15, `runtest` and `tests/`)
# into ./redis-tests (git-ignored), e.g. `git -C <redis clone> archive 7.0.15 runtest tests |
# tar -x -C redis-tests`. This script links the suite's src/ to Debian's redis tools and to
# the cedis binary (as src/redis-server), then runs each unit with one client, printing the
# suite's own summary per unit. Needs tclsh and redis-tools (apt-get install tcl redis-tools).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
suite=${REDIS_TESTS:-$root/redis-tests}
profile=${CEDIS_PROFILE:-release}
[ -x "$suite/runtest" ] || { echo "no Redis test suite in $suite (see the comment at the top)"; exit 2; }
if [ "$profile" = release ]; then
  cargo build --release --bin cedis --manifest-path "$root/Cargo.toml"
else
  cargo build --bin cedis --manifest-path "$root/Cargo.toml"
fi
mkdir -p "$suite/src"
for tool in redis-cli redis-benchmark redis-check-aof redis-check-rdb; do
  ln -sf "$(command -v $tool)" "$suite/src/$tool"
done
# CEDIS_TCL_SERVER=/usr/bin/redis-server runs the same units against real Redis (the baseline).
ln -sf "${CEDIS_TCL_SERVER:-$root/target/$profile/cedis}" "$suite/src/redis-server"
cd "$suite"
status=0
for unit in "$@"; do
  echo "=== $unit"
  log="/tmp/cedis-tcl-$(basename "${CEDIS_TCL_SERVER:-cedis}")-${unit//\//_}.log"
  ./runtest --single "$unit" --clients 1 --durable --timeout 120 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g' | tee "$log" | grep -E '^\[(ok|err|exception|skip)\]' || true
  echo "--- $unit: ok=$(grep -c '^\[ok\]' "$log") err=$(grep -c '^\[err\]' "$log") exception=$(grep -c '^\[exception\]' "$log") (log: $log)"
done
exit $status
