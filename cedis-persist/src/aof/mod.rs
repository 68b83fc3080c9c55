//! The append-only file, as Redis 7.0 lays it out on disk ("multi-part AOF").
//!
//! # Directory layout
//!
//! ```text
//! <dir>/<appenddirname>/                       default "appendonlydir"
//!     <appendfilename>.manifest                which files make up the AOF, in order
//!     <appendfilename>.<seq>.base.rdb          base: an RDB snapshot (aof-use-rdb-preamble yes)
//!     <appendfilename>.<seq>.base.aof          base: commands (aof-use-rdb-preamble no)
//!     <appendfilename>.<seq>.incr.aof          commands appended since the base, one or more
//! ```
//!
//! The manifest has one line per file, `file <name> seq <n> type <b|h|i>\n` (base,
//! history, incremental); see [`manifest`]. Loading reads the base, then each incremental
//! file in manifest order. A rewrite (BGREWRITEAOF) first opens a fresh incremental
//! file, so writes go on while the snapshot is taken; when the new base is written, the
//! old base and the older incremental files become history and are deleted.
//!
//! # Modules
//!
//! - [`manifest`]: parsing and writing the manifest with Redis's error texts, file
//!   names, planning and committing a rewrite ([`Manifest`], [`RewritePlan`]), and
//!   migrating a pre-7.0 single-file AOF ([`migrate_old_style`]).
//! - [`writer`]: the command stream ([`AofWriter`], [`encode_command`]), the relative to
//!   absolute expire translation Redis does before logging ([`translate_for_aof`]), and
//!   the `appendfsync` policy ([`FsyncPolicy`], [`FsyncTracker`]).
//! - [`reader`]: loading a file or a whole directory into an [`AofSink`]
//!   ([`read_aof`], [`load_aof_dir`]), RDB preamble, truncated tails and MULTI
//!   without EXEC handled as Redis does.
//! - [`rewrite`]: writing a base from a dataset, as commands ([`AofRewriter`]) or as an
//!   RDB preamble ([`write_rdb_base`]).

pub mod manifest;
pub mod reader;
pub mod rewrite;
pub mod writer;

pub use manifest::{
    base_name, commit_manifest, fsync_dir, incr_name, manifest_name, migrate_old_style,
    temp_incr_name, temp_rewrite_name, AofFileInfo, AofFileKind, LineError, Manifest,
    ManifestError, RewriteMode, RewritePlan,
};
pub use reader::{
    load_aof_dir, read_aof, truncate_file, AofError, AofLoadOptions, AofSink, DirLoadOutcome,
    LoadOutcome, Truncation,
};
pub use rewrite::{write_rdb_base, AofRewriter, REWRITE_ITEMS_PER_CMD};
pub use writer::{
    encode_command, translate_for_aof, AofWriter, ExpireError, FsyncPolicy, FsyncTracker,
};
