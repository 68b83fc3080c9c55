//! The active expiry cycle: Redis's adaptive sampling of volatile keys.
//!
//! Lazy expiry alone would let keys that are never read again hold memory forever, and a
//! full sweep of `expires` would stall every client for as long as it takes. Redis's
//! answer, kept here: sample a few volatile keys at random, delete the expired ones, and
//! use the fraction that had expired as an estimate of how many expired keys remain. If
//! more than a quarter of the sample had expired, sampling again is likely to pay off, so
//! repeat; otherwise stop, accepting that up to about 25% of volatile keys may be stale
//! (they still expire lazily on access). A wall-time budget, checked every
//! [`TIME_CHECK_EVERY`] rounds with [`Instant`] (cheap to not read it every round), caps
//! the cycle when many keys expire at once.

use std::time::{Duration, Instant};

use super::Keyspace;

/// Volatile keys sampled per round (Redis's `ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`).
pub const SAMPLE_SIZE: usize = 20;

/// Rounds between two reads of the elapsed time.
pub const TIME_CHECK_EVERY: u32 = 16;

/// What one database's cycle did, for the store's running statistics.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CycleOutcome {
    pub expired: usize,
    pub sampled: usize,
    pub timed_out: bool,
}

impl Keyspace {
    /// One run of the active expiry cycle (Redis's adaptive algorithm): samples keys with
    /// deadlines, deletes the expired ones, repeats while more than a quarter of a sample
    /// had expired and `budget_us` is not spent. Returns keys expired.
    ///
    /// `now_ms` decides what has expired (the injected clock's time); `budget_us` is
    /// wall time, measured with [`Instant`]. At least one round always runs.
    ///
    /// ```
    /// use cedis_store::{Keyspace, Ttl};
    /// use cedis_types::{StringValue, Value};
    ///
    /// let mut db = Keyspace::new(0);
    /// for i in 0..100i64 {
    ///     let key = format!("k{i}");
    ///     db.set(key.as_bytes(), Value::String(StringValue::from_i64(i)), Ttl::At(1_000), 0);
    /// }
    /// // Every sample is 100% expired, so the cycle keeps going until none are left.
    /// assert_eq!(db.active_expire(2_000, 1_000_000), 100);
    /// assert!(db.is_empty());
    /// ```
    pub fn active_expire(&mut self, now_ms: u64, budget_us: u64) -> usize {
        let deadline = Instant::now() + Duration::from_micros(budget_us);
        let outcome = self.expire_cycle(now_ms, deadline);
        if outcome.timed_out {
            self.stats.expired_time_cap_reached_count += 1;
        }
        outcome.expired
    }

    /// The cycle, stopping at the wall-clock `deadline` (shared by all databases when the
    /// store runs it).
    pub(crate) fn expire_cycle(&mut self, now_ms: u64, deadline: Instant) -> CycleOutcome {
        let mut rng = rand::thread_rng();
        let mut outcome = CycleOutcome::default();
        if self.expiry_paused() || self.expiry_frozen() {
            return outcome;
        }
        let mut rounds = 0u32;
        loop {
            let sample = self.expires.len().min(SAMPLE_SIZE);
            if sample == 0 {
                break;
            }
            let mut expired = 0usize;
            let mut ttl_sum = 0u64;
            let mut ttl_samples = 0u64;
            for _ in 0..sample {
                let Some((key, &when)) = self.expires.random_entry(&mut rng) else {
                    break;
                };
                if now_ms > when {
                    let key = key.to_vec();
                    self.expire_if_needed(&key, now_ms);
                    expired += 1;
                } else {
                    ttl_sum += when - now_ms;
                    ttl_samples += 1;
                }
            }
            outcome.expired += expired;
            outcome.sampled += sample;
            if let Some(mean) = ttl_sum.checked_div(ttl_samples) {
                self.note_ttl_sample(mean);
            }
            rounds += 1;
            if rounds % TIME_CHECK_EVERY == 0 && Instant::now() >= deadline {
                outcome.timed_out = true;
                break;
            }
            // Repeat only while more than 25% of the sample had expired.
            if expired * 4 <= sample {
                break;
            }
        }
        outcome
    }

    /// Folds one round's mean remaining TTL into `avg_ttl`, weighting history 49:1 as
    /// Redis does, so INFO shows a smoothed figure rather than one sample's noise.
    fn note_ttl_sample(&mut self, mean_ms: u64) {
        if self.avg_ttl == 0 {
            self.avg_ttl = mean_ms;
        }
        self.avg_ttl = (self.avg_ttl / 50) * 49 + mean_ms / 50;
    }
}
