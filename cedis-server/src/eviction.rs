//! `maxmemory`: when the server evicts keys, and when it refuses commands instead.
//!
//! The choice of keys is the store's ([`cedis_store::eviction`]); this module holds the
//! settings in atomics, so the command path reads one relaxed load when `maxmemory` is 0
//! and takes no lock for it, and decides what happens around a command:
//!
//! - before every command while `maxmemory` > 0 (and in the cron, and right in CONFIG
//!   SET), keys are evicted until `used_memory` ≤ `maxmemory`, within a time budget
//!   derived from `maxmemory-eviction-tenacity`, as Redis's `performEvictions`;
//! - if memory is still above the limit and nothing more can be evicted, a command
//!   flagged `denyoom` is refused with `-OOM command not allowed when used memory >
//!   'maxmemory'.`, and so is anything queued inside MULTI (but DISCARD, EXEC, QUIT,
//!   RESET), and an EXEC whose queue holds a `denyoom` command.
//!
//! `used_memory` is the store's estimate (keys, values, tables; see
//! `cedis_store::memory`) plus the clients' query buffers and pending output
//! (`mem_clients_normal`: query buffer, arguments of an incomplete command, replies
//! waiting for the socket, pending Pub/Sub output), as Redis counts them. They are
//! summed by the cron and, while `maxmemory` is set, by commands at most once a
//! millisecond: O(clients), never per command.
//!
//! `maxmemory-clients` (client eviction): when the clients' buffers together exceed it,
//! the cron disconnects the clients with the largest buffers (except `CLIENT NO-EVICT
//! on` ones) until they fit, counting `evicted_clients`.
//!
//! Each evicted key reaches the change hook as `Change::Evicted`: WATCH, client-side
//! caching invalidation, the dirty counter, the AOF (as `DEL`) and the `evicted`
//! keyspace notification all follow from there (see [`crate::signals`]).

