//! What the connection indicator shows, projected from the channel's phase.

use super::{Channel, OFFLINE_REASON, Phase};

/// The connection as the indicator shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionStatus {
    /// First connection under way.
    Connecting,
    /// Subscribed: changes flow.
    Live,
    /// Lost; trying again at `retry_at_ms` (None: trying now).
    Reconnecting {
        /// When the next attempt starts.
        retry_at_ms: Option<u64>,
    },
    /// The server refused the subscription; retrying later. The reason is for the tooltip.
    Offline {
        /// Why.
        reason: String,
        /// When the next attempt starts.
        retry_at_ms: u64,
    },
}

impl ConnectionStatus {
    /// The `data-state` value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Live => "live",
            Self::Reconnecting { .. } => "reconnecting",
            Self::Offline { .. } => "offline",
        }
    }
}

impl Channel {
    /// The indicator's view of the connection at `now_ms`.
    pub fn status(&self) -> ConnectionStatus {
        if self.browser_offline {
            let retry_at_ms = match &self.phase {
                Phase::Waiting { reconnect_at } => *reconnect_at,
                Phase::Rejoining { at, .. } => *at,
                _ => 0,
            };
            return ConnectionStatus::Offline {
                reason: OFFLINE_REASON.to_owned(),
                retry_at_ms,
            };
        }
        match &self.phase {
            Phase::Live { .. } => ConnectionStatus::Live,
            Phase::Rejoining {
                at,
                refused: Some(reason),
            } => ConnectionStatus::Offline {
                reason: reason.clone(),
                retry_at_ms: *at,
            },
            Phase::Waiting { reconnect_at } => ConnectionStatus::Reconnecting {
                retry_at_ms: Some(*reconnect_at),
            },
            Phase::Rejoining { at, refused: None } => ConnectionStatus::Reconnecting {
                retry_at_ms: Some(*at),
            },
            _ if self.ever_live || self.reconnect_attempts > 0 => {
                ConnectionStatus::Reconnecting { retry_at_ms: None }
            }
            _ => ConnectionStatus::Connecting,
        }
    }
}
