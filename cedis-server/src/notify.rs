//! Keyspace notifications (`notify-keyspace-events`): every change a command or the
//! server makes to a key can be published on `__keyspace@<db>__:<key>` (the message is
//! the event name) and on `__keyevent@<db>__:<event>` (the message is the key).
//!
//! Commands call [`crate::command::Ctx::notify`] after a change, with the event's class
//! (a [`keyspace_events`] bit) and Redis's event name; the server's change hook reports
//! `expired` events. The enabled classes are cached in an atomic so that a command pays
//! one load when notifications are off (the default).
//!
//! ```
//! use std::sync::Arc;
//! use cedis_server::config::keyspace_events as ev;
//! use cedis_server::notify::Notifier;
//! use cedis_server::pubsub::PubSub;
//! let notifier = Notifier::new(Arc::new(PubSub::default()));
//! assert!(!notifier.enabled(ev::STRING));
//! notifier.set_flags(ev::KEYSPACE | ev::STRING);
//! assert!(notifier.enabled(ev::STRING));
//! ```

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use crate::client::OutputLimit;
use crate::config::keyspace_events;
use crate::pubsub::{Kind, PubSub};

/// Publishes keyspace events when the configuration asks for them.
#[derive(Debug)]
pub struct Notifier {
    flags: AtomicU32,
    pubsub: Arc<PubSub>,
    /// The Pub/Sub output buffer limit, cached with the flags.
    limit: std::sync::Mutex<OutputLimit>,
}

impl Notifier {
    pub fn new(pubsub: Arc<PubSub>) -> Notifier {
        Notifier {
            flags: AtomicU32::new(0),
            pubsub,
            limit: std::sync::Mutex::new(OutputLimit::default()),
        }
    }

    /// Installs the `notify-keyspace-events` bits (on start-up and CONFIG SET).
    pub fn set_flags(&self, flags: u32) {
        self.flags.store(flags, Ordering::Relaxed);
    }

    /// Installs the Pub/Sub output buffer limit deliveries are checked against.
    pub fn set_output_limit(&self, limit: OutputLimit) {
        *self.limit.lock().unwrap_or_else(|p| p.into_inner()) = limit;
    }

    /// Whether events of `class` are published at all.
    pub fn enabled(&self, class: u32) -> bool {
        let flags = self.flags.load(Ordering::Relaxed);
        flags & class != 0 && flags & (keyspace_events::KEYSPACE | keyspace_events::KEYEVENT) != 0
    }

    /// Publishes `event` of `class` for `key` in database `db`, on the keyspace and/or
    /// keyevent channel as configured.
    pub fn notify(&self, class: u32, event: &str, key: &[u8], db: usize) {
        if !self.enabled(class) {
            return;
        }
        let flags = self.flags.load(Ordering::Relaxed);
        let limit = *self.limit.lock().unwrap_or_else(|p| p.into_inner());
        if flags & keyspace_events::KEYSPACE != 0 {
            let mut channel = format!("__keyspace@{db}__:").into_bytes();
            channel.extend_from_slice(key);
            self.pubsub
                .publish(Kind::Channel, &channel, event.as_bytes(), limit);
        }
        if flags & keyspace_events::KEYEVENT != 0 {
            let channel = format!("__keyevent@{db}__:{event}");
            self.pubsub
                .publish(Kind::Channel, channel.as_bytes(), key, limit);
        }
    }
}
