//! Who is subscribed to what: one entry per joined channel whose postgres_changes subscription
//! is live. The WAL poller asks it which channels a change concerns; sessions add and remove
//! their channels. Outgoing frames go through each session's own queue, never the socket.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::filter::Filter;
use crate::keys::Claims;

/// INSERT, UPDATE or DELETE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// A new row.
    Insert,
    /// A changed row.
    Update,
    /// A removed row.
    Delete,
}

impl ChangeKind {
    /// The wire name (`data.type`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Insert => "INSERT",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
        }
    }
}

/// One `postgres_changes` entry of a join, with the id the server gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The id echoed in the join reply and listed in `ids` of matching changes.
    pub id: u32,
    /// `None` for `*`.
    pub event: Option<ChangeKind>,
    /// Schema, or `*`.
    pub schema: String,
    /// Table, or `None` for all (`*` or absent).
    pub table: Option<String>,
    /// Optional row filter.
    pub filter: Option<Filter>,
}

impl Binding {
    /// Whether a change of `kind` on `schema.table` concerns this binding (filters aside).
    pub fn covers(&self, schema: &str, table: &str, kind: ChangeKind) -> bool {
        (self.schema == "*" || self.schema == schema)
            && self.table.as_deref().is_none_or(|own| own == table)
            && self.event.is_none_or(|event| event == kind)
    }
}

/// Identifies a channel: the socket it lives on and its topic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelKey {
    /// Socket number, unique for the gateway's lifetime.
    pub socket: u64,
    /// `realtime:<name>`.
    pub topic: String,
}

/// A live subscription.
#[derive(Debug, Clone)]
pub struct Subscription {
    /// The token's role and claims, used for every RLS check.
    pub claims: Claims,
    /// The bindings.
    pub bindings: Vec<Binding>,
    /// The session's outgoing queue.
    pub outbox: crate::realtime::outbox::Outbox,
}

/// A subscription concerned by one change, with the bindings that matched.
#[derive(Debug, Clone)]
pub struct Interested {
    /// Which channel.
    pub key: ChannelKey,
    /// The subscription.
    pub subscription: Subscription,
}

/// A joined channel, as a receiver of broadcasts on its topic.
#[derive(Debug, Clone)]
pub struct BroadcastReceiver {
    /// Joined with `config.private = true` (it receives the private messages of its topic, a
    /// public channel the public ones: two separate namespaces, as in Realtime).
    pub private: bool,
    /// The session's outgoing queue.
    pub outbox: crate::realtime::outbox::Outbox,
}

/// The registry.
#[derive(Debug, Default)]
pub struct Hub {
    channels: Mutex<HashMap<ChannelKey, Subscription>>,
    receivers: Mutex<HashMap<ChannelKey, BroadcastReceiver>>,
}

impl Hub {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ChannelKey, Subscription>> {
        self.channels
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds or replaces a channel's subscription.
    pub fn insert(&self, key: ChannelKey, subscription: Subscription) {
        self.lock().insert(key, subscription);
    }

    fn lock_receivers(&self) -> std::sync::MutexGuard<'_, HashMap<ChannelKey, BroadcastReceiver>> {
        self.receivers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Removes a channel.
    pub fn remove(&self, key: &ChannelKey) {
        self.lock().remove(key);
        self.lock_receivers().remove(key);
    }

    /// Removes every channel of a socket.
    pub fn remove_socket(&self, socket: u64) {
        self.lock().retain(|key, _| key.socket != socket);
        self.lock_receivers().retain(|key, _| key.socket != socket);
    }

    /// Adds or replaces a channel as a receiver of broadcasts.
    pub fn insert_receiver(&self, key: ChannelKey, receiver: BroadcastReceiver) {
        self.lock_receivers().insert(key, receiver);
    }

    /// The outboxes of the channels joined to `topic` with the same privacy as a message.
    pub fn receivers(&self, topic: &str, private: bool) -> Vec<crate::realtime::outbox::Outbox> {
        self.receivers_except(topic, private, None)
    }

    /// The same, without the channel `except` (a client's broadcast does not come back to it).
    pub fn receivers_except(
        &self,
        topic: &str,
        private: bool,
        except: Option<&ChannelKey>,
    ) -> Vec<crate::realtime::outbox::Outbox> {
        self.lock_receivers()
            .iter()
            .filter(|(key, receiver)| {
                key.topic == topic && receiver.private == private && Some(*key) != except
            })
            .map(|(_, receiver)| receiver.outbox.clone())
            .collect()
    }

    /// Replaces a channel's claims (after an `access_token` event).
    pub fn set_claims(&self, key: &ChannelKey, claims: Claims) {
        if let Some(subscription) = self.lock().get_mut(key) {
            subscription.claims = claims;
        }
    }

    /// Channels with at least one binding covering a change of `kind` on `schema.table`.
    pub fn interested(&self, schema: &str, table: &str, kind: ChangeKind) -> Vec<Interested> {
        self.lock()
            .iter()
            .filter(|(_, subscription)| {
                subscription
                    .bindings
                    .iter()
                    .any(|b| b.covers(schema, table, kind))
            })
            .map(|(key, subscription)| Interested {
                key: key.clone(),
                subscription: subscription.clone(),
            })
            .collect()
    }

    /// Number of live channels.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no channel is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_cover_by_schema_table_and_event() {
        let binding = |event, table: Option<&str>| Binding {
            id: 1,
            event,
            schema: "public".into(),
            table: table.map(str::to_owned),
            filter: None,
        };
        assert!(binding(None, Some("t")).covers("public", "t", ChangeKind::Delete));
        assert!(binding(Some(ChangeKind::Insert), None).covers(
            "public",
            "other",
            ChangeKind::Insert
        ));
        assert!(!binding(Some(ChangeKind::Insert), Some("t")).covers(
            "public",
            "t",
            ChangeKind::Update
        ));
        assert!(!binding(None, Some("t")).covers("private", "t", ChangeKind::Insert));
    }
}
