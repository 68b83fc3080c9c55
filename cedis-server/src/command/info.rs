//! `INFO [section ...]`, and the statistics only INFO reads: per-command call counts and
//! latency histograms (`commandstats`, `latencystats`), error counts by prefix
//! (`errorstats`) and the instantaneous throughput samples (`instantaneous_*`).
//!
//! The text is Redis 7.0.15's: `# Section` headers, `field:value\r\n` lines, sections
//! separated by a blank line, every field name Redis prints (values cedis cannot know,
//! such as allocator internals or fork statistics, are the values an idle Redis shows).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use super::{Acl, Command, Ctx, Doc, Flags};
use crate::command::connection::REDIS_VERSION;
use crate::error::CommandResult;
use crate::server::Server;

/// The sections in the order Redis prints them, and whether `INFO` without arguments
/// (`default`) includes them.
const SECTIONS: &[(&str, bool)] = &[
    ("server", true),
    ("clients", true),
    ("memory", true),
    ("persistence", true),
    ("stats", true),
    ("replication", true),
    ("cpu", true),
    ("modules", true),
    ("commandstats", false),
    ("errorstats", true),
    ("latencystats", false),
    ("cluster", true),
    ("keyspace", true),
];

/// Which sections `INFO argv[1..]` asked for, as indexes into [`SECTIONS`].
fn selected_sections(args: &[Bytes]) -> [bool; SECTIONS.len()] {
    let mut selected = [false; SECTIONS.len()];
    let mut add_default = args.is_empty();
    for arg in args {
        let arg = arg.to_ascii_lowercase();
        match &arg[..] {
            b"all" | b"everything" => selected = [true; SECTIONS.len()],
            b"default" => add_default = true,
            name => {
                if let Some(i) = SECTIONS.iter().position(|(s, _)| s.as_bytes() == name) {
                    selected[i] = true;
                }
            }
        }
    }
    if add_default {
        for (i, (_, default)) in SECTIONS.iter().enumerate() {
            selected[i] |= *default;
        }
    }
    selected
}

fn info(ctx: &mut Ctx<'_>, argv: &[Bytes]) -> CommandResult {
    let selected = selected_sections(&argv[1..]);
    let mut text = String::with_capacity(4096);
    let mut first = true;
    for (i, (name, _)) in SECTIONS.iter().enumerate() {
        if !selected[i] {
            continue;
        }
        if !first {
            text.push_str("\r\n");
        }
        first = false;
        write_section(ctx, name, &mut text);
    }
    ctx.reply.verbatim(b"txt", text.as_bytes());
    Ok(())
}

/// `field:value\r\n`
macro_rules! field {
    ($out:expr, $name:expr, $($value:tt)*) => {{
        let _ = write!($out, "{}:", $name);
        let _ = write!($out, $($value)*);
        $out.push_str("\r\n");
    }};
}

fn write_section(ctx: &mut Ctx<'_>, name: &str, out: &mut String) {
    match name {
        "server" => server_section(ctx, out),
        "clients" => clients_section(ctx, out),
        "memory" => memory_section(ctx, out),
        "persistence" => persistence_section(ctx, out),
        "stats" => stats_section(ctx, out),
        "replication" => replication_section(ctx, out),
        "cpu" => cpu_section(out),
        "modules" => out.push_str("# Modules\r\n"),
        "commandstats" => commandstats_section(ctx.server, out),
        "errorstats" => errorstats_section(ctx.server, out),
        "latencystats" => latencystats_section(ctx, out),
        "cluster" => {
            out.push_str("# Cluster\r\n");
            let enabled = ctx.server.config().cluster_enabled;
            field!(out, "cluster_enabled", "{}", u8::from(enabled));
        }
        "keyspace" => keyspace_section(ctx, out),
        _ => {}
    }
}

