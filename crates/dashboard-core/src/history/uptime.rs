//! Uptime over a window, from a strip's bands: the share of the known time that was Running, and
//! the line a card shows ("Uptime 24 h: 99.2% · 3 d: 97.0%").

use super::{Band, DAY_MS, Segment, WEEK_MS};

/// The share of the known time that was Running, in tenths of a percent; `None` when nothing is
/// known of the window.
pub fn uptime_permille(segments: &[Segment]) -> Option<u32> {
    let known = known_ms(segments);
    (known > 0).then(|| ((band_ms(segments, Band::Running) * 1000 + known / 2) / known) as u32)
}

/// How much of `segments` is known (not "no data"), in ms.
pub fn known_ms(segments: &[Segment]) -> i64 {
    span_ms(segments, |band| band != Band::Unknown)
}

fn band_ms(segments: &[Segment], wanted: Band) -> i64 {
    span_ms(segments, |band| band == wanted)
}

/// The total length of the stretches whose band `counts`.
fn span_ms(segments: &[Segment], counts: impl Fn(Band) -> bool) -> i64 {
    segments
        .iter()
        .filter(|segment| counts(segment.band))
        .map(|segment| segment.end_ms - segment.start_ms)
        .sum()
}

/// The uptime line, from the strips of the last day and week, saying what it rests on: "Uptime
/// 24 h: 99.2% · 7 d: 97.0%" with a full week of history, "Uptime 24 h: 99.2% · 3 d: 97.0%" with
/// three days, "Uptime: 100% over 2 min of history" with less than a day (a worker seen for two
/// minutes must not read as a week at 100%). Durations are rounded down: the strip is redrawn
/// once a minute.
pub fn uptime_line(day: &[Segment], week: &[Segment]) -> String {
    // A minute's slack: the windows' edges move while the page is open.
    const SLACK_MS: i64 = 60_000;
    let known = known_ms(week);
    if known == 0 {
        return "Uptime: no history yet".to_owned();
    }
    if known < DAY_MS - SLACK_MS {
        return format!(
            "Uptime: {} over {} of history",
            percent(uptime_permille(week)),
            short_duration(known)
        );
    }
    let week_label = if known < WEEK_MS - SLACK_MS {
        short_duration(known)
    } else {
        "7 d".to_owned()
    };
    format!(
        "Uptime 24 h: {} · {week_label}: {}",
        percent(uptime_permille(day)),
        percent(uptime_permille(week))
    )
}

/// "<1 min", "5 min", "19 h", "3 d": rounded down.
fn short_duration(ms: i64) -> String {
    match ms / 60_000 {
        0 => "<1 min".to_owned(),
        minutes @ 1..60 => format!("{minutes} min"),
        minutes @ 60..1_440 => format!("{} h", minutes / 60),
        minutes => format!("{} d", minutes / 1_440),
    }
}

/// "99.2%", "100%", "—" when unknown.
pub fn percent(permille: Option<u32>) -> String {
    match permille {
        None => "—".to_owned(),
        Some(1000) => "100%".to_owned(),
        Some(permille) => format!("{}.{}%", permille / 10, permille % 10),
    }
}
