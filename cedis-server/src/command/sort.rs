//! SORT and SORT_RO: sort (or just page through) a list, set or sorted set, optionally
//! by weights and with values read from other keys, optionally storing the result.
//!
//! Every rule below was found by running the same calls against Redis 7.0.15:
//! - Options come in any order after the key and are all parsed before the key is looked
//!   up (`SORT str foo` is a syntax error, not WRONGTYPE). The last BY, LIMIT and STORE
//!   win, but one BY pattern without `*` turns sorting off for good (`BY nosort`).
//! - Numeric sorting reads each element (or its BY weight) as `strtod` would: leading
//!   white space and `0x` floats are fine, trailing garbage, NaN, overflow and underflow
//!   (subnormals too) are `ERR One or more scores can't be converted into double`; the
//!   empty string and a missing weight count as 0. Equal scores fall back to comparing
//!   the elements byte by byte.
//! - ALPHA compares bytes (Redis's `strcoll` under the C locale). With BY, a missing
//!   weight sorts first and equal weights keep the source order (no tie-break).
//! - Without sorting, elements come in the key's own order (a sorted set by score);
//!   DESC reverses it. A set sorted for STORE is always sorted ALPHA so that the stored
//!   list does not depend on hash order.
//! - Not copied: to sort a sorted set, Redis converts a listpack-encoded one to a
//!   skiplist for good (OBJECT ENCODING changes, even under SORT_RO) and reads it in hash
//!   order, so elements whose weights tie under ALPHA come out in an order that differs
//!   from run to run. Here the sorted set is left alone and read in score order.
//! - Patterns: the first `*` is replaced by the element; `->field` after that `*` (with a
//!   non-empty field) reads a hash field instead of a string; `GET #` is the element
//!   itself. A missing key, a wrong type or a pattern without `*` reads as nil.

use std::cmp::Ordering;

use bytes::Bytes;
use cedis_store::{Keyspace, Ttl};
use cedis_types::{List, Value};

use super::{Acl, Command, Ctx, Doc, Flags, KeySpec, KeySpecFlags as K};
use crate::args::{is_keyword, Args};
use crate::config::keyspace_events as ev;
use crate::error::{CommandError, CommandResult};

/// The parsed options of one SORT call.
#[derive(Debug, Default)]
struct SortOptions<'a> {
    by: Option<&'a [u8]>,
    dont_sort: bool,
    /// `(offset, count)` as given: a negative offset is 0, a negative count is "all".
    limit: Option<(i64, i64)>,
    gets: Vec<&'a [u8]>,
    desc: bool,
    alpha: bool,
    store: Option<&'a Bytes>,
}