fn server_section(ctx: &mut Ctx<'_>, out: &mut String) {
    let server = ctx.server;
    let (hz, config_file) = {
        let config = server.config();
        let file = config
            .config_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        (config.hz, file)
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let uptime = server.uptime().as_secs();
    let executable = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    out.push_str("# Server\r\n");
    field!(out, "redis_version", "{REDIS_VERSION}");
    field!(out, "cedis_version", "{}", env!("CARGO_PKG_VERSION"));
    field!(out, "redis_git_sha1", "00000000");
    field!(out, "redis_git_dirty", "0");
    field!(out, "redis_build_id", "{}", build_id());
    field!(out, "redis_mode", "standalone");
    field!(out, "os", "{}", os_name());
    field!(out, "arch_bits", "{}", usize::BITS);
    field!(out, "monotonic_clock", "POSIX clock_gettime");
    field!(out, "multiplexing_api", "epoll");
    field!(out, "atomicvar_api", "c11-builtin");
    field!(out, "gcc_version", "0.0.0");
    field!(out, "process_id", "{}", std::process::id());
    field!(out, "process_supervised", "no");
    field!(out, "run_id", "{}", server.run_id);
    field!(out, "tcp_port", "{}", server.port.load(Ordering::Relaxed));
    field!(out, "server_time_usec", "{}", now.as_micros());
    field!(out, "uptime_in_seconds", "{uptime}");
    field!(out, "uptime_in_days", "{}", uptime / 86400);
    field!(out, "hz", "{hz}");
    field!(out, "configured_hz", "{hz}");
    field!(out, "lru_clock", "{}", lru_clock(now.as_millis()));
    field!(out, "executable", "{executable}");
    field!(out, "config_file", "{config_file}");
    field!(out, "io_threads_active", "0");
}

/// Redis's LRU clock: seconds, 24 bits.
pub fn lru_clock(now_ms: u128) -> u64 {
    u64::try_from((now_ms / 1000) & ((1 << 24) - 1)).unwrap_or(0)
}

/// A stable identifier of this build (Redis hashes its build environment).
fn build_id() -> String {
    let mut hash = Fnv::default();
    hash.write(env!("CARGO_PKG_VERSION").as_bytes());
    hash.write(REDIS_VERSION.as_bytes());
    format!("{:x}", hash.finish())
}

/// `uname -s -r -m`, read from /proc where it exists.
fn os_name() -> String {
    let read = |path: &str| {
        std::fs::read_to_string(path)
            .map(|s| s.trim().to_string())
            .ok()
    };
    let system = read("/proc/sys/kernel/ostype").unwrap_or_else(|| {
        let os = std::env::consts::OS;
        let mut chars = os.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    });
    let release = read("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{system} {release} {}", std::env::consts::ARCH)
}

fn clients_section(ctx: &mut Ctx<'_>, out: &mut String) {
    let server = ctx.server;
    let clients = server.clients.all();
    let max_input = clients
        .iter()
        .map(|c| c.query_buffer.load(Ordering::Relaxed))
        .max()
        .unwrap_or(0);
    let maxclients = server.config().maxclients;
    out.push_str("# Clients\r\n");
    field!(out, "connected_clients", "{}", clients.len());
    field!(out, "cluster_connections", "0");
    field!(out, "maxclients", "{maxclients}");
    field!(out, "client_recent_max_input_buffer", "{max_input}");
    field!(out, "client_recent_max_output_buffer", "0");
    let blocked = server.signals.blocked_clients();
    let held = server.pause.waiting();
    field!(out, "blocked_clients", "{}", blocked + held);
    field!(
        out,
        "tracking_clients",
        "{}",
        server.tracking.stats().clients
    );
    field!(out, "clients_in_timeout_table", "{blocked}");
}

/// Redis's `bytesToHuman`.
pub fn bytes_to_human(n: u64) -> String {
    const UNITS: &[(&str, f64)] = &[
        ("K", 1024.0),
        ("M", 1024.0 * 1024.0),
        ("G", 1024.0 * 1024.0 * 1024.0),
        ("T", 1024.0 * 1024.0 * 1024.0 * 1024.0),
        ("P", 1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0),
    ];
    if n < 1024 {
        return format!("{n}B");
    }
    let d = n as f64;
    for (i, (unit, size)) in UNITS.iter().enumerate() {
        let next = UNITS.get(i + 1).map(|(_, s)| *s).unwrap_or(size * 1024.0);
        if d < next {
            return format!("{:.2}{unit}", d / size);
        }
    }
    format!("{n}B")
}

/// Resident set size of this process, in bytes (0 where /proc is missing).
pub fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map(|pages| pages * 4096)
        .unwrap_or(0)
}

