//! Values: the type byte and the body of one key's value, both directions.
//!
//! Written as Redis 7.0 writes the same `OBJECT ENCODING`:
//!
//! | value | encoding | type | body |
//! | --- | --- | --- | --- |
//! | string | any | 0 | string |
//! | list | quicklist | 18 | node count, then per node a container (1 plain, 2 packed) and a string (the element, or a listpack) |
//! | set | intset | 11 | string holding an intset |
//! | set | hashtable | 2 | count, members |
//! | hash | listpack | 16 | string holding a listpack of field, value, … |
//! | hash | hashtable | 4 | count, field/value pairs |
//! | zset | listpack | 17 | string holding a listpack of member, score (text), … ascending |
//! | zset | skiplist | 5 | count, member and 8-byte LE double pairs, highest score first |
//!
//! Read back: all of those plus the older types Redis 7.0 still loads (1 linked list,
//! 3 zset with text scores, 9 zipmap hash, 10 ziplist list, 12 ziplist zset, 13 ziplist
//! hash, 14 quicklist of ziplists). Streams (15, 19) are skipped over; modules (6, 7) are
//! an error. Every compact blob is validated in full (as `sanitize-dump-payload yes`).

use std::io::Read;

use cedis_types::hash::Limits as HashLimits;
use cedis_types::zset::Inserted;
use cedis_types::{Hash, List, Set, StringValue, Value, ZSet};

use super::input::Input;
use super::length::{read_len, write_len};
use super::listpack::{self, Entry};
use super::score::{d2string, parse_score};
use super::string::{read_string, skip_string, write_i64, write_string};
use super::{intset, types, ziplist, zipmap, LoadLimits, WriteOptions};
use crate::error::{Corrupt, RdbError};

