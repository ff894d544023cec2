//! "Last seen" text: how long ago, in words, counting up second by second.

/// `age_ms` as "15 seconds ago", "1 minute ago", "3 hours ago", "2 days ago"; under five seconds
/// (or from a clock slightly ahead) it is "just now".
pub fn ago(age_ms: i64) -> String {
    if age_ms < 5_000 {
        return "just now".to_owned();
    }
    format!("{} ago", duration_words(age_ms))
}

/// `duration_ms` in its largest whole unit: "15 seconds", "1 minute", "3 hours", "2 days".
pub fn duration_words(duration_ms: i64) -> String {
    let seconds = duration_ms.max(0) / 1000;
    let (count, unit) = match seconds {
        0..60 => (seconds, "second"),
        60..3_600 => (seconds / 60, "minute"),
        3_600..86_400 => (seconds / 3_600, "hour"),
        _ => (seconds / 86_400, "day"),
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

/// The whole "Last seen" line, with "never" for a worker that has not reported.
pub fn last_seen(last_heartbeat_ms: Option<i64>, now_ms: i64) -> String {
    match last_heartbeat_ms {
        Some(last) => format!("Last seen: {}", ago(now_ms - last)),
        None => "Last seen: never".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_as_a_person_says_them() {
        assert_eq!(ago(0), "just now");
        assert_eq!(ago(-3_000), "just now");
        assert_eq!(ago(4_999), "just now");
        assert_eq!(ago(5_000), "5 seconds ago");
        assert_eq!(ago(15_400), "15 seconds ago");
        assert_eq!(ago(59_999), "59 seconds ago");
        assert_eq!(ago(60_000), "1 minute ago");
        assert_eq!(ago(125_000), "2 minutes ago");
        assert_eq!(ago(3_600_000), "1 hour ago");
        assert_eq!(ago(3 * 86_400_000), "3 days ago");
    }

    #[test]
    fn last_seen_says_never_without_a_heartbeat() {
        assert_eq!(last_seen(None, 10), "Last seen: never");
        assert_eq!(last_seen(Some(0), 15_000), "Last seen: 15 seconds ago");
    }
}