fn total_system_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("MemTotal:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

fn memory_section(ctx: &mut Ctx<'_>, out: &mut String) {
    let server = ctx.server;
    let (used, tables) = {
        let store = ctx.store();
        let tables: usize = store.dbs().iter().map(|db| db.table_overhead()).sum();
        (server.eviction.used_memory(store), tables as u64)
    };
    let clients = server.eviction.clients_bytes();
    let peak = server.stats.metrics.note_memory(used);
    let rss = rss_bytes();
    let (maxmemory, policy) = {
        let config = server.config();
        let policy = config
            .get(&[b"maxmemory-policy".as_slice()])
            .into_iter()
            .next()
            .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_else(|| "noeviction".to_string());
        (config.maxmemory, policy)
    };
    let startup = 0u64;
    let overhead = startup + tables + clients;
    let dataset = used.saturating_sub(overhead);
    let percent = |part: u64, whole: u64| {
        if whole == 0 {
            0.0
        } else {
            part as f64 * 100.0 / whole as f64
        }
    };
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let total_system = total_system_memory();
    out.push_str("# Memory\r\n");
    field!(out, "used_memory", "{used}");
    field!(out, "used_memory_human", "{}", bytes_to_human(used));
    field!(out, "used_memory_rss", "{rss}");
    field!(out, "used_memory_rss_human", "{}", bytes_to_human(rss));
    field!(out, "used_memory_peak", "{peak}");
    field!(out, "used_memory_peak_human", "{}", bytes_to_human(peak));
    field!(out, "used_memory_peak_perc", "{:.2}%", percent(used, peak));
    field!(out, "used_memory_overhead", "{overhead}");
    field!(out, "used_memory_startup", "{startup}");
    field!(out, "used_memory_dataset", "{dataset}");
    field!(
        out,
        "used_memory_dataset_perc",
        "{:.2}%",
        percent(dataset, used.saturating_sub(startup))
    );
    field!(out, "allocator_allocated", "{used}");
    field!(out, "allocator_active", "{used}");
    field!(out, "allocator_resident", "{rss}");
    field!(out, "total_system_memory", "{total_system}");
    field!(
        out,
        "total_system_memory_human",
        "{}",
        bytes_to_human(total_system)
    );
    for (name, value) in [
        ("used_memory_lua", "0"),
        ("used_memory_vm_eval", "0"),
        ("used_memory_lua_human", "0B"),
        ("used_memory_scripts_eval", "0"),
        ("number_of_cached_scripts", "0"),
        ("number_of_functions", "0"),
        ("number_of_libraries", "0"),
        ("used_memory_vm_functions", "0"),
        ("used_memory_vm_total", "0"),
        ("used_memory_vm_total_human", "0B"),
        ("used_memory_functions", "0"),
        ("used_memory_scripts", "0"),
        ("used_memory_scripts_human", "0B"),
    ] {
        field!(out, name, "{value}");
    }
    field!(out, "maxmemory", "{maxmemory}");
    field!(out, "maxmemory_human", "{}", bytes_to_human(maxmemory));
    field!(out, "maxmemory_policy", "{policy}");
    field!(out, "allocator_frag_ratio", "1.00");
    field!(out, "allocator_frag_bytes", "0");
    field!(out, "allocator_rss_ratio", "{:.2}", ratio(rss, used));
    field!(out, "allocator_rss_bytes", "{}", signed_diff(rss, used));
    field!(out, "rss_overhead_ratio", "1.00");
    field!(out, "rss_overhead_bytes", "0");
    field!(out, "mem_fragmentation_ratio", "{:.2}", ratio(rss, used));
    field!(out, "mem_fragmentation_bytes", "{}", signed_diff(rss, used));
    for name in [
        "mem_not_counted_for_evict",
        "mem_replication_backlog",
        "mem_total_replication_buffers",
        "mem_clients_slaves",
    ] {
        field!(out, name, "0");
    }
    field!(out, "mem_clients_normal", "{clients}");
    for name in ["mem_cluster_links", "mem_aof_buffer"] {
        field!(out, name, "0");
    }
    field!(out, "mem_allocator", "libc");
    field!(out, "active_defrag_running", "0");
    field!(out, "lazyfree_pending_objects", "0");
    field!(out, "lazyfreed_objects", "0");
}

fn signed_diff(a: u64, b: u64) -> i128 {
    i128::from(a) - i128::from(b)
}

fn persistence_section(ctx: &mut Ctx<'_>, out: &mut String) {
    let server = ctx.server;
    let (aof_enabled, lastsave) = (
        server.config().appendonly,
        server.lastsave.load(Ordering::Relaxed),
    );
    let p = &server.persistence;
    let flag = |on: bool| u8::from(on).to_string();
    let ok_err = |ok: bool| if ok { "ok" } else { "err" }.to_string();
    out.push_str("# Persistence\r\n");
    for (name, value) in [
        ("loading", flag(p.loading.load(Ordering::Relaxed))),
        ("async_loading", "0".into()),
        ("current_cow_peak", "0".into()),
        ("current_cow_size", "0".into()),
        ("current_cow_size_age", "0".into()),
        ("current_fork_perc", "0.00".into()),
        ("current_save_keys_processed", "0".into()),
        ("current_save_keys_total", "0".into()),
        (
            "rdb_changes_since_last_save",
            p.changes_since_save().to_string(),
        ),
        ("rdb_bgsave_in_progress", flag(p.bgsave_in_progress())),
        ("rdb_last_save_time", lastsave.to_string()),
        (
            "rdb_last_bgsave_status",
            if p.last_bgsave_ok.load(Ordering::Relaxed) {
                "ok"
            } else {
                "err"
            }
            .into(),
        ),
        (
            "rdb_last_bgsave_time_sec",
            p.last_bgsave_secs.load(Ordering::Relaxed).to_string(),
        ),
        (
            "rdb_current_bgsave_time_sec",
            p.current_bgsave_secs().to_string(),
        ),
        ("rdb_saves", p.saves.load(Ordering::Relaxed).to_string()),
        ("rdb_last_cow_size", "0".into()),
        (
            "rdb_last_load_keys_expired",
            p.last_load_keys_expired.load(Ordering::Relaxed).to_string(),
        ),
        (
            "rdb_last_load_keys_loaded",
            p.last_load_keys_loaded.load(Ordering::Relaxed).to_string(),
        ),
        ("aof_enabled", u8::from(aof_enabled).to_string()),
        (
            "aof_rewrite_in_progress",
            flag(server.aof.rewrite_in_progress.load(Ordering::Relaxed)),
        ),
        (
            "aof_rewrite_scheduled",
            flag(server.aof.rewrite_scheduled.load(Ordering::Relaxed)),
        ),
        (
            "aof_last_rewrite_time_sec",
            server
                .aof
                .last_rewrite_secs
                .load(Ordering::Relaxed)
                .to_string(),
        ),
        ("aof_current_rewrite_time_sec", "-1".into()),
        (
            "aof_last_bgrewrite_status",
            ok_err(server.aof.last_rewrite_ok.load(Ordering::Relaxed)),
        ),
        (
            "aof_rewrites",
            server.aof.rewrites.load(Ordering::Relaxed).to_string(),
        ),
        ("aof_rewrites_consecutive_failures", "0".into()),
        (
            "aof_last_write_status",
            ok_err(server.aof.last_write_ok.load(Ordering::Relaxed)),
        ),
        ("aof_last_cow_size", "0".into()),
        ("module_fork_in_progress", "0".into()),
        ("module_fork_last_cow_size", "0".into()),
    ] {
        field!(out, name, "{value}");
    }
    if server.aof.is_on() {
        field!(out, "aof_current_size", "{}", server.aof.current_size());
        field!(
            out,
            "aof_base_size",
            "{}",
            server.aof.base_size.load(Ordering::Relaxed)
        );
        let scheduled = server.aof.rewrite_scheduled.load(Ordering::Relaxed);
        field!(out, "aof_pending_rewrite", "{}", u8::from(scheduled));
        for name in [
            "aof_buffer_length",
            "aof_pending_bio_fsync",
            "aof_delayed_fsync",
        ] {
            field!(out, name, "0");
        }
    }
}

fn stats_section(ctx: &mut Ctx<'_>, out: &mut String) {
    let server = ctx.server;
    let stats = &server.stats;
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let (ops, input_kbps, output_kbps) = server.stats.metrics.instantaneous();
    let (store_stats, stale_perc) = {
        let store = ctx.store();
        (store.stats(), store.expired_stale_perc())
    };
    out.push_str("# Stats\r\n");
    field!(
        out,
        "total_connections_received",
        "{}",
        load(&stats.connections_received)
    );
    field!(
        out,
        "total_commands_processed",
        "{}",
        load(&stats.commands_processed)
    );
    field!(out, "instantaneous_ops_per_sec", "{ops}");
    field!(
        out,
        "total_net_input_bytes",
        "{}",
        load(&stats.net_input_bytes)
    );
    field!(
        out,
        "total_net_output_bytes",
        "{}",
        load(&stats.net_output_bytes)
    );
    field!(out, "total_net_repl_input_bytes", "0");
    field!(out, "total_net_repl_output_bytes", "0");
    field!(out, "instantaneous_input_kbps", "{input_kbps:.2}");
    field!(out, "instantaneous_output_kbps", "{output_kbps:.2}");
    field!(out, "instantaneous_input_repl_kbps", "0.00");
    field!(out, "instantaneous_output_repl_kbps", "0.00");
    field!(
        out,
        "rejected_connections",
        "{}",
        load(&stats.rejected_connections)
    );
    field!(out, "sync_full", "0");
    field!(out, "sync_partial_ok", "0");
    field!(out, "sync_partial_err", "0");
    field!(out, "expired_keys", "{}", store_stats.expired_keys);
    field!(out, "expired_stale_perc", "{stale_perc:.2}");
    field!(
        out,
        "expired_time_cap_reached_count",
        "{}",
        store_stats.expired_time_cap_reached_count
    );
    field!(
        out,
        "expire_cycle_cpu_milliseconds",
        "{}",
        load(&server.stats.metrics.expire_cycle_us) / 1000
    );
    field!(out, "evicted_keys", "{}", store_stats.evicted_keys);
    field!(
        out,
        "evicted_clients",
        "{}",
        server.eviction.evicted_clients()
    );
    let (exceeded_total, exceeded_now) = server.eviction.exceeded_times(crate::server::unix_ms());
    field!(out, "total_eviction_exceeded_time", "{exceeded_total}");
    field!(out, "current_eviction_exceeded_time", "{exceeded_now}");
    field!(out, "keyspace_hits", "{}", store_stats.keyspace_hits);
    field!(out, "keyspace_misses", "{}", store_stats.keyspace_misses);
    for name in ["pubsub_channels", "pubsub_patterns", "pubsubshard_channels"] {
        field!(out, name, "0");
    }
    let persistence = &server.persistence;
    field!(
        out,
        "latest_fork_usec",
        "{}",
        load(&persistence.latest_fork_usec)
    );
    field!(out, "total_forks", "{}", load(&persistence.total_forks));
    field!(out, "migrate_cached_sockets", "{}", server.migrate.len());
    for name in [
        "slave_expires_tracked_keys",
        "active_defrag_hits",
        "active_defrag_misses",
        "active_defrag_key_hits",
        "active_defrag_key_misses",
        "total_active_defrag_time",
        "current_active_defrag_time",
    ] {
        field!(out, name, "0");
    }
    let tracking = server.tracking.stats();
    field!(out, "tracking_total_keys", "{}", tracking.keys);
    field!(out, "tracking_total_items", "{}", tracking.items);
    field!(out, "tracking_total_prefixes", "{}", tracking.prefixes);
    field!(out, "unexpected_error_replies", "0");
    field!(out, "total_error_replies", "{}", load(&stats.error_replies));
    field!(out, "dump_payload_sanitizations", "0");
    field!(out, "total_reads_processed", "0");
    field!(out, "total_writes_processed", "0");
    field!(out, "io_threaded_reads_processed", "0");
    field!(out, "io_threaded_writes_processed", "0");
    field!(out, "reply_buffer_shrinks", "0");
    field!(out, "reply_buffer_expands", "0");
}

fn replication_section(ctx: &mut Ctx<'_>, out: &mut String) {
    let server = ctx.server;
    let backlog_size = server
        .config()
        .get(&[b"repl-backlog-size".as_slice()])
        .into_iter()
        .next()
        .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_else(|| "1048576".to_string());
    out.push_str("# Replication\r\n");
    field!(out, "role", "master");
    field!(out, "connected_slaves", "0");
    field!(out, "master_failover_state", "no-failover");
    field!(out, "master_replid", "{}", server.repl_id());
    field!(out, "master_replid2", "{}", "0".repeat(40));
    field!(out, "master_repl_offset", "0");
    field!(out, "second_repl_offset", "-1");
    field!(out, "repl_backlog_active", "0");
    field!(out, "repl_backlog_size", "{backlog_size}");
    field!(out, "repl_backlog_first_byte_offset", "0");
    field!(out, "repl_backlog_histlen", "0");
}

/// (user, system) CPU seconds of this process and of its reaped children, from
/// /proc/self/stat (clock ticks of 1/100 s).
fn cpu_times() -> [f64; 4] {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return [0.0; 4];
    };
    // The command name may contain spaces: fields are counted after its closing paren.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 100.0
    };
    // Fields 14-17 of stat (utime, stime, cutime, cstime); `rest` starts at field 3.
    [ticks(11), ticks(12), ticks(13), ticks(14)]
}

