//! What the connection indicator says: a word and icon for each state with the countdown to the
//! next attempt, and the tooltip. Never colour alone.

use crate::channel::ConnectionStatus;

/// "● Live", "↻ Reconnecting in 4 s", "⚠ Offline, retrying in 3 s", … at `now_ms`.
pub fn label(status: &ConnectionStatus, now_ms: i64) -> String {
    let seconds_until = |at: u64| ((at as i64 - now_ms).max(0) + 999) / 1000;
    match status {
        ConnectionStatus::Connecting => "◌ Connecting…".to_owned(),
        ConnectionStatus::Live => "● Live".to_owned(),
        ConnectionStatus::Reconnecting {
            retry_at_ms: Some(at),
        } if seconds_until(*at) > 0 => {
            format!("↻ Reconnecting in {} s", seconds_until(*at))
        }
        ConnectionStatus::Reconnecting { .. } => "↻ Reconnecting…".to_owned(),
        ConnectionStatus::Offline { retry_at_ms, .. } if seconds_until(*retry_at_ms) > 0 => {
            format!("⚠ Offline, retrying in {} s", seconds_until(*retry_at_ms))
        }
        ConnectionStatus::Offline { .. } => "⚠ Offline".to_owned(),
    }
}

/// The tooltip: why, when offline; what it means otherwise.
pub fn title(status: &ConnectionStatus) -> String {
    match status {
        ConnectionStatus::Offline { reason, .. } => reason.clone(),
        ConnectionStatus::Live => "Receiving changes as they happen".to_owned(),
        _ => "Live updates are not flowing right now".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_say_what_happens_next() {
        assert_eq!(label(&ConnectionStatus::Live, 0), "● Live");
        assert_eq!(
            label(
                &ConnectionStatus::Reconnecting {
                    retry_at_ms: Some(5_000)
                },
                1_500
            ),
            "↻ Reconnecting in 4 s"
        );
        assert_eq!(
            label(
                &ConnectionStatus::Reconnecting {
                    retry_at_ms: Some(1_000)
                },
                2_000
            ),
            "↻ Reconnecting…"
        );
        let offline = |retry_at_ms| ConnectionStatus::Offline {
            reason: "refused".to_owned(),
            retry_at_ms,
        };
        assert_eq!(label(&offline(4_000), 1_000), "⚠ Offline, retrying in 3 s");
        assert_eq!(label(&offline(0), 1_000), "⚠ Offline");
        assert_eq!(title(&offline(0)), "refused");
    }
}
