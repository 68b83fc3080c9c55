//! Unit tests of the keyspace's internals: LRU arithmetic and the running memory total.
//! Behaviour through the public API is tested in `cedis-store/tests/`.

use cedis_types::StringValue;

use super::*;

fn string(bytes: &[u8]) -> Value {
    Value::String(StringValue::from_bytes(bytes))
}

#[test]
fn lru_clock_wraps_at_24_bits_and_idle_time_survives_the_wrap() {
    let wrap_ms = (u64::from(LRU_CLOCK_MAX) + 1) * LRU_CLOCK_RESOLUTION_MS;
    assert_eq!(lru_clock(wrap_ms - 1000), LRU_CLOCK_MAX);
    assert_eq!(lru_clock(wrap_ms), 0);
    // Stamped just before the wrap, read 10 s after it: Redis's formula counts
    // LRU_CLOCK_MAX - lru + clock ticks.
    let stamped = lru_clock(wrap_ms - 5_000);
    assert_eq!(lru_idle_ms(stamped, wrap_ms + 10_000), (4 + 10) * 1000);
    assert_eq!(lru_idle_ms(lru_clock(42_000), 42_999), 0);
}

#[test]
fn running_total_matches_a_recount_after_every_kind_of_change() {
    let mut db = Keyspace::new(0);
    let check = |db: &Keyspace| assert_eq!(db.used_memory(), db.recount_memory());
    let now = 10_000;
    db.set(
        b"int",
        Value::String(StringValue::from_i64(5)),
        Ttl::Clear,
        now,
    );
    check(&db);
    db.set(b"long", string(&[b'x'; 300]), Ttl::At(now + 50), now);
    check(&db);
    // Overwrite with a smaller value, keeping the deadline.
    db.set(b"long", string(b"short"), Ttl::Keep, now);
    check(&db);
    // In-place growth: APPEND-style changes make the string raw and bigger.
    db.update(b"long", now, |v| {
        if let Value::String(s) = v {
            s.append(&[b'y'; 1000]);
        }
    });
    check(&db);
    assert!(db.data_bytes >= 1000);
    db.set_expire(b"int", Some(now + 10), now);
    check(&db);
    db.set_expire(b"int", None, now);
    check(&db);
    assert!(db.rename(b"long", b"renamed", now));
    check(&db);
    // Lazy expiry of the renamed key (it kept the deadline now + 50).
    assert!(db.get(b"renamed", now + 51).is_none());
    check(&db);
    db.remove(b"int", now);
    check(&db);
    assert_eq!(db.data_bytes, 0);
    assert_eq!(db.used_memory(), db.table_overhead());
}

#[test]
fn swap_contents_moves_data_and_accounting_but_not_identity() {
    let mut a = Keyspace::new(0);
    let mut b = Keyspace::new(1);
    a.set(b"k", string(&[b'v'; 100]), Ttl::At(99), 0);
    a.get_for_read(b"k", 0);
    let (a_mem, a_hits) = (a.used_memory(), a.stats().keyspace_hits);
    a.swap_contents(&mut b);
    assert_eq!((a.id(), b.id()), (0, 1));
    assert_eq!(b.used_memory(), a_mem);
    assert_eq!(a.used_memory(), a.table_overhead());
    assert_eq!(b.expire_at(b"k", 0), Some(99));
    // Counters stay with the position: the store's totals are unchanged either way.
    assert_eq!(a.stats().keyspace_hits, a_hits);
}

#[test]
fn lookup_kinds_count_and_touch_as_documented() {
    let mut db = Keyspace::new(0);
    db.set(b"k", string(b"v"), Ttl::Clear, 0);
    db.lookup(b"k", 5_000, Lookup::PEEK);
    db.lookup(b"k", 6_000, Lookup::READ.no_touch());
    assert_eq!(
        db.idle_time(b"k", 10_000),
        Some(10),
        "neither lookup touched"
    );
    assert_eq!(db.stats().keyspace_hits, 1, "only the read lookup counted");
    db.lookup(b"k", 10_000, Lookup::WRITE);
    assert_eq!(db.idle_time(b"k", 10_000), Some(0));
    assert_eq!(db.stats().keyspace_hits, 1);
}