fn cpu_section(out: &mut String) {
    let [user, sys, cuser, csys] = cpu_times();
    out.push_str("# CPU\r\n");
    field!(out, "used_cpu_sys", "{sys:.6}");
    field!(out, "used_cpu_user", "{user:.6}");
    field!(out, "used_cpu_sys_children", "{csys:.6}");
    field!(out, "used_cpu_user_children", "{cuser:.6}");
    field!(out, "used_cpu_sys_main_thread", "{sys:.6}");
    field!(out, "used_cpu_user_main_thread", "{user:.6}");
}

fn commandstats_section(server: &Server, out: &mut String) {
    out.push_str("# Commandstats\r\n");
    for (name, stats) in server.stats.commands.iter() {
        let calls = stats.calls.load(Ordering::Relaxed);
        let rejected = stats.rejected.load(Ordering::Relaxed);
        let failed = stats.failed.load(Ordering::Relaxed);
        if calls == 0 && rejected == 0 && failed == 0 {
            continue;
        }
        let usec = stats.nanos.load(Ordering::Relaxed) / 1000;
        let per_call = if calls == 0 {
            0.0
        } else {
            usec as f64 / calls as f64
        };
        let _ = write!(
            out,
            "cmdstat_{name}:calls={calls},usec={usec},usec_per_call={per_call:.2},\
             rejected_calls={rejected},failed_calls={failed}\r\n"
        );
    }
}