/// A value this crate cannot write (a `Value` variant newer than it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot serialize a value of type {0}")]
pub struct UnsupportedValue(pub &'static str);

/// Appends `value`'s type byte and body; the type byte is returned too.
pub(crate) fn write_value(
    out: &mut Vec<u8>,
    value: &Value,
    opts: &WriteOptions,
) -> Result<u8, UnsupportedValue> {
    let ty = match value {
        Value::String(s) => {
            out.push(types::STRING);
            write_string_value(out, s, opts);
            types::STRING
        }
        Value::List(l) => {
            out.push(types::LIST_QUICKLIST_2);
            write_list(out, l, opts);
            types::LIST_QUICKLIST_2
        }
        Value::Set(s) => write_set(out, s, opts),
        Value::Hash(h) => write_hash(out, h, opts),
        Value::ZSet(z) => write_zset(out, z, opts),
        other => return Err(UnsupportedValue(other.type_name())),
    };
    Ok(ty)
}

fn write_string_value(out: &mut Vec<u8>, s: &StringValue, opts: &WriteOptions) {
    match (s.encoding(), s.as_i64()) {
        ("int", Some(n)) => write_i64(out, n),
        _ => write_string(out, &s.to_bytes(), opts.compression),
    }
}

enum Node<'a> {
    Packed(listpack::Builder),
    Plain(&'a [u8]),
}

/// Whether a quicklist node may take one more element of `size` bytes, as Redis 7.0's
/// quicklist decides it for `list-max-listpack-size` (`fill`); established by
/// experiment: a node stops once its bytes plus the element plus 8 would pass the limit.
fn node_accepts(node: &listpack::Builder, size: usize, fill: i64) -> bool {
    const SAFETY_LIMIT: usize = 8192;
    const LEVELS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
    let new_size = node.size() + size + 8;
    if fill < 0 {
        let level = usize::try_from(-fill - 1)
            .unwrap_or(0)
            .min(LEVELS.len() - 1);
        new_size <= LEVELS[level]
    } else {
        new_size <= SAFETY_LIMIT && (node.len() as i64) < fill
    }
}

fn write_list(out: &mut Vec<u8>, list: &List, opts: &WriteOptions) {
    let mut nodes: Vec<Node<'_>> = Vec::new();
    for element in list.iter() {
        if element.len() >= opts.list_packed_threshold {
            nodes.push(Node::Plain(element));
            continue;
        }
        match nodes.last_mut() {
            Some(Node::Packed(b))
                if node_accepts(b, element.len(), opts.list_max_listpack_size) =>
            {
                b.push(element)
            }
            _ => {
                let mut b = listpack::Builder::new();
                b.push(element);
                nodes.push(Node::Packed(b));
            }
        }
    }
    write_len(out, nodes.len() as u64);
    for node in nodes {
        match node {
            Node::Plain(element) => {
                write_len(out, 1);
                write_string(out, element, opts.compression);
            }
            Node::Packed(b) => {
                write_len(out, 2);
                write_string(out, &b.finish(), opts.compression);
            }
        }
    }
}

fn write_set(out: &mut Vec<u8>, set: &Set, opts: &WriteOptions) -> u8 {
    if let Some(ints) = set.as_intset() {
        let members: Vec<i64> = ints.iter().collect();
        out.push(types::SET_INTSET);
        write_string(
            out,
            &intset::build(&members, ints.width()),
            opts.compression,
        );
        types::SET_INTSET
    } else {
        out.push(types::SET);
        write_len(out, set.len() as u64);
        for m in set.iter() {
            write_string(out, &m, opts.compression);
        }
        types::SET
    }
}

fn write_hash(out: &mut Vec<u8>, hash: &Hash, opts: &WriteOptions) -> u8 {
    if hash.is_compact() {
        let mut b = listpack::Builder::new();
        for (f, v) in hash.iter() {
            b.push(f);
            b.push(v);
        }
        out.push(types::HASH_LISTPACK);
        write_string(out, &b.finish(), opts.compression);
        types::HASH_LISTPACK
    } else {
        out.push(types::HASH);
        write_len(out, hash.len() as u64);
        for (f, v) in hash.iter() {
            write_string(out, f, opts.compression);
            write_string(out, v, opts.compression);
        }
        types::HASH
    }
}

fn write_zset(out: &mut Vec<u8>, zset: &ZSet, opts: &WriteOptions) -> u8 {
    if zset.encoding() == "listpack" {
        let mut b = listpack::Builder::new();
        for (score, member) in zset.iter_from(0, false) {
            b.push(member);
            b.push(d2string(score).as_bytes());
        }
        out.push(types::ZSET_LISTPACK);
        write_string(out, &b.finish(), opts.compression);
        types::ZSET_LISTPACK
    } else {
        out.push(types::ZSET_2);
        write_len(out, zset.len() as u64);
        // Highest score first, as Redis walks its skip list from the tail.
        if !zset.is_empty() {
            for (score, member) in zset.iter_from(zset.len() - 1, true) {
                write_string(out, member, opts.compression);
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
        types::ZSET_2
    }
}

/// What reading a value gave.
#[derive(Debug)]
pub(crate) enum Decoded {
    Value(Value),
    /// A collection with no elements (Redis skips such keys when loading).
    Empty,
    /// A value of a type cedis does not hold (streams), read past; the reason.
    Skipped(String),
}

fn corrupt(offset: u64, kind: Corrupt) -> RdbError {
    RdbError::Corrupt { offset, kind }
}

/// A string holding a compact blob, with its offset for error messages.
fn read_blob<R: Read>(input: &mut Input<R>) -> Result<(u64, Vec<u8>), RdbError> {
    let start = input.offset();
    Ok((start, read_string(input)?))
}

fn listpack_entries(start: u64, blob: &[u8]) -> Result<Vec<Entry<'_>>, RdbError> {
    listpack::parse(blob).map_err(|e| corrupt(start, Corrupt::Listpack(e)))
}

fn ziplist_entries(start: u64, blob: &[u8]) -> Result<Vec<Entry<'_>>, RdbError> {
    ziplist::parse(blob).map_err(|e| corrupt(start, Corrupt::Ziplist(e)))
}

fn non_empty<T>(value: T, is_empty: bool, wrap: impl FnOnce(T) -> Value) -> Decoded {
    if is_empty {
        Decoded::Empty
    } else {
        Decoded::Value(wrap(value))
    }
}

/// Reads the body of a value of type `ty`.
pub(crate) fn read_value<R: Read>(
    input: &mut Input<R>,
    ty: u8,
    limits: &LoadLimits,
) -> Result<Decoded, RdbError> {
    let hash_limits = limits.hash;
    // Compact blobs keep their form unless they hold too many entries (as Redis 7.0).
    let blob_hash_limits = HashLimits {
        max_entries: limits.hash.max_entries,
        max_value: u64::MAX,
    };
    Ok(match ty {
        types::STRING => Decoded::Value(Value::String(StringValue::from_vec(read_string(input)?))),
        types::LIST => {
            let n = read_len(input)?;
            let mut list = List::new();
            for _ in 0..n {
                list.push_back(&read_string(input)?);
            }
            let empty = list.is_empty();
            non_empty(list, empty, |l| Value::List(Box::new(l)))
        }
        types::SET => {
            let n = read_len(input)?;
            let mut set = Set::new();
            for _ in 0..n {
                let start = input.offset();
                let member = read_string(input)?;
                if !set.insert(&member, limits.set_max_intset_entries) {
                    return Err(corrupt(start, Corrupt::Duplicate("set member")));
                }
            }
            let empty = set.is_empty();
            non_empty(set, empty, |s| Value::Set(Box::new(s)))
        }
        types::ZSET | types::ZSET_2 => {
            let n = read_len(input)?;
            let mut zset = ZSet::new();
            for _ in 0..n {
                let start = input.offset();
                let member = read_string(input)?;
                let score = if ty == types::ZSET_2 {
                    f64::from_le_bytes(input.array()?)
                } else {
                    read_text_score(input)?
                };
                if score.is_nan() {
                    return Err(corrupt(start, Corrupt::NanScore));
                }
                let added = zset.insert(
                    score,
                    &member,
                    limits.zset_max_listpack_entries,
                    limits.zset_max_listpack_value,
                );
                if added != Inserted::Added {
                    return Err(corrupt(start, Corrupt::Duplicate("zset member")));
                }
            }
            let empty = zset.is_empty();
            non_empty(zset, empty, |z| Value::ZSet(Box::new(z)))
        }
        types::HASH => {
            let n = read_len(input)?;
            let mut hash = Hash::new();
            for _ in 0..n {
                let start = input.offset();
                let field = read_string(input)?;
                let value = read_string(input)?;
                if !hash.insert(&field, &value, hash_limits) {
                    return Err(corrupt(start, Corrupt::Duplicate("hash field")));
                }
            }
            let empty = hash.is_empty();
            non_empty(hash, empty, |h| Value::Hash(Box::new(h)))
        }
        types::HASH_ZIPMAP => {
            let (start, blob) = read_blob(input)?;
            let pairs = zipmap::parse(&blob).map_err(|e| corrupt(start, Corrupt::Zipmap(e)))?;
            if pairs.is_empty() {
                // Redis never wrote an empty zipmap; its validation refuses one.
                return Err(corrupt(start, Corrupt::Zipmap("empty zipmap")));
            }
            let mut hash = Hash::new();
            for (f, v) in pairs {
                if !hash.insert(f, v, hash_limits) {
                    return Err(corrupt(start, Corrupt::Duplicate("hash field")));
                }
            }
            let empty = hash.is_empty();
            non_empty(hash, empty, |h| Value::Hash(Box::new(h)))
        }
        types::LIST_ZIPLIST => {
            let (start, blob) = read_blob(input)?;
            let mut list = List::new();
            for e in ziplist_entries(start, &blob)? {
                list.push_back(&e.bytes());
            }
            let empty = list.is_empty();
            non_empty(list, empty, |l| Value::List(Box::new(l)))
        }
        types::SET_INTSET => {
            let (start, blob) = read_blob(input)?;
            let members = intset::parse(&blob).map_err(|e| corrupt(start, Corrupt::Intset(e)))?;
            let mut set = Set::new();
            for n in members {
                set.insert(n.to_string().as_bytes(), limits.set_max_intset_entries);
            }
            let empty = set.is_empty();
            non_empty(set, empty, |s| Value::Set(Box::new(s)))
        }
        types::ZSET_ZIPLIST | types::ZSET_LISTPACK => {
            let (start, blob) = read_blob(input)?;
            let entries = if ty == types::ZSET_LISTPACK {
                listpack_entries(start, &blob)?
            } else {
                ziplist_entries(start, &blob)?
            };
            compact_zset(start, &entries, limits)?
        }
        types::HASH_ZIPLIST | types::HASH_LISTPACK => {
            let (start, blob) = read_blob(input)?;
            let entries = if ty == types::HASH_LISTPACK {
                listpack_entries(start, &blob)?
            } else {
                ziplist_entries(start, &blob)?
            };
            if entries.len() % 2 != 0 {
                return Err(corrupt(start, Corrupt::OddEntries("hash")));
            }
            let mut hash = Hash::new();
            for pair in entries.chunks_exact(2) {
                if !hash.insert(&pair[0].bytes(), &pair[1].bytes(), blob_hash_limits) {
                    return Err(corrupt(start, Corrupt::Duplicate("hash field")));
                }
            }
            let empty = hash.is_empty();
            non_empty(hash, empty, |h| Value::Hash(Box::new(h)))
        }
        types::LIST_QUICKLIST | types::LIST_QUICKLIST_2 => {
            let nodes = read_len(input)?;
            let mut list = List::new();
            for _ in 0..nodes {
                let container = if ty == types::LIST_QUICKLIST_2 {
                    read_len(input)?
                } else {
                    QUICKLIST_PACKED
                };
                let (start, blob) = read_blob(input)?;
                if blob.is_empty() {
                    // No node Redis writes is empty, not even a ziplist (11 bytes).
                    return Err(corrupt(start, Corrupt::Quicklist("a node of length 0")));
                }
                match container {
                    QUICKLIST_PLAIN => list.push_back(&blob),
                    QUICKLIST_PACKED => {
                        let entries = if ty == types::LIST_QUICKLIST_2 {
                            listpack_entries(start, &blob)?
                        } else {
                            ziplist_entries(start, &blob)?
                        };
                        // Empty nodes are skipped, as Redis does.
                        for e in entries {
                            list.push_back(&e.bytes());
                        }
                    }
                    _ => return Err(corrupt(start, Corrupt::Quicklist("unknown node container"))),
                }
            }
            let empty = list.is_empty();
            non_empty(list, empty, |l| Value::List(Box::new(l)))
        }
        types::STREAM_LISTPACKS | types::STREAM_LISTPACKS_2 => {
            skip_stream(input, ty)?;
            Decoded::Skipped("stream values are not supported by cedis yet".to_string())
        }
        types::MODULE | types::MODULE_2 => return Err(input.err(Corrupt::ModuleValue(ty))),
        _ => return Err(input.err(Corrupt::UnknownType(ty))),
    })
}

/// Whether `ty` is a value type this crate can read (or skip): the error otherwise.
pub(crate) fn check_type(ty: u8) -> Result<(), Corrupt> {
    match ty {
        types::MODULE | types::MODULE_2 => Err(Corrupt::ModuleValue(ty)),
        types::STRING..=types::ZSET_2 | types::HASH_ZIPMAP..=types::STREAM_LISTPACKS_2 => Ok(()),
        _ => Err(Corrupt::UnknownType(ty)),
    }
}

const QUICKLIST_PLAIN: u64 = 1;
const QUICKLIST_PACKED: u64 = 2;

fn compact_zset(
    start: u64,
    entries: &[Entry<'_>],
    limits: &LoadLimits,
) -> Result<Decoded, RdbError> {
    if entries.len() % 2 != 0 {
        return Err(corrupt(start, Corrupt::OddEntries("zset")));
    }
    let mut zset = ZSet::new();
    for pair in entries.chunks_exact(2) {
        let score = match &pair[1] {
            Entry::Int(n) => *n as f64,
            Entry::Str(s) => parse_score(s).ok_or_else(|| corrupt(start, Corrupt::BadScore))?,
        };
        let added = zset.insert(
            score,
            &pair[0].bytes(),
            limits.zset_max_listpack_entries,
            usize::MAX,
        );
        if added != Inserted::Added {
            return Err(corrupt(start, Corrupt::Duplicate("zset member")));
        }
    }
    let empty = zset.is_empty();
    Ok(non_empty(zset, empty, |z| Value::ZSet(Box::new(z))))
}

/// An old-style score: a length byte then text, or 253/254/255 for nan/inf/-inf.
fn read_text_score<R: Read>(input: &mut Input<R>) -> Result<f64, RdbError> {
    let start = input.offset();
    let len = input.u8()?;
    match len {
        253 => Ok(f64::NAN),
        254 => Ok(f64::INFINITY),
        255 => Ok(f64::NEG_INFINITY),
        n => {
            let text = input.bytes(u64::from(n))?;
            parse_score(&text).ok_or_else(|| corrupt(start, Corrupt::BadScore))
        }
    }
}

/// Reads past a stream value (type 15, or 19 with its extra fields).
///
/// ```text
/// <listpack count> (<master ID: string> <listpack: string>)*
/// <length> <last ID ms> <last ID seq>
/// [19: <first ID ms> <first ID seq> <max deleted ID ms> <seq> <entries added>]
/// <group count> (<name> <last ID ms> <last ID seq> [19: <entries read>]
///    <PEL count> (<16-byte raw ID> <8-byte delivery time> <delivery count>)*
///    <consumer count> (<name> <8-byte seen time> <PEL count> (<16-byte raw ID>)*)*)*
/// ```
fn skip_stream<R: Read>(input: &mut Input<R>, ty: u8) -> Result<(), RdbError> {
    let v2 = ty == types::STREAM_LISTPACKS_2;
    let listpacks = read_len(input)?;
    for _ in 0..listpacks {
        skip_string(input)?;
        skip_string(input)?;
    }
    for _ in 0..3 {
        read_len(input)?;
    }
    if v2 {
        for _ in 0..5 {
            read_len(input)?;
        }
    }
    let groups = read_len(input)?;
    for _ in 0..groups {
        skip_string(input)?;
        read_len(input)?;
        read_len(input)?;
        if v2 {
            read_len(input)?;
        }
        let pel = read_len(input)?;
        for _ in 0..pel {
            input.skip(16 + 8)?;
            read_len(input)?;
        }
        let consumers = read_len(input)?;
        for _ in 0..consumers {
            skip_string(input)?;
            input.skip(8)?;
            let pel = read_len(input)?;
            for _ in 0..pel {
                input.skip(16)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;
