//! Keyspace notifications (`notify-keyspace-events`) compared with real Redis 7.0.15.
//!
//! Each server gets a subscriber (`PSUBSCRIBE __key*__:*`) and a client that runs a script
//! of commands. After every command the client publishes a marker on a `__keyevent`
//! channel, and the subscriber reads up to it: the messages in between are what that one
//! command published. They must be the same bytes on both servers (event names, order,
//! keys, databases, keyspace and keyevent channels). Replies must match too, except for
//! commands whose reply is random (SPOP, SRANDMEMBER …), which still must publish the same
//! events.
//!
//! Scripts are one command per line, split on spaces; `''` is an empty argument.

use std::time::Duration;

use cedis_tests::{show, Both, RawConn, TestServer};

/// The channel of the marker published after each command (matched by the pattern).
const MARKER: &[u8] = b"__keyevent@0__:--marker--";

/// Commands whose replies differ between runs (random members); only their events are
/// compared.
const RANDOM: &[&str] = &[
    "spop",
    "srandmember",
    "hrandfield",
    "zrandmember",
    "randomkey",
];

fn words(line: &str) -> Vec<Vec<u8>> {
    line.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w == "''" {
                Vec::new()
            } else {
                w.as_bytes().to_vec()
            }
        })
        .collect()
}

/// A subscriber connection on `__key*__:*`.
fn subscriber(conn: RawConn) -> RawConn {
    let mut conn = conn;
    conn.send_cmd(&["PSUBSCRIBE", "__key*__:*"]);
    conn.read_raw_reply();
    conn
}

/// Everything `sub` received up to (not including) the next marker.
fn until_marker(sub: &mut RawConn) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let message = sub.read_raw_reply();
        if message.windows(MARKER.len()).any(|w| w == MARKER) {
            return out;
        }
        out.extend_from_slice(&message);
    }
}

/// Both servers, their subscribers, and notifications configured as `flags`.
struct Pair {
    both: Both,
    sub_s: RawConn,
    sub_r: RawConn,
}

impl Pair {
    fn new(flags: &str) -> Option<Pair> {
        let mut both = Both::with_args(&["--enable-debug-command", "yes"])?;
        both.check(&["CONFIG", "SET", "notify-keyspace-events", flags]);
        // Subscribers connect to the same servers as the clients.
        let sub_s = subscriber(RawConn::connect(both.s.stream().peer_addr().unwrap()));
        let sub_r = subscriber(RawConn::connect(both.r.stream().peer_addr().unwrap()));
        Some(Pair { both, sub_s, sub_r })
    }

    /// Runs `script`, comparing each command's reply and published messages.
    fn script(&mut self, script: &str) {
        for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let cmd = words(line);
            let random = RANDOM
                .iter()
                .any(|name| cmd[0].eq_ignore_ascii_case(name.as_bytes()));
            if random {
                self.both.run(&cmd);
            } else {
                self.both.check(&cmd);
            }
            self.both.run(&[&b"PUBLISH"[..], MARKER, b"x"]);
            let s = until_marker(&mut self.sub_s);
            let r = until_marker(&mut self.sub_r);
            assert!(
                s == r,
                "notifications differ after `{line}`\n  subject: {}\n  redis:   {}",
                show(&s),
                show(&r)
            );
        }
    }
}