impl<'a> SortOptions<'a> {
    fn parse(argv: &'a [Bytes], read_only: bool) -> Result<SortOptions<'a>, CommandError> {
        let mut opts = SortOptions::default();
        let mut args = Args::new(argv, 2);
        while let Ok(arg) = args.next_bytes() {
            let left = args.remaining();
            if is_keyword(arg, "asc") {
                opts.desc = false;
            } else if is_keyword(arg, "desc") {
                opts.desc = true;
            } else if is_keyword(arg, "alpha") {
                opts.alpha = true;
            } else if is_keyword(arg, "limit") && left >= 2 {
                let offset = args.next_i64()?;
                let count = args.next_i64()?;
                opts.limit = Some((offset, count));
            } else if is_keyword(arg, "store") && left >= 1 && !read_only {
                opts.store = Some(args.next_bytes()?);
            } else if is_keyword(arg, "by") && left >= 1 {
                let pattern = args.next_bytes()?;
                opts.dont_sort |= !pattern.contains(&b'*');
                opts.by = Some(pattern);
            } else if is_keyword(arg, "get") && left >= 1 {
                opts.gets.push(args.next_bytes()?);
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(opts)
    }

    /// The `start..end` slice of `len` results LIMIT selects.
    fn window(&self, len: usize) -> (usize, usize) {
        let Some((offset, count)) = self.limit else {
            return (0, len);
        };
        let start = usize::try_from(offset.max(0))
            .unwrap_or(usize::MAX)
            .min(len);
        let end = match usize::try_from(count) {
            Ok(count) => start.saturating_add(count).min(len),
            Err(_) => len,
        };
        (start, end)
    }
}

/// The key (and hash field) a BY/GET pattern names for one element; `None` when the
/// pattern has no `*`.
///
/// `w_*` gives key `w_<element>`; `h_*->f` gives field `f` of hash `h_<element>`; an
/// `->` before the `*` or at the very end is part of the key name.
fn pattern_target<'p>(pattern: &'p [u8], element: &[u8]) -> Option<(Vec<u8>, Option<&'p [u8]>)> {
    let star = pattern.iter().position(|&b| b == b'*')?;
    let after = &pattern[star + 1..];
    let (suffix, field) = match after.windows(2).position(|w| w == b"->") {
        Some(arrow) if arrow + 2 < after.len() => (&after[..arrow], Some(&after[arrow + 2..])),
        _ => (after, None),
    };
    let mut key = Vec::with_capacity(pattern.len() + element.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(element);
    key.extend_from_slice(suffix);
    Some((key, field))
}

/// What a pattern reads for one element: a string key's value or a hash field.
fn lookup_pattern(db: &mut Keyspace, now: u64, pattern: &[u8], element: &[u8]) -> Option<Vec<u8>> {
    if pattern == b"#" {
        return Some(element.to_vec());
    }
    let (key, field) = pattern_target(pattern, element)?;
    let value = db.get_for_read(&key, now)?;
    match field {
        Some(field) => value.as_hash()?.get(field).map(<[u8]>::to_vec),
        None => value.as_string().map(|s| s.to_bytes().into_owned()),
    }
}

/// An element's numeric sort key, read as C's `strtod` with a full-match check would.
fn sort_score(bytes: &[u8]) -> Result<f64, CommandError> {
    if bytes.is_empty() {
        return Ok(0.0);
    }
    let start = bytes
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
        .unwrap_or(bytes.len());
    cedis_types::number::parse_f64(&bytes[start..])
        .filter(|v| *v == 0.0 || v.abs() >= f64::MIN_POSITIVE)
        .ok_or(CommandError::SortScoreNotDouble)
}

/// One element with what it sorts by.
struct Item {
    element: Vec<u8>,
    score: f64,
    weight: Option<Vec<u8>>,
}

/// The elements of the key in its own order.
fn source_elements(value: &Value) -> Result<Vec<Vec<u8>>, CommandError> {
    if let Some(list) = value.as_list() {
        Ok(list.iter().map(<[u8]>::to_vec).collect())
    } else if let Some(set) = value.as_set() {
        Ok(set.iter().map(|m| m.into_owned()).collect())
    } else if let Some(zset) = value.as_zset() {
        Ok(zset.iter_from(0, false).map(|(_, m)| m.to_vec()).collect())
    } else {
        Err(CommandError::WrongType)
    }
}

/// Sorts `elements` as the options say (weights read from `db`).
fn sort_elements(
    db: &mut Keyspace,
    now: u64,
    opts: &SortOptions<'_>,
    elements: Vec<Vec<u8>>,
) -> Result<Vec<Vec<u8>>, CommandError> {
    let mut items = Vec::with_capacity(elements.len());
    for element in elements {
        let weight = opts.by.and_then(|by| lookup_pattern(db, now, by, &element));
        let score = match (opts.alpha, opts.by) {
            (true, _) => 0.0,
            (false, Some(_)) => weight.as_deref().map_or(Ok(0.0), sort_score)?,
            (false, None) => sort_score(&element)?,
        };
        items.push(Item {
            element,
            score,
            weight,
        });
    }
    let compare = |a: &Item, b: &Item| -> Ordering {
        let order = match (opts.alpha, opts.by.is_some()) {
            (true, true) => match (&a.weight, &b.weight) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(x), Some(y)) => x.cmp(y),
            },
            (true, false) => a.element.cmp(&b.element),
            (false, _) => a
                .score
                .partial_cmp(&b.score)
                .unwrap_or(Ordering::Equal)
                .then_with(|| a.element.cmp(&b.element)),
        };
        if opts.desc {
            order.reverse()
        } else {
            order
        }
    };
    // Stable, as glibc's merge-sort `qsort` is: equal ALPHA weights keep source order.
    items.sort_by(compare);
    Ok(items.into_iter().map(|item| item.element).collect())
}

fn sort_generic(ctx: &mut Ctx<'_>, argv: &[Bytes], read_only: bool) -> CommandResult {
    let mut opts = SortOptions::parse(argv, read_only)?;
    let (db, now, reply) = ctx.db_and_reply();
    let value = db.get_for_read(&argv[1], now);
    if value.is_some_and(|v| v.as_set().is_some()) && opts.store.is_some() && opts.dont_sort {
        opts.dont_sort = false;
        opts.alpha = true;
        opts.by = None;
    }
    let elements = match value {
        Some(value) => source_elements(value)?,
        None => Vec::new(),
    };
    let mut elements = if opts.dont_sort {
        elements
    } else {
        sort_elements(db, now, &opts, elements)?
    };
    if opts.dont_sort && opts.desc {
        elements.reverse();
    }
    let (start, end) = opts.window(elements.len());
    let selected = &elements[start..end];
    let mut results: Vec<Option<Vec<u8>>> = Vec::new();
    for element in selected {
        if opts.gets.is_empty() {
            results.push(Some(element.clone()));
        }
        for pattern in &opts.gets {
            results.push(lookup_pattern(db, now, pattern, element));
        }
    }
    match opts.store {
        Some(dest) => {
            reply.int(i64::try_from(results.len()).unwrap_or(i64::MAX));
            if results.is_empty() {
                if db.remove(dest, now).is_some() {
                    ctx.notify(ev::GENERIC, "del", dest);
                }
            } else {
                let list: List = results
                    .iter()
                    .map(|r| r.as_deref().unwrap_or(b""))
                    .collect();
                db.set(dest, Value::List(Box::new(list)), Ttl::Clear, now);
                ctx.notify(ev::LIST, "sortstore", dest);
            }
        }
        None => {
            reply.array(results.len());
            for result in &results {
                reply.bulk_or_null(result.as_deref());
            }
        }
    }
    Ok(())
}

fn sort(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    sort_generic(ctx, argv, false)
}

fn sort_ro(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    sort_generic(ctx, argv, true)
}

/// SORT's keys for `COMMAND GETKEYS`: the sorted key and the last STORE destination,
/// skipping the arguments of LIMIT, BY and GET (so `GET store` is a pattern).
fn sort_keys(argv: &[Bytes]) -> Vec<(usize, K)> {
    let mut keys = vec![(1, K::RO.union(K::ACCESS))];
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let arg = &argv[i];
        let skip = if is_keyword(arg, "limit") {
            2
        } else if is_keyword(arg, "get") || is_keyword(arg, "by") {
            1
        } else if is_keyword(arg, "store") {
            if i + 1 < argv.len() {
                store = Some(i + 1);
            }
            1
        } else {
            0
        };
        i += 1 + skip;
    }
    if let Some(store) = store {
        keys.push((store, K::OW.union(K::UPDATE)));
    }
    keys
}

