//! One page of the status table as it arrived: its rows, what was skipped, where the next page
//! starts, and what the answer tells about the server's clock. Made by `api`, or by `prefetch`
//! from the loader's request.

use dashboard_core::wire::paging::PageOutcome;
use dashboard_core::wire::row::WorkerRow;

/// One page of the table and what it tells about the server's clock.
#[derive(Debug, Clone)]
pub struct Page {
    /// Usable rows.
    pub rows: Vec<WorkerRow>,
    /// One message per skipped row.
    pub skipped: Vec<String>,
    /// Items, the cursor for the next page and the rows that remained.
    pub outcome: PageOutcome,
    /// The `Date` header in ms, if readable.
    pub server_date_ms: Option<i64>,
    /// Browser time when the request was sent.
    pub sent_ms: i64,
    /// Browser time when the answer arrived.
    pub received_ms: i64,
}