use std::sync::atomic::{AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::time::Duration;

use cedis_store::eviction::{Lfu, Limits, Policy, Status};
use cedis_store::Store;

use crate::command::{lookup, Ctx, Flags};
use crate::config::{Config, MaxmemoryClients, MaxmemoryPolicy};
use crate::error::CommandError;
use crate::server::Server;

const RELAXED: Ordering = Ordering::Relaxed;

/// The eviction settings and counters.
#[derive(Debug, Default)]
pub struct Eviction {
    maxmemory: AtomicU64,
    policy: AtomicU8,
    samples: AtomicU32,
    tenacity: AtomicU32,
    lfu_log_factor: AtomicU32,
    lfu_decay_time: AtomicU32,
    /// Unix ms when memory went over the limit and stayed there; 0 while under.
    exceeded_since_ms: AtomicU64,
    /// Total ms spent over the limit in past episodes (`total_eviction_exceeded_time`).
    exceeded_total_ms: AtomicU64,
    /// `maxmemory-clients` in bytes (a percentage resolved against `maxmemory`); 0: off.
    clients_limit: AtomicU64,
    /// The clients' buffers at the last cron tick (`mem_clients_normal`).
    clients_bytes: AtomicU64,
    /// Clients disconnected by client eviction (`evicted_clients`).
    evicted_clients: AtomicU64,
    /// Unix ms of the last [`Eviction::cron_clients`] run by a command.
    clients_refreshed_ms: AtomicU64,
    /// Clients the last [`Eviction::cron_clients`] saw: commands refresh less often
    /// with many clients (see [`before_command`]).
    clients_seen: AtomicU64,
}

const POLICIES: [Policy; 8] = Policy::ALL;

/// The store's policy for the config's.
pub fn store_policy(policy: MaxmemoryPolicy) -> Policy {
    match policy {
        MaxmemoryPolicy::VolatileLru => Policy::VolatileLru,
        MaxmemoryPolicy::VolatileLfu => Policy::VolatileLfu,
        MaxmemoryPolicy::VolatileRandom => Policy::VolatileRandom,
        MaxmemoryPolicy::VolatileTtl => Policy::VolatileTtl,
        MaxmemoryPolicy::AllkeysLru => Policy::AllkeysLru,
        MaxmemoryPolicy::AllkeysLfu => Policy::AllkeysLfu,
        MaxmemoryPolicy::AllkeysRandom => Policy::AllkeysRandom,
        MaxmemoryPolicy::Noeviction => Policy::NoEviction,
    }
}

impl Eviction {
    pub fn new(config: &Config) -> Eviction {
        let eviction = Eviction::default();
        eviction.configure(config);
        eviction
    }

    /// Takes the settings from the config (start-up, CONFIG SET).
    pub fn configure(&self, config: &Config) {
        let policy = store_policy(config.maxmemory_policy);
        let index = POLICIES.iter().position(|p| *p == policy).unwrap_or(0);
        self.policy.store(u8::try_from(index).unwrap_or(0), RELAXED);
        self.samples.store(config.maxmemory_samples, RELAXED);
        self.tenacity
            .store(config.maxmemory_eviction_tenacity, RELAXED);
        self.lfu_log_factor.store(config.lfu_log_factor, RELAXED);
        self.lfu_decay_time.store(config.lfu_decay_time, RELAXED);
        self.maxmemory.store(config.maxmemory, RELAXED);
        let clients_limit = match config.maxmemory_clients {
            MaxmemoryClients::Bytes(bytes) => bytes,
            MaxmemoryClients::Percent(percent) => {
                u64::try_from(u128::from(config.maxmemory) * u128::from(percent) / 100)
                    .unwrap_or(u64::MAX)
            }
        };
        self.clients_limit.store(clients_limit, RELAXED);
    }

    /// `used_memory` as INFO reports it and eviction compares with `maxmemory`: the
    /// store's estimate plus the clients' buffers.
    pub fn used_memory(&self, store: &Store) -> u64 {
        u64::try_from(store.used_memory())
            .unwrap_or(u64::MAX)
            .saturating_add(self.clients_bytes())
    }

    /// The clients' query buffers and pending output, as of the last cron tick.
    pub fn clients_bytes(&self) -> u64 {
        self.clients_bytes.load(RELAXED)
    }

    pub fn evicted_clients(&self) -> u64 {
        self.evicted_clients.load(RELAXED)
    }

    /// The cron's part, before it takes the keyspace: sums the clients' buffers and
    /// evicts clients over `maxmemory-clients`.
    pub fn cron_clients(&self, server: &Server) {
        let mut clients: Vec<(u64, _)> = server
            .clients
            .all()
            .into_iter()
            // A killed client's buffers go with its connection, as good as freed.
            .filter(|c| !c.is_killed())
            .map(|c| {
                let bytes = c.query_buffer.load(RELAXED)
                    + c.pending_args.load(RELAXED)
                    + c.reply_pending.load(RELAXED)
                    + c.outbox_len();
                (u64::try_from(bytes).unwrap_or(u64::MAX), c)
            })
            .collect();
        let mut total: u64 = clients.iter().map(|(bytes, _)| *bytes).sum();
        let limit = self.clients_limit.load(RELAXED);
        if limit > 0 && total > limit {
            clients.sort_by_key(|c| std::cmp::Reverse(c.0));
            for (bytes, client) in &clients {
                if total <= limit || *bytes == 0 {
                    break;
                }
                if client.no_evict.load(RELAXED) {
                    continue;
                }
                tracing::info!("Evicting client: id={} (client-eviction)", client.id);
                client.kill();
                total -= bytes;
                self.evicted_clients.fetch_add(1, RELAXED);
            }
        }
        self.clients_bytes.store(total, RELAXED);
        self.clients_seen
            .store(u64::try_from(clients.len()).unwrap_or(u64::MAX), RELAXED);
    }

    /// `maxmemory`; 0: no limit.
    #[inline]
    pub fn maxmemory(&self) -> u64 {
        self.maxmemory.load(RELAXED)
    }

    pub fn policy(&self) -> Policy {
        POLICIES[usize::from(self.policy.load(RELAXED)) % POLICIES.len()]
    }

    pub fn lfu(&self) -> Lfu {
        Lfu {
            log_factor: self.lfu_log_factor.load(RELAXED),
            decay_time: self.lfu_decay_time.load(RELAXED),
        }
    }

    /// What entries' stamps hold under the current policy.
    pub fn stamps(&self) -> Option<Lfu> {
        self.policy().is_lfu().then(|| self.lfu())
    }

    /// Redis's eviction time limit: 50 µs per tenacity step up to 10, then growing 15%
    /// per step; 100 means no limit.
    fn budget(&self) -> Option<Duration> {
        let tenacity = self.tenacity.load(RELAXED).min(100);
        if tenacity >= 100 {
            return None;
        }
        let us = if tenacity <= 10 {
            50.0 * f64::from(tenacity.max(1))
        } else {
            500.0 * 1.15f64.powi(i32::try_from(tenacity - 10).unwrap_or(0))
        };
        Some(Duration::from_micros(us as u64))
    }

    /// Evicts until within `maxmemory` (no-op when it is 0); how it ended.
    pub fn perform(&self, store: &mut Store) -> Status {
        let maxmemory = self.maxmemory();
        if maxmemory == 0 {
            return Status::Ok;
        }
        // Keys make room for the clients' buffers too (all of them, if need be).
        let max_bytes =
            usize::try_from(maxmemory.saturating_sub(self.clients_bytes())).unwrap_or(usize::MAX);
        let used = store.used_memory();
        if used <= max_bytes {
            store.set_grow_headroom(Some(max_bytes - used));
            self.end_exceeded(store.now_ms());
            return Status::Ok;
        }
        let now = store.now_ms();
        let limits = Limits {
            policy: self.policy(),
            samples: usize::try_from(self.samples.load(RELAXED)).unwrap_or(5),
            max_bytes,
            budget: self.budget(),
            lfu: self.lfu(),
        };
        let outcome = store.evict(&limits, now);
        store.set_grow_headroom(Some(max_bytes.saturating_sub(store.used_memory())));
        if outcome.status == Status::Ok {
            self.end_exceeded(now);
        } else {
            let _ = self
                .exceeded_since_ms
                .compare_exchange(0, now.max(1), RELAXED, RELAXED);
        }
        outcome.status
    }

    fn end_exceeded(&self, now_ms: u64) {
        let since = self.exceeded_since_ms.swap(0, RELAXED);
        if since != 0 {
            self.exceeded_total_ms
                .fetch_add(now_ms.saturating_sub(since), RELAXED);
        }
    }

    /// `total_eviction_exceeded_time` and `current_eviction_exceeded_time` (ms).
    pub fn exceeded_times(&self, now_ms: u64) -> (u64, u64) {
        let since = self.exceeded_since_ms.load(RELAXED);
        let current = if since == 0 {
            0
        } else {
            now_ms.saturating_sub(since)
        };
        (self.exceeded_total_ms.load(RELAXED) + current, current)
    }

    /// CONFIG RESETSTAT.
    pub fn reset_stats(&self) {
        self.exceeded_total_ms.store(0, RELAXED);
        self.evicted_clients.store(0, RELAXED);
    }
}

/// Commands inside MULTI that are never refused for memory (they end the transaction).
const ALWAYS_ALLOWED_IN_MULTI: &[&str] = &["exec", "discard", "quit", "reset"];

/// Before a command, with `maxmemory` > 0: evicts, and refuses the command when memory
/// stays above the limit and it would grow the dataset. The clients' buffers are summed
/// again (and client eviction applied) at most once a millisecond, and once per
/// `clients / 256` ms with many clients, so the sum costs about 1% of a core at most.
pub fn before_command(ctx: &mut Ctx<'_>, name: &str, flags: Flags) -> Result<(), CommandError> {
    let server = ctx.server;
    let now = ctx.now_ms();
    let eviction = &server.eviction;
    let interval = 1 + eviction.clients_seen.load(RELAXED) / 256;
    let last = eviction.clients_refreshed_ms.load(RELAXED);
    if now.saturating_sub(last) >= interval
        && eviction
            .clients_refreshed_ms
            .compare_exchange(last, now, RELAXED, RELAXED)
            .is_ok()
    {
        eviction.cron_clients(server);
    }
    if eviction.perform(ctx.store()) != Status::Fail {
        return Ok(());
    }
    let queued_denyoom = || {
        ctx.client.transaction.as_ref().is_some_and(|queue| {
            queue.iter().any(|argv| {
                argv.first()
                    .and_then(|name| lookup(name))
                    .is_some_and(|cmd| cmd.flags.contains(Flags::DENYOOM))
            })
        })
    };
    let refused = flags.contains(Flags::DENYOOM)
        || (ctx.client.transaction.is_some() && !ALWAYS_ALLOWED_IN_MULTI.contains(&name))
        || (name == "exec" && queued_denyoom());
    if refused {
        Err(CommandError::Oom)
    } else {
        Ok(())
    }
}

/// CONFIG SET changed an eviction setting: takes it over and switches the stamps
/// between LRU and LFU. A lower `maxmemory` is enforced from the next command (or cron
/// tick) on, not inside CONFIG SET: as in Redis, a `CONFIG SET maxmemory` queued in
/// MULTI lets the rest of the transaction run.
pub fn config_changed(ctx: &mut Ctx<'_>) {
    let server = ctx.server;
    server.eviction.configure(&server.config());
    let stamps = server.eviction.stamps();
    let store = ctx.store();
    store.set_lfu(stamps);
    if server.eviction.maxmemory() == 0 {
        store.set_grow_headroom(None);
    }
}
