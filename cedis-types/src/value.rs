//! [`Value`]: what a key holds.

use std::mem::size_of;

use crate::{Hash, List, Set, StringValue, ZSet};

/// The value of a key. Collections (list, hash, set, zset, stream) join as they are built.
///
/// 24 bytes, the size of a [`StringValue`] (strings of up to 22 bytes live inside it with
/// no heap allocation). Keep new variants to one pointer (`Box<…>`): the string's tag byte
/// has spare values, so such variants share its 24 bytes instead of adding a tag.
///
/// ```
/// assert!(std::mem::size_of::<cedis_types::Value>() <= 24);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Value {
    String(StringValue),
    List(Box<List>),
    Hash(Box<Hash>),
    Set(Box<Set>),
    ZSet(Box<ZSet>),
}

impl Value {
    /// A string value stored as `SET` stores it (see [`StringValue::from_bytes`]: `int`,
    /// `embstr` or `raw`).
    ///
    /// ```
    /// use cedis_types::Value;
    /// assert_eq!(Value::string(b"123").encoding(), "int");
    /// assert_eq!(Value::string(b"abc").encoding(), "embstr");
    /// ```
    pub fn string(bytes: &[u8]) -> Value {
        Value::String(StringValue::from_bytes(bytes))
    }

    /// The name `TYPE` reports: `string`, `list`, `hash`, `set`, `zset`, `stream`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
        }
    }

    /// The name `OBJECT ENCODING` reports (`int`, `embstr`, `raw`, `listpack`, …).
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::String(s) => s.encoding(),
            Value::List(l) => l.encoding(),
            Value::Hash(h) => h.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
        }
    }

    /// Bytes this value occupies (its heap allocations plus the inline part,
    /// `size_of::<Value>()`), kept O(1) so the keyspace can account memory incrementally.
    pub fn mem_usage(&self) -> usize {
        match self {
            Value::String(s) => s.mem_usage(),
            Value::List(l) => size_of::<Value>() + l.mem_usage(),
            Value::Hash(h) => size_of::<Value>() + h.mem_usage(),
            Value::Set(s) => size_of::<Value>() + s.mem_usage(),
            Value::ZSet(z) => size_of::<Value>() + z.mem_usage(),
        }
    }

    pub fn as_string(&self) -> Option<&StringValue> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_string_mut(&mut self) -> Option<&mut StringValue> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_list_mut(&mut self) -> Option<&mut List> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_hash(&self) -> Option<&Hash> {
        match self {
            Value::Hash(h) => Some(h),
            _ => None,
        }
    }

    pub fn as_hash_mut(&mut self) -> Option<&mut Hash> {
        match self {
            Value::Hash(h) => Some(h),
            _ => None,
        }
    }

    pub fn as_set(&self) -> Option<&Set> {
        match self {
            Value::Set(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_set_mut(&mut self) -> Option<&mut Set> {
        match self {
            Value::Set(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_zset(&self) -> Option<&ZSet> {
        match self {
            Value::ZSet(z) => Some(z),
            _ => None,
        }
    }

    pub fn as_zset_mut(&mut self) -> Option<&mut ZSet> {
        match self {
            Value::ZSet(z) => Some(z),
            _ => None,
        }
    }
}

impl From<StringValue> for Value {
    fn from(value: StringValue) -> Value {
        Value::String(value)
    }
}