const SORT_ACL: Acl = Acl::SET
    .union(Acl::SORTEDSET)
    .union(Acl::LIST)
    .union(Acl::DANGEROUS);
const SORTED_KEY: KeySpec = KeySpec::single(K::RO.union(K::ACCESS), 1);
const PATTERN_KEYS: KeySpec = KeySpec::unknown(K::RO.union(K::ACCESS)).notes(
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive \
     from the content of the key we sort",
);
const STORE_KEY: KeySpec = KeySpec::unknown(K::OW.union(K::UPDATE)).notes(
    "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear \
     anywhere in the argument array",
);
const COMPLEXITY: &str = "O(N+M*log(M)) where N is the number of elements to sort and M the \
     number returned; O(N) when the elements are not sorted";
/// The options SORT and SORT_RO share, in the docs notation (a macro so that `concat!`
/// can add SORT's STORE).
macro_rules! sort_options {
    () => {
        "key:key [BY pattern:pattern#1] [offset_count= LIMIT offset:integer count:integer] \
         [GET+ pattern:pattern#1 ...] [order=(ASC|DESC)] [sorting= ALPHA]"
    };
}

pub static COMMANDS: &[Command] = &[
    Command::new(
        "sort",
        -2,
        Doc::new(
            "Sorts a list, set or sorted set, optionally storing the result.",
            "1.0.0",
            "generic",
            COMPLEXITY,
            concat!(sort_options!(), " [STORE destination:key#2]"),
        ),
        sort,
    )
    .flags(Flags::WRITE.union(Flags::DENYOOM).union(Flags::MOVABLEKEYS))
    .acl(SORT_ACL)
    .keys(1, 1, 1)
    .key_specs(&[SORTED_KEY, PATTERN_KEYS, STORE_KEY])
    .get_keys(sort_keys),
    Command::new(
        "sort_ro",
        -2,
        Doc::new(
            "Sorts a list, set or sorted set without storing: SORT for read-only contexts.",
            "7.0.0",
            "generic",
            COMPLEXITY,
            sort_options!(),
        ),
        sort_ro,
    )
    .flags(Flags::READONLY.union(Flags::MOVABLEKEYS))
    .acl(SORT_ACL)
    .keys(1, 1, 1)
    .key_specs(&[SORTED_KEY, PATTERN_KEYS]),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn target(pattern: &str, element: &str) -> Option<(String, Option<String>)> {
        pattern_target(pattern.as_bytes(), element.as_bytes()).map(|(key, field)| {
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            (text(&key), field.map(text))
        })
    }

    #[test]
    fn patterns_name_keys_and_hash_fields() {
        let owned = |k: &str, f: Option<&str>| Some((k.to_string(), f.map(str::to_string)));
        assert_eq!(target("w_*", "a"), owned("w_a", None));
        assert_eq!(target("*", "a"), owned("a", None));
        assert_eq!(target("x*y*", "1"), owned("x1y*", None));
        assert_eq!(target("h_*->f", "a"), owned("h_a", Some("f")));
        assert_eq!(target("h_*->f->g", "a"), owned("h_a", Some("f->g")));
        assert_eq!(target("h_*->", "a"), owned("h_a->", None));
        assert_eq!(target("a->*", "1"), owned("a->1", None));
        assert_eq!(target("nosort", "a"), None);
    }

    #[test]
    fn scores_follow_strtod_with_a_full_match() {
        assert_eq!(sort_score(b""), Ok(0.0));
        assert_eq!(sort_score(b" \t1.5"), Ok(1.5));
        assert_eq!(sort_score(b"0x10"), Ok(16.0));
        assert_eq!(sort_score(b"-Infinity"), Ok(f64::NEG_INFINITY));
        for bad in [&b"1 "[..], b" ", b"nan", b"1e500", b"1e-310", b"abc"] {
            assert_eq!(sort_score(bad), Err(CommandError::SortScoreNotDouble));
        }
    }

    #[test]
    fn limit_windows_clip_to_the_result() {
        let opts = |limit| SortOptions {
            limit,
            ..SortOptions::default()
        };
        assert_eq!(opts(None).window(5), (0, 5));
        assert_eq!(opts(Some((1, 2))).window(5), (1, 3));
        assert_eq!(opts(Some((-1, 2))).window(5), (0, 2));
        assert_eq!(opts(Some((1, -1))).window(5), (1, 5));
        assert_eq!(opts(Some((10, 1))).window(5), (5, 5));
        assert_eq!(opts(Some((i64::MAX, i64::MAX))).window(5), (5, 5));
    }
}