/// Runs `script` on both servers with notifications configured as `flags`.
fn compare(flags: &str, script: &str) {
    let Some(mut pair) = Pair::new(flags) else {
        return;
    };
    // Scripts leave keys already expired (`SET … EXAT 1`); only lazy expiry may remove
    // them, or the active cycle's timing would decide where `expired` comes.
    pair.both.run(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
    pair.script(script);
}

const STRINGS: &str = "
    set a 1
    set a 2
    set a 3 ex 100
    set a 4 keepttl
    set a 5 nx
    set a 6 xx px 100000
    set b 1 get
    set b 2 xx get
    setnx a 1
    setnx c 1
    setex d 100 1
    psetex e 100000 1
    getset a 9
    getset new1 9
    getdel a
    getdel a
    getex b ex 100
    getex b persist
    getex b persist
    getex b
    getex b exat 1
    getex nokey ex 10
    mset x 1 y 2 x 3
    msetnx x 1 z 1
    msetnx p 1 q 1
    append p xx
    append newa xx
    setrange p 0 a
    setrange p 0 ''
    setrange newr 0 ''
    setrange newr2 2 a
    incr n
    incrby n 5
    decr n
    decrby n 3
    incrby n 0
    incrbyfloat n 1.5
    incrbyfloat f 1.5
    set s foo
    incr s
    incrbyfloat s 1
    set a 5 px 1000000
    set a 5 exat 1
    get nokey
    mget nokey a nokey2
    strlen nokey
    getrange nokey 0 1
    substr nokey 0 1
    lcs nokey nokey2
";

#[test]
fn strings() {
    compare("KEA", STRINGS);
    compare("KEAnm", STRINGS);
}

const BITMAPS: &str = "
    setbit bm 3 1
    setbit bm 3 1
    setbit bm 3 0
    setbit bm 100 0
    setbit bm 100 0
    setbit n1 5 0
    set p abc
    bitop and dest bm p
    bitop and dest2 nokey nokey2
    bitop or dest nokey
    bitop not dest3 nokey
    bitfield bf set u8 0 1
    bitfield bf get u8 0
    bitfield bf set u8 0 1
    bitfield bf incrby u8 0 0
    bitfield bf incrby u8 0 1
    bitfield bf set u8 8 0
    bitfield bf2 get u8 0
    bitfield bf overflow fail incrby u8 0 1000
    bitfield bf3 overflow fail incrby u8 0 1000
    bitfield bf overflow fail incrby u8 0 1000 set u8 0 7
    bitfield bf get u8 0 set u8 0 7
    bitfield_ro bf get u8 0
    bitfield_ro nokey get u8 0
    getbit nokey 1
    bitcount nokey
    bitpos nokey 1
";

#[test]
fn bitmaps() {
    compare("KEA", BITMAPS);
    compare("KEAnm", BITMAPS);
}

const LISTS: &str = "
    lpush l a b
    rpush l c
    lpushx l d
    rpushx l e
    lpushx nol a
    rpushx nol a
    linsert l before a X
    linsert l after a Y
    linsert l before nothere Y
    linsert nol before a X
    lset l 0 Z
    lrem l 0 nothere
    lrem l 1 X
    lrem l -1 Y
    ltrim l 0 100
    ltrim l 0 2
    lpop l
    rpop l 0
    rpop l 5
    lpop nol
    lpop nol 2
    lpush m a
    lpop m
    rpush m a b
    rpop m 2
    rpush m a b c
    lmove m m2 left right
    lmove m m2 right left
    lmove m m2 left left
    lmove m2 m2 left right
    rpoplpush m2 m3
    rpoplpush m2 m2
    rpoplpush nol m3
    lmove nol m3 left left
    lmpop 1 m3 left count 10
    rpush m4 a b
    lmpop 2 nol m4 right
    lmpop 2 nol m4 left count 5
    rpush x a b c
    ltrim x 5 10
    ltrim x 5 10
    rpush x a b c
    lrem x 0 a
    lrem x 0 b
    lrem x 0 c
    rpush x a
    lset x 0 a
    lrange nokey 0 -1
    llen nokey
    lindex nokey 0
    lpos nokey a
    set str v
    rpush y a
    lmove y str left left
";

#[test]
fn lists() {
    compare("KEA", LISTS);
    compare("KEAnm", LISTS);
}

const HASHES: &str = "
    hset h a 1
    hset h a 1
    hset h a 2 b 3
    hmset h c 1
    hsetnx h a 5
    hsetnx h z 5
    hsetnx h2 z 5
    hdel h nothere
    hdel h a b
    hdel h c z
    hincrby h f 1
    hincrby h f 0
    hincrbyfloat h f 1.5
    hincrbyfloat h3 f 1.5
    hdel h2 f z
    hincrby h2 z x
    hset h f notanumber
    hincrby h f 1
    hget nokey f
    hgetall nokey
    hmget nokey f
    hlen nokey
    hexists nokey f
    hstrlen nokey f
    hkeys nokey
    hvals nokey
    hrandfield nokey
    hscan nokey 0
";

#[test]
fn hashes() {
    compare("KEA", HASHES);
    compare("KEAnm", HASHES);
}

const SETS: &str = "
    sadd s a b
    sadd s a
    srem s x
    srem s a
    srem s b
    srem nos a
    sadd s a b c d
    spop s
    spop s 0
    spop s 1
    spop s 10
    spop s
    spop s 3
    sadd s a b
    spop s 2
    sadd s a b c
    srandmember s
    smove s s2 a
    smove s s2 a
    smove s s2 b
    smove s s2 c
    smove s2 s2 a
    smove nos s2 a
    sadd t a b
    smove t s2 a
    smove s2 t a
    sadd u 1 2 3
    sinterstore d1 u t
    sinterstore d1 u nothere
    sunionstore d1 u t
    sunionstore d1 u
    sunionstore d1 nothere
    sdiffstore d1 u t
    sdiffstore d1 u u
    sdiffstore d1 u
    sinterstore d1 u nothere
    sadd t 2 3
    sinterstore d1 u t
    sinterstore d1 u t
    sintercard 2 u t
    smembers nokey
    sismember nokey a
    smismember nokey a
    scard nokey
    srandmember nokey
    sinter nokey u
    sinter u nokey
    sunion nokey nokey2
    sdiff nokey nokey2
    sintercard 1 nokey
    sscan nokey 0
";

#[test]
fn sets() {
    compare("KEA", SETS);
    compare("KEAnm", SETS);
}

const ZSETS: &str = "
    zadd z 1 a 2 b
    zadd z 1 a
    zadd z 3 a
    zadd z nx 5 a
    zadd z xx 5 a
    zadd z xx 5 q
    zadd zx xx 5 q
    zadd z ch 6 a
    zadd z incr 1 a
    zadd z incr 0 a
    zadd z gt 1 a
    zadd z nx incr 1 a
    zincrby z 1 b
    zincrby z 0 b
    zincrby z2 1 b
    zrem z nothere
    zrem z a
    zrem z b
    zrem z2 b
    zadd z 1 a 2 b 3 c 4 d 5 e
    zremrangebyscore z 100 200
    zremrangebyscore z 1 1
    zremrangebyrank z 0 0
    zremrangebyrank z 10 20
    zadd lex 0 a 0 b 0 c
    zremrangebylex lex [a [b
    zremrangebylex lex [x [y
    zremrangebylex lex - +
    zpopmin z
    zpopmax z
    zpopmin z 0
    zpopmax z 10
    zpopmin z
    zadd z 1 a 2 b
    zmpop 1 z min count 5
    zmpop 1 z min
    zadd z 1 a 2 b
    zmpop 2 nokey z max
    zadd z2 2 b 3 c
    zunionstore zd 2 z z2
    zunionstore zd 2 z z2
    zinterstore zd 2 z z2
    zinterstore zd 2 z nothere
    zinterstore zd 2 z nothere
    zdiffstore zd 2 z z2
    zdiffstore zd 2 z z
    zrangestore zr z 0 -1
    zrangestore zr z 0 -1
    zrangestore zr z 5 10
    zrangestore zr z 5 10
    zrangestore zr nokey 0 1
    sadd ss a b
    zunionstore mix 2 z ss
    zrange nokey 0 -1
    zscore nokey a
    zcard nokey
    zcount nokey 0 1
    zrank nokey a
    zmscore nokey a
    zrandmember nokey
    zrangebyscore nokey 0 1
    zrevrange nokey 0 1
    zinter 1 nokey
    zunion 2 nokey nokey2
    zdiff 1 nokey
    zlexcount nokey - +
    zintercard 1 nokey
    zscan nokey 0
";

#[test]
fn zsets() {
    compare("KEA", ZSETS);
    compare("KEAnm", ZSETS);
}

const GENERIC: &str = "
    set a 1
    set b 2
    del a b c
    unlink b
    set a 1
    unlink a nokey
    set a 1
    expire a 100
    expire a 100 nx
    expire a 200 xx
    expire a 50 gt
    expire a 300 gt
    pexpire a 100000
    expireat a 99999999999
    pexpireat a 99999999999999
    expire nokey 10
    expire a -1
    set a 1
    expire a 0
    set a 1
    pexpire a 0
    set a 1
    expireat a 1
    set a 1
    pexpireat a 1
    set a 1
    persist a
    expire a 100
    persist a
    persist a
    persist nokey
    rename a b
    rename b b
    set c 1
    rename b c
    rename nokey x
    renamenx c d
    set e 1
    renamenx d e
    renamenx d d
    copy d f
    copy d f
    copy d f replace
    copy d d2 db 1
    copy d d2 db 1 replace
    copy nokey x
    move d 1
    set d 5
    move d 1
    move nokey 1
    select 1
    move d2 0
    rpush sl 3 1 2
    sort sl store sd
    sort sl store sd
    sort nokey store sd
    sort nokey store sd
    sort sl limit 0 0 store sd
    sort sl by nosuch_* get nokey_*
    sort sl
    sort_ro nokey
    touch sl nokey
    exists nokey sl
    type sl
    type nokey
    ttl nokey
    pttl nokey
    expiretime nokey
    object encoding sl
    object encoding nokey
    object freq nokey
    memory usage nokey
    randomkey
    swapdb 0 1
    flushdb
    flushall
";

#[test]
fn generic() {
    compare("KEA", GENERIC);
    compare("KEAnm", GENERIC);
}

/// Each class letter alone lets through only its own events.
#[test]
fn class_filtering() {
    let script = [STRINGS, BITMAPS, LISTS, HASHES, SETS, ZSETS, GENERIC].concat();
    for flags in [
        "Kg", "E$", "Kl", "Es", "Kh", "Ez", "Kx", "Kn", "Em", "KEl", "Eg", "K", "E", "A", "lsh",
        "KA", "KEAn", "KEAm",
    ] {
        compare(flags, &script);
    }
}

/// `expired`, from lazy and active expiry, and what follows it.
#[test]
fn expired() {
    let Some(mut pair) = Pair::new("KEAnmx") else {
        return;
    };
    // Only lazy expiry, so the `expired` events come with the commands that find the keys.
    assert_eq!(
        pair.both.check(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]),
        b"+OK\r\n"
    );
    pair.script(
        "
        set a 1 px 30
        set b 1 px 30
        set c 1 px 30
        set d 1 px 30
        rpush l a
        pexpire l 30
        ",
    );
    std::thread::sleep(Duration::from_millis(60));
    pair.script(
        "
        get a
        set b 2
        incr c
        lpush l x
        exists d
        ",
    );
}

/// With notifications disabled (the default) nothing is published, whatever happens.
#[test]
fn disabled_publishes_nothing() {
    compare("", &[STRINGS, LISTS, SETS, ZSETS, HASHES, GENERIC].concat());
}

/// Without real Redis: the exact messages of a few commands on cedis alone.
#[test]
fn exact_messages() {
    let server = TestServer::start();
    let mut c = server.raw();
    c.assert_cmd(
        &["CONFIG", "SET", "notify-keyspace-events", "KEA"],
        b"+OK\r\n",
    );
    let mut sub = subscriber(server.raw());
    c.cmd(&["SET", "k", "v", "EX", "100"]);
    c.cmd(&["SELECT", "3"]);
    c.cmd(&["LPUSH", "l", "x"]);
    c.cmd(&["LPOP", "l"]);
    c.cmd(&["PUBLISH", std::str::from_utf8(MARKER).unwrap(), "x"]);
    let got = until_marker(&mut sub);
    let pm = |channel: &str, message: &str| {
        format!(
            "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n${}\r\n{channel}\r\n${}\r\n{message}\r\n",
            channel.len(),
            message.len()
        )
    };
    let expected = [
        pm("__keyspace@0__:k", "set"),
        pm("__keyevent@0__:set", "k"),
        pm("__keyspace@0__:k", "expire"),
        pm("__keyevent@0__:expire", "k"),
        pm("__keyspace@3__:l", "lpush"),
        pm("__keyevent@3__:lpush", "l"),
        pm("__keyspace@3__:l", "lpop"),
        pm("__keyevent@3__:lpop", "l"),
        pm("__keyspace@3__:l", "del"),
        pm("__keyevent@3__:del", "l"),
    ]
    .concat();
    assert_eq!(show(&got), show(expected.as_bytes()));
}