fn errorstats_section(server: &Server, out: &mut String) {
    out.push_str("# Errorstats\r\n");
    for (prefix, count) in server.stats.errors.snapshot() {
        let _ = write!(out, "errorstat_{prefix}:count={count}\r\n");
    }
}

fn latencystats_section(ctx: &mut Ctx<'_>, out: &mut String) {
    out.push_str("# Latencystats\r\n");
    let (enabled, percentiles) = {
        let config = ctx.server.config();
        (
            config.latency_tracking,
            config.latency_tracking_info_percentiles.clone(),
        )
    };
    if !enabled {
        return;
    }
    for (name, stats) in ctx.server.stats.commands.iter() {
        let Some(histogram) = stats.latency.get() else {
            continue;
        };
        let values = histogram.percentiles(&percentiles);
        if values.is_empty() {
            continue;
        }
        let _ = write!(out, "latency_percentiles_usec_{name}:");
        for (i, (p, v)) in percentiles.iter().zip(values).enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "p{p}={:.3}", v as f64 / 1000.0);
        }
        out.push_str("\r\n");
    }
}

fn keyspace_section(ctx: &mut Ctx<'_>, out: &mut String) {
    out.push_str("# Keyspace\r\n");
    let store = ctx.store();
    for index in 0..store.databases() {
        let db = store.db(index);
        let keys = db.len();
        if keys == 0 {
            continue;
        }
        let expires = db.expires_len();
        // Redis's cycle resets the estimate as soon as a database has no volatile keys.
        let avg_ttl = if expires == 0 { 0 } else { db.avg_ttl() };
        let _ = write!(
            out,
            "db{index}:keys={keys},expires={expires},avg_ttl={avg_ttl}\r\n"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Statistics kept for INFO.

/// FNV-1a: command names are short, and the table is looked up on every command.
#[derive(Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Counters of one command (or subcommand): `cmdstat_<name>` and its latency histogram.
#[derive(Debug, Default)]
pub struct CommandStats {
    pub calls: AtomicU64,
    /// Total execution time in nanoseconds (INFO prints microseconds).
    pub nanos: AtomicU64,
    /// Refused before running: wrong arity, NOAUTH, a disabled command.
    pub rejected: AtomicU64,
    /// Ran and replied with an error.
    pub failed: AtomicU64,
    /// Allocated on the first call, as Redis does.
    pub latency: OnceLock<LatencyHistogram>,
}

impl CommandStats {
    fn reset(&self) {
        for counter in [&self.calls, &self.nanos, &self.rejected, &self.failed] {
            counter.store(0, Ordering::Relaxed);
        }
        if let Some(histogram) = self.latency.get() {
            histogram.reset();
        }
    }

    /// One executed call that took `elapsed`.
    pub fn record_call(&self, elapsed: Duration, failed: bool) {
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
        if failed {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        self.latency
            .get_or_init(LatencyHistogram::default)
            .record(nanos);
    }

    pub fn record_rejected(&self) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
    }
}

/// Every command's [`CommandStats`], built once from the command table; lock-free.
#[derive(Debug)]
pub struct CommandStatsTable {
    by_name: HashMap<&'static str, CommandStats, BuildHasherDefault<Fnv>>,
    /// Names in table order, for a stable INFO order.
    order: Vec<&'static str>,
}

impl Default for CommandStatsTable {
    fn default() -> Self {
        let mut order = Vec::new();
        for cmd in super::table() {
            order.push(cmd.name);
            order.extend(cmd.subcommands.iter().map(|sub| sub.name));
        }
        let by_name = order
            .iter()
            .map(|&name| (name, CommandStats::default()))
            .collect();
        CommandStatsTable { by_name, order }
    }
}

impl CommandStatsTable {
    /// The stats of a command by its full name (`config|get`).
    pub fn get(&self, name: &str) -> Option<&CommandStats> {
        self.by_name.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &CommandStats)> {
        self.order
            .iter()
            .filter_map(|&name| Some((name, self.by_name.get(name)?)))
    }

    pub fn reset(&self) {
        self.by_name.values().for_each(CommandStats::reset);
    }
}

/// Error replies counted by their prefix (`ERR`, `WRONGTYPE`, …) for `errorstats`.
#[derive(Debug, Default)]
pub struct ErrorStats {
    counts: Mutex<BTreeMap<String, u64>>,
}

impl ErrorStats {
    /// Redis stops tracking new prefixes past this many.
    const LIMIT: usize = 128;

    /// Counts one error reply whose text (without `-`) is `line`: the prefix is the text
    /// before the first space within 32 bytes, else `ERR`.
    pub fn note(&self, line: &str) {
        let head = &line.as_bytes()[..line.len().min(32)];
        let prefix = match head.iter().position(|&b| b == b' ') {
            Some(end) if end > 0 => &line[..end],
            _ => "ERR",
        };
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = counts.get_mut(prefix) {
            *count += 1;
        } else if counts.len() < Self::LIMIT {
            counts.insert(prefix.to_string(), 1);
        }
    }

    pub fn snapshot(&self) -> Vec<(String, u64)> {
        let counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        counts.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    pub fn reset(&self) {
        self.counts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// A latency histogram in nanoseconds with two significant digits (HdrHistogram's layout,
/// as Redis uses): exact below 256 ns, then 128 sub-buckets per power of two.
#[derive(Debug)]
pub struct LatencyHistogram {
    counts: Box<[AtomicU64]>,
    total: AtomicU64,
}

/// Buckets 0..=BUCKETS-1 cover values up to 2^(BUCKETS+7): 1 s needs 30 bits.
const HIST_BUCKETS: usize = 24;
const HIST_SUB: usize = 128;
const HIST_MAX_NS: u64 = 1_000_000_000;

impl Default for LatencyHistogram {
    fn default() -> Self {
        LatencyHistogram {
            counts: (0..HIST_SUB * (HIST_BUCKETS + 1))
                .map(|_| AtomicU64::new(0))
                .collect(),
            total: AtomicU64::new(0),
        }
    }
}

impl LatencyHistogram {
    fn index(value: u64) -> usize {
        let value = value.clamp(1, HIST_MAX_NS);
        if value < 2 * HIST_SUB as u64 {
            return usize::try_from(value).unwrap_or(0);
        }
        let magnitude = 63 - value.leading_zeros() as usize; // >= 8
        let bucket = magnitude - 7; // >= 1
        let sub = usize::try_from(value >> bucket).unwrap_or(0); // 128..256
        (bucket + 1) * HIST_SUB + (sub - HIST_SUB)
    }

    /// The highest value that falls in the same slot as slot `index`'s values.
    fn highest_equivalent(index: usize) -> u64 {
        if index < 2 * HIST_SUB {
            return index as u64;
        }
        let bucket = index / HIST_SUB - 1;
        let sub = (index % HIST_SUB + HIST_SUB) as u64;
        ((sub + 1) << bucket) - 1
    }

    pub fn record(&self, nanos: u64) {
        if let Some(slot) = self.counts.get(Self::index(nanos)) {
            slot.fetch_add(1, Ordering::Relaxed);
            self.total.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Each non-empty slot as (the highest value it holds, its count), lowest first
    /// (`LATENCY HISTOGRAM` groups them into power-of-two buckets).
    pub fn slots(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.counts.iter().enumerate().filter_map(|(i, c)| {
            let count = c.load(Ordering::Relaxed);
            (count > 0).then(|| (Self::highest_equivalent(i), count))
        })
    }

    fn reset(&self) {
        self.counts
            .iter()
            .for_each(|c| c.store(0, Ordering::Relaxed));
        self.total.store(0, Ordering::Relaxed);
    }

    /// The value (ns) at each percentile; empty when nothing was recorded.
    pub fn percentiles(&self, percentiles: &[f64]) -> Vec<u64> {
        let counts: Vec<u64> = self
            .counts
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect();
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return Vec::new();
        }
        percentiles
            .iter()
            .map(|&p| {
                let wanted = ((p.min(100.0) / 100.0) * total as f64 + 0.5) as u64;
                let wanted = wanted.max(1);
                let mut seen = 0;
                for (i, &c) in counts.iter().enumerate() {
                    seen += c;
                    if seen >= wanted {
                        return Self::highest_equivalent(i);
                    }
                }
                Self::highest_equivalent(counts.len() - 1)
            })
            .collect()
    }
}

/// Instantaneous throughput (sampled by the server cron every 100 ms, averaged over the
/// last 16 samples as Redis does), peak memory, and expiry counters.
#[derive(Debug, Default)]
pub struct Metrics {
    samples: Mutex<Samples>,
    peak_memory: AtomicU64,

    /// Time spent in the active expiry cycle, in microseconds.
    pub expire_cycle_us: AtomicU64,
}

#[derive(Debug, Default)]
struct Samples {
    last_at: Option<Instant>,
    last: [u64; 3],
    values: [[f64; 16]; 3],
    next: usize,
}

impl Metrics {
    /// Takes a sample of `stats` if 100 ms passed since the last one.
    pub fn sample(&self, stats: &crate::server::Stats) {
        let now = Instant::now();
        let current = [
            stats.commands_processed.load(Ordering::Relaxed),
            stats.net_input_bytes.load(Ordering::Relaxed),
            stats.net_output_bytes.load(Ordering::Relaxed),
        ];
        let mut s = self.samples.lock().unwrap_or_else(|p| p.into_inner());
        let Some(last_at) = s.last_at else {
            s.last_at = Some(now);
            s.last = current;
            return;
        };
        let elapsed = now.duration_since(last_at);
        if elapsed < Duration::from_millis(100) {
            return;
        }
        let ms = elapsed.as_millis().max(1) as f64;
        let slot = s.next;
        let last = s.last;
        for ((values, now), before) in s.values.iter_mut().zip(current).zip(last) {
            values[slot] = now.saturating_sub(before) as f64 * 1000.0 / ms;
        }
        s.next = (slot + 1) % 16;
        s.last = current;
        s.last_at = Some(now);
    }

    /// (ops/s, input KB/s, output KB/s).
    pub fn instantaneous(&self) -> (u64, f64, f64) {
        let s = self.samples.lock().unwrap_or_else(|p| p.into_inner());
        let avg = |i: usize| s.values[i].iter().sum::<f64>() / 16.0;
        (avg(0) as u64, avg(1) / 1024.0, avg(2) / 1024.0)
    }

    /// Records the current memory use; returns the peak so far.
    pub fn note_memory(&self, used: u64) -> u64 {
        self.peak_memory
            .fetch_max(used, Ordering::Relaxed)
            .max(used)
    }

    pub fn reset(&self) {
        self.expire_cycle_us.store(0, Ordering::Relaxed);
    }
}

const GROUP: &str = "server";

pub static COMMANDS: &[Command] = &[Command::new(
    "info",
    -1,
    Doc::new(
        "Returns information and statistics about the server.",
        "1.0.0",
        GROUP,
        "O(1)",
        "[section ...]",
    ),
    info,
)
.flags(Flags::LOADING.union(Flags::STALE))
.acl(Acl::DANGEROUS)
.tips(&[
    "nondeterministic_output",
    "request_policy:all_shards",
    "response_policy:special",
])];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes_follow_redis() {
        assert_eq!(bytes_to_human(0), "0B");
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(1024), "1.00K");
        assert_eq!(bytes_to_human(1015208), "991.41K");
        assert_eq!(bytes_to_human(6873088), "6.55M");
        assert_eq!(bytes_to_human(25274793984), "23.54G");
    }

    #[test]
    fn histogram_percentiles_use_highest_equivalent_values() {
        let h = LatencyHistogram::default();
        h.record(4000);
        assert_eq!(h.percentiles(&[50.0]), vec![4015]);
        let h = LatencyHistogram::default();
        h.record(11000);
        assert_eq!(h.percentiles(&[50.0, 99.0]), vec![11007, 11007]);
        let h = LatencyHistogram::default();
        for v in [10, 200, 300] {
            h.record(v);
        }
        assert_eq!(h.percentiles(&[0.0, 50.0, 100.0]), vec![10, 200, 301]);
        h.record(u64::MAX);
        assert!(h.percentiles(&[100.0])[0] >= HIST_MAX_NS);
    }

    #[test]
    fn error_prefixes() {
        let e = ErrorStats::default();
        e.note("ERR syntax error");
        e.note("WRONGTYPE Operation against a key");
        e.note("ERR x");
        e.note("nospace");
        assert_eq!(
            e.snapshot(),
            vec![("ERR".to_string(), 3), ("WRONGTYPE".to_string(), 1)]
        );
    }

    #[test]
    fn section_selection() {
        let b = |s: &[&str]| {
            s.iter()
                .map(|a| Bytes::from(a.to_string()))
                .collect::<Vec<_>>()
        };
        let names = |sel: [bool; SECTIONS.len()]| {
            SECTIONS
                .iter()
                .zip(sel)
                .filter(|(_, on)| *on)
                .map(|((n, _), _)| *n)
                .collect::<Vec<_>>()
        };
        assert!(!names(selected_sections(&[])).contains(&"commandstats"));
        assert!(names(selected_sections(&b(&["ALL"]))).contains(&"commandstats"));
        assert_eq!(names(selected_sections(&b(&["foo"]))), Vec::<&str>::new());
        assert_eq!(
            names(selected_sections(&b(&["keyspace", "Server"]))),
            vec!["server", "keyspace"]
        );
        assert_eq!(
            names(selected_sections(&b(&["commandstats", "default"]))).len(),
            12
        );
    }
}
