# Sourced by the comparison scripts: sets CEDIS_BIN to an absolute path of the cedis binary.
# A CEDIS_BIN already set (a binary built elsewhere, for a machine without cargo) is used
# as given; otherwise a release build is made here first.
if [ -z "${CEDIS_BIN:-}" ]; then
  cargo build --release --bin cedis --manifest-path "$root/Cargo.toml" >&2
  CEDIS_BIN=${CARGO_TARGET_DIR:-$root/target}/release/cedis
fi
CEDIS_BIN=$(realpath "$CEDIS_BIN")
