//! Loading a whole table through an API that returns at most "Max rows" (1,000 on hosted
//! Supabase) per request: keyset pages ordered by the primary key (`worker_name=gt.<last>`), so
//! rows written meanwhile are neither lost nor doubled by shifting offsets, and the `Content-Range`
//! total of each page (`Prefer: count=exact`) says how many rows remain after the cursor.

/// Rows asked for per request; the server may return fewer (its own cap).
pub const PAGE_SIZE: usize = 1000;

/// The total of a `Content-Range` header (`0-999/10000` gives 10000; `*/0` gives 0; an unknown
/// total `0-999/*` gives `None`).
pub fn content_range_total(header: &str) -> Option<u64> {
    let (_, total) = header.trim().rsplit_once('/')?;
    total.trim().parse().ok()
}

/// What one page said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOutcome {
    /// Items in the page (usable rows and skipped ones alike).
    pub items: usize,
    /// `worker_name` of the last item, the next page's cursor.
    pub last_key: Option<String>,
    /// Rows after the previous cursor, by the server's count, if it sent one.
    pub remaining: Option<u64>,
}

/// The cursor of the next page, or `None` when the table is loaded: an empty page, a page that
/// holds all that remained, or (without a count) a page shorter than asked for.
pub fn next_cursor(page: &PageOutcome) -> Option<String> {
    if page.items == 0 {
        return None;
    }
    let more = match page.remaining {
        Some(remaining) => (page.items as u64) < remaining,
        None => page.items >= PAGE_SIZE,
    };
    if more { page.last_key.clone() } else { None }
}

/// How far a load is: rows received so far and the table's size when it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Items received so far.
    pub loaded: u64,
    /// Rows in the table, from the first page's count.
    pub total: Option<u64>,
}

impl Progress {
    /// "Loading 3,000 of 10,000 workers…" (or without the total, if unknown).
    pub fn text(self) -> String {
        match self.total {
            Some(total) => format!(
                "Loading {} of {} workers…",
                grouped(self.loaded),
                grouped(total)
            ),
            None => format!("Loading workers… {} so far", grouped(self.loaded)),
        }
    }
}

/// 10000 as "10,000".
pub fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_totals() {
        assert_eq!(content_range_total("0-999/10000"), Some(10_000));
        assert_eq!(content_range_total("*/0"), Some(0));
        assert_eq!(content_range_total("0-4/*"), None);
        assert_eq!(content_range_total("garbage"), None);
    }

    fn page(items: usize, remaining: Option<u64>) -> PageOutcome {
        PageOutcome {
            items,
            last_key: (items > 0).then(|| format!("w{items}")),
            remaining,
        }
    }

    #[test]
    fn pages_continue_until_the_count_is_reached() {
        // A server capped at 100 rows, 250 in the table: 100 of 250, 100 of 150, 50 of 50.
        assert_eq!(next_cursor(&page(100, Some(250))), Some("w100".into()));
        assert_eq!(next_cursor(&page(100, Some(150))), Some("w100".into()));
        assert_eq!(next_cursor(&page(50, Some(50))), None);
        assert_eq!(next_cursor(&page(0, Some(0))), None);
        // Rows inserted behind the cursor meanwhile make the count larger, never the loop endless.
        assert_eq!(next_cursor(&page(0, Some(3))), None);
    }

    #[test]
    fn without_a_count_a_short_page_is_the_last() {
        assert_eq!(
            next_cursor(&page(PAGE_SIZE, None)),
            Some(format!("w{PAGE_SIZE}"))
        );
        assert_eq!(next_cursor(&page(999, None)), None);
    }

    #[test]
    fn progress_reads_like_a_person_would_say_it() {
        let progress = Progress {
            loaded: 3_000,
            total: Some(10_000),
        };
        assert_eq!(progress.text(), "Loading 3,000 of 10,000 workers…");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000_000), "1,000,000");
    }
}
