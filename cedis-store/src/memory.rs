//! What a key costs in bytes: the units of the keyspace's incremental memory accounting.
//!
//! `INFO memory`, `MEMORY USAGE` and (later) eviction need the memory a database uses at
//! any moment. Walking the keyspace to find out would be O(keys) per call, so each
//! [`Keyspace`](crate::Keyspace) keeps a running total instead: every insert, overwrite,
//! in-place change, deadline and delete adds or subtracts the cost these functions
//! compute. The hash tables' own overhead (buckets and entry slots, which grow and shrink
//! in steps rather than per key) is read from [`Dict::overhead_bytes`] when asked.
//!
//! What each side counts, so nothing is counted twice: the table's
//! [`Dict::overhead_bytes`] covers its bucket arrays, one node per entry (which holds the
//! key, inline when short, and the [`Entry`] with the value's inline part) and the bytes
//! of keys too long to be inline. The running total adds what the table cannot see: what
//! the value owns on the heap, and a fixed allocator overhead per entry node.
//!
//! The figures are estimates of what the allocator hands out, in the spirit of Redis's
//! `zmalloc_size`: exact heap sizes are not observable without `unsafe` or a custom
//! allocator. What matters, and what the tests check, is that the running total is exactly
//! the sum of these costs over the live keys, so it returns to its baseline when the keys
//! are gone.
//!
//! [`Dict::overhead_bytes`]: crate::dict::Dict::overhead_bytes
//!
//! ```
//! use cedis_store::memory;
//! use cedis_types::{StringValue, Value};
//!
//! let small = Value::String(StringValue::from_i64(42)); // nothing on the heap
//! assert_eq!(memory::entry_cost(&small), memory::ENTRY_OVERHEAD);
//! let big = Value::String(StringValue::from_bytes(&[b'x'; 1000]));
//! assert!(memory::entry_cost(&big) >= 1000);
//! ```

use std::mem::size_of;

use cedis_types::Value;

use crate::keyspace::Entry;

/// Per-node bookkeeping beyond what the table counts. The table already counts each node
/// as the allocator chunk it occupies ([`crate::dict::allocator_chunk`]), so nothing is
/// added here; the constants stay as the one place to adjust if the layout changes.
pub const ENTRY_OVERHEAD: usize = 0;

/// The same for a node of the `expires` table (only keys with a TTL have one).
pub const EXPIRE_OVERHEAD: usize = 0;

/// Allocator overhead of one separately allocated collection element: glibc's malloc
/// adds an 8-byte header, rounds to 16 bytes and hands out at least 32, so a 10-byte
/// element takes a 32-byte chunk. [`Value::mem_usage`] counts the elements' bytes;
/// this is the average on top, measured against resident memory (see
/// `benches/mem-vs-rss.sh`).
pub const ELEMENT_ALLOC_OVERHEAD: usize = 24;

/// Separate heap allocations a value's elements make (O(1)): one per list chunk (8 KiB
/// buffers of packed elements, see [`cedis_types::List`]) or listpack sorted-set member; a
/// skiplist-encoded sorted set keeps its nodes in one arena and makes one only for a long
/// member or a tall node. Strings, hashes and sets count their own (short members and
/// values are inline, long ones are charged by allocator chunk).
fn element_allocations(value: &Value) -> usize {
    match value {
        Value::List(list) => list.heap_allocations(),
        Value::ZSet(zset) => zset.heap_allocations(),
        // Strings, hashes and sets count their own (and `Value` may grow variants).
        _ => 0,
    }
}

/// The part of a value's memory that lives outside the table's node: its heap (its
/// inline part, at most `size_of::<Value>()`, is inside the node, counted by the table)
/// and the allocator's overhead on its elements.
pub fn value_heap(value: &Value) -> usize {
    value.mem_usage().saturating_sub(size_of::<Value>())
        + element_allocations(value) * ELEMENT_ALLOC_OVERHEAD
}

/// Bytes one key with this value adds to its database's running total.
pub fn entry_cost(value: &Value) -> usize {
    value_heap(value) + ENTRY_OVERHEAD
}

/// Bytes a deadline adds to the running total (only keys with a TTL pay it; the table
/// counts the deadline's node itself).
pub fn expire_cost() -> usize {
    EXPIRE_OVERHEAD
}

/// Estimated size of one entry node of the main table: the entry, the key's
/// representation and the chain pointer.
pub const NODE_ESTIMATE: usize = size_of::<Entry>() + size_of::<Box<[u8]>>() + size_of::<usize>();

/// What `MEMORY USAGE` reports for one key: its value, its key bytes, its node and the
/// allocator overhead (as Redis adds the key's `sds` and `sizeof(dictEntry)` to the
/// value). An estimate of the key's share, not a slice of the running total: the table
/// counts short keys inside their node.
pub fn key_usage(key_len: usize, value: &Value) -> usize {
    key_len + value_heap(value) + NODE_ESTIMATE + ENTRY_OVERHEAD
}

/// Bytes one snapshot copy holds while it waits to be written: the key, the whole value
/// and the item itself. Counted apart from the keyspace's running total (see
/// [`crate::snapshot`]).
pub fn snapshot_item_cost(key_len: usize, value: &Value) -> usize {
    key_len + value.mem_usage() + size_of::<crate::snapshot::SnapshotItem>()
}
