//! Test harness for cedis: starts the real `cedis` binary (or, with
//! `CEDIS_TEST_TARGET=redis`, a real `redis-server`) and talks to it over TCP.
//!
//! - [`TestServer`]: a server process on a free port in a fresh temp dir, killed on drop.
//!   `TestServer::start()`, `with_args(&[..])`, `with_config(text, &[..])`, or
//!   `TestServer::builder()` for more.
//! - [`RawConn`]: byte-level client (`send`, `cmd`, `read_raw_reply`, `read_frame`,
//!   `expect_closed`) with read timeouts, for exact replies and protocol errors.
//! - [`Differential`]: the same input to cedis and to a real `redis-server`; replies must be
//!   equal byte for byte, or under a [`Mask`].
//! - [`reference`]: the harness's own RESP parser, independent of `cedis_resp`.
//!
//! Environment:
//! - `CEDIS_TEST_TARGET=redis`: run every test against real Redis (validates the tests).
//! - `CEDIS_BIN=/path/to/cedis`: use this binary instead of building one.
//! - `CEDIS_REQUIRE_REDIS=1`: a missing `redis-server`/`redis-benchmark`/`redis-cli` fails
//!   the tests that need it instead of skipping them (CI sets this).
//! - `CEDIS_KEEP_TEST_DIRS=1`: keep server temp dirs (logs, config files) after the tests.
//! - `CEDIS_TEST_DECODER=reference`: decode replies with the reference parser only, not
//!   `cedis_resp::Decoder` (to tell a decoder bug from a server bug).

pub mod both;
pub mod cli;
pub mod differential;
pub mod raw;
pub mod reference;
pub mod server;
pub mod util;

pub use both::Both;
pub use differential::{blank_docs_prose, Differential, Mask};
pub use raw::{encode_command, RawConn};
pub use server::{cedis_binary, target_is_redis, FailedStart, ServerBuilder, Target, TestServer};
pub use util::{
    assert_help, check_help, client_field, client_fields, frame_items, frame_pairs, frame_text,
    redis_required, redis_tool, show, wait_until, XorShift64,
};

/// Returns early (printing `SKIPPED`) when the tests target real Redis: for tests of
/// behaviour that only cedis has, such as its own log format.
#[macro_export]
macro_rules! cedis_only {
    ($why:expr) => {
        if $crate::target_is_redis() {
            eprintln!("SKIPPED under CEDIS_TEST_TARGET=redis: {}", $why);
            return;
        }
    };
}
