//! The Pub/Sub registry: who listens to which channel, pattern and shard channel, and
//! the fan-out of a message to them.
//!
//! A message is encoded straight into each receiver's outbox
//! ([`ClientHandle::deliver`]) while the registry lock is held, so receivers see messages
//! in publish order and a publisher never waits for a receiver's socket. The receiver's
//! output buffer limit (`client-output-buffer-limit pubsub …`) bounds what a slow reader
//! can pile up: past it the reader is disconnected, as in Redis.
//!
//! Lock order: the keyspace lock (keyspace notifications publish from inside commands),
//! then this registry's lock, then a client's outbox lock. Nothing here takes the
//! keyspace lock.
//!
//! ```
//! use cedis_server::pubsub::{Kind, PubSub};
//! let pubsub = PubSub::default();
//! assert_eq!(pubsub.numsub(Kind::Channel, b"news"), 0);
//! assert!(pubsub.channels(Kind::Channel, None).is_empty());
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;

use crate::client::{ClientHandle, OutputLimit};

/// The three independent namespaces of Pub/Sub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Channel,
    Pattern,
    ShardChannel,
}

/// Subscribers of one name, in subscription order (the order messages go out in).
type Subscribers = Vec<Arc<ClientHandle>>;

#[derive(Default)]
struct Registry {
    channels: HashMap<Bytes, Subscribers>,
    /// Patterns in the order first subscribed, each with its subscribers.
    patterns: Vec<(Bytes, Subscribers)>,
    shard_channels: HashMap<Bytes, Subscribers>,
}

/// Every subscription on the server.
#[derive(Default)]
pub struct PubSub {
    registry: Mutex<Registry>,
}

impl std::fmt::Debug for PubSub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PubSub").finish_non_exhaustive()
    }
}

impl PubSub {
    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds `client` as a subscriber of `name` (the caller checked it was not one).
    pub fn subscribe(&self, kind: Kind, name: &Bytes, client: &Arc<ClientHandle>) {
        let mut registry = self.lock();
        let subscribers = match kind {
            Kind::Channel => registry.channels.entry(name.clone()).or_default(),
            Kind::ShardChannel => registry.shard_channels.entry(name.clone()).or_default(),
            Kind::Pattern => {
                let patterns = &mut registry.patterns;
                let at = match patterns.iter().position(|(p, _)| p == name) {
                    Some(at) => at,
                    None => {
                        patterns.push((name.clone(), Vec::new()));
                        patterns.len() - 1
                    }
                };
                &mut patterns[at].1
            }
        };
        subscribers.push(Arc::clone(client));
    }

    /// Removes `client` from the subscribers of `name`.
    pub fn unsubscribe(&self, kind: Kind, name: &[u8], client_id: u64) {
        let mut registry = self.lock();
        let remove = |subscribers: &mut Subscribers| {
            subscribers.retain(|c| c.id != client_id);
            subscribers.is_empty()
        };
        match kind {
            Kind::Channel => {
                if registry.channels.get_mut(name).is_some_and(remove) {
                    registry.channels.remove(name);
                }
            }
            Kind::ShardChannel => {
                if registry.shard_channels.get_mut(name).is_some_and(remove) {
                    registry.shard_channels.remove(name);
                }
            }
            Kind::Pattern => {
                if let Some(at) = registry.patterns.iter().position(|(p, _)| p == name) {
                    if remove(&mut registry.patterns[at].1) {
                        registry.patterns.remove(at);
                    }
                }
            }
        }
    }

    /// Sends `message` to the subscribers of `channel` (and, for [`Kind::Channel`], of
    /// every matching pattern); the number of deliveries, as PUBLISH replies.
    pub fn publish(&self, kind: Kind, channel: &[u8], message: &[u8], limit: OutputLimit) -> usize {
        let registry = self.lock();
        let mut receivers = 0;
        let (direct, event): (_, &[u8]) = match kind {
            Kind::ShardChannel => (registry.shard_channels.get(channel), b"smessage"),
            _ => (registry.channels.get(channel), b"message"),
        };
        for client in direct.into_iter().flatten() {
            client.deliver(limit, |out| {
                out.push(3);
                out.bulk(event);
                out.bulk(channel);
                out.bulk(message);
            });
            receivers += 1;
        }
        if kind == Kind::Channel {
            for (pattern, subscribers) in &registry.patterns {
                if !cedis_types::glob::glob_match(pattern, channel, false) {
                    continue;
                }
                for client in subscribers {
                    client.deliver(limit, |out| {
                        out.push(4);
                        out.bulk(b"pmessage");
                        out.bulk(pattern);
                        out.bulk(channel);
                        out.bulk(message);
                    });
                    receivers += 1;
                }
            }
        }
        receivers
    }

    /// Whether anyone at all is subscribed (keyspace notifications skip their work
    /// otherwise).
    pub fn is_empty(&self) -> bool {
        let registry = self.lock();
        registry.channels.is_empty() && registry.patterns.is_empty()
    }

    /// PUBSUB CHANNELS / SHARDCHANNELS: the active channels, filtered by a glob.
    pub fn channels(&self, kind: Kind, pattern: Option<&[u8]>) -> Vec<Bytes> {
        let registry = self.lock();
        let map = match kind {
            Kind::ShardChannel => &registry.shard_channels,
            _ => &registry.channels,
        };
        map.keys()
            .filter(|c| pattern.is_none_or(|p| cedis_types::glob::glob_match(p, c, false)))
            .cloned()
            .collect()
    }

    /// PUBSUB NUMSUB / SHARDNUMSUB for one channel.
    pub fn numsub(&self, kind: Kind, channel: &[u8]) -> usize {
        let registry = self.lock();
        let map = match kind {
            Kind::ShardChannel => &registry.shard_channels,
            _ => &registry.channels,
        };
        map.get(channel).map_or(0, Vec::len)
    }

    /// PUBSUB NUMPAT: patterns with at least one subscriber.
    pub fn numpat(&self) -> usize {
        self.lock().patterns.len()
    }
}
