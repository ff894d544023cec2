//! Timestamps as PostgreSQL, PostgREST and Realtime write them, read into Unix milliseconds:
//! RFC 3339 (`2026-11-28T15:00:00.5+00:00`, `…Z`) and PostgreSQL's own text form
//! (`2026-11-28 15:00:00.123456+00`). Hand-written instead of chrono to keep the browser bundle
//! small; a test compares it with chrono on every shape and on many generated inputs.

/// Milliseconds since the Unix epoch, or `None` for anything that is not such a timestamp.
/// Fractions beyond milliseconds are truncated (toward the past), as chrono's `timestamp_millis`.
pub fn parse_timestamp_ms(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let year = digits(bytes, &mut at, 4)?;
    expect(bytes, &mut at, b'-')?;
    let month = digits(bytes, &mut at, 2)?;
    expect(bytes, &mut at, b'-')?;
    let day = digits(bytes, &mut at, 2)?;
    match bytes.get(at) {
        Some(b'T' | b't' | b' ') => at += 1,
        _ => return None,
    }
    let hour = digits(bytes, &mut at, 2)?;
    expect(bytes, &mut at, b':')?;
    let minute = digits(bytes, &mut at, 2)?;
    expect(bytes, &mut at, b':')?;
    let second = digits(bytes, &mut at, 2)?;
    let mut millis = 0;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            if at - start < 3 {
                millis = millis * 10 + i64::from(bytes[at] - b'0');
            }
            at += 1;
        }
        let count = at - start;
        if count == 0 || count > 9 {
            return None;
        }
        for _ in count..3 {
            millis *= 10;
        }
    }
    let offset_minutes = match bytes.get(at) {
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            at += 1;
            let hours = digits(bytes, &mut at, 2)?;
            let minutes = match bytes.get(at) {
                Some(b':') => {
                    at += 1;
                    digits(bytes, &mut at, 2)?
                }
                Some(byte) if byte.is_ascii_digit() => digits(bytes, &mut at, 2)?,
                _ => 0,
            };
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 60 + minutes)
        }
        _ => return None,
    };
    if at != bytes.len()
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    // A leap second (:60) counts from the start of the next minute, as chrono's millis do.
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

/// Exactly `count` ASCII digits at `at`, as a number.
fn digits(bytes: &[u8], at: &mut usize, count: usize) -> Option<i64> {
    let slice = bytes.get(*at..*at + count)?;
    let mut value = 0;
    for byte in slice {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(byte - b'0');
    }
    *at += count;
    Some(value)
}

fn expect(bytes: &[u8], at: &mut usize, byte: u8) -> Option<()> {
    (bytes.get(*at) == Some(&byte)).then(|| *at += 1)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// chrono's reading, as the project used it before: RFC 3339, else PostgreSQL's text form.
    fn chrono_ms(text: &str) -> Option<i64> {
        chrono::DateTime::parse_from_rfc3339(text)
            .ok()
            .or_else(|| chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%#z").ok())
            .map(|time| time.timestamp_millis())
    }

    #[test]
    fn every_shape_the_services_write() {
        for (text, expected) in [
            ("2026-11-28T15:00:00.5+00:00", Some(1_795_878_000_500)),
            ("2026-11-28T15:00:00Z", Some(1_795_878_000_000)),
            ("2026-11-28 15:00:00.123456+00", Some(1_795_878_000_123)),
            (
                "2026-11-28T16:30:00.999999999+01:30",
                Some(1_795_878_000_999),
            ),
            ("2026-11-28T14:59:60.25Z", Some(1_795_878_000_250)),
            ("1970-01-01T00:00:00Z", Some(0)),
            ("1969-12-31T23:59:59.9Z", Some(-100)),
            ("2024-02-29T00:00:00Z", Some(1_709_164_800_000)),
            ("2023-02-29T00:00:00Z", None),
            ("2026-13-01T00:00:00Z", None),
            ("2026-11-28T24:00:00Z", None),
            ("2026-11-28T15:00:00", None),
            ("2026-11-28T15:00:00.Z", None),
            ("2026-11-28T15:00:00+25:00", None),
            ("not a time", None),
            ("", None),
        ] {
            assert_eq!(parse_timestamp_ms(text), expected, "{text}");
        }
    }

    #[test]
    fn agrees_with_chrono_on_generated_timestamps() {
        // A deterministic walk over dates, times, fractions, separators and offsets.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % bound
        };
        let mut compared = 0;
        for _ in 0..200_000 {
            let year = 1900 + next(300);
            let month = 1 + next(13);
            let day = 1 + next(32);
            let (hour, minute, second) = (next(25), next(61), next(62));
            let separator = ["T", "t", " "][next(3) as usize];
            let fraction = match next(4) {
                0 => String::new(),
                _ => format!(".{}", next(1_000_000_000))
                    .chars()
                    .take(1 + next(10) as usize)
                    .collect(),
            };
            let offset = match next(5) {
                0 => "Z".to_owned(),
                1 => format!("+{:02}:{:02}", next(24), next(60)),
                2 => format!("-{:02}{:02}", next(24), next(60)),
                3 => format!("+{:02}", next(24)),
                _ => "z".to_owned(),
            };
            let text = format!(
                "{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}:{second:02}{fraction}{offset}"
            );
            let ours = parse_timestamp_ms(&text);
            let theirs = chrono_ms(&text);
            if theirs.is_some() {
                assert_eq!(ours, theirs, "{text}");
                compared += 1;
            } else if let Some(ms) = ours {
                // chrono's fallback format needs 'T' and rejects a bare "+HH" after RFC 3339
                // fails in some spellings we accept; anything we accept must be a real instant.
                assert!(
                    separator == " " || separator == "t" || offset.len() == 3 || offset == "z",
                    "{text} -> {ms}"
                );
            }
        }
        assert!(compared > 50_000, "{compared} compared");
    }
}
