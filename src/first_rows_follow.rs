//! The first rows following the table, before the section is in: the `live` half of
//! `first_rows_live`, in a small module of its own in release builds (asked for when the main
//! module's response starts, so that the first rows' bytes stay what they need). It starts the
//! Realtime connection (on the loader's socket, which the loader has usually joined already:
//! `realtime`), applies changes and snapshots to the drawn rows, counts "Last seen" every
//! second, and updates the connection indicator, until the section takes over
//! (`FirstRowsLive::hand_over`).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use dashboard_core::channel::ConnectionStatus;

use crate::api;
use crate::config::CLOCK_TICK_MS;
use crate::first_rows_live::{FirstRowsLive, Inner, Snapshot};
use crate::lazy::lazy_part;
use crate::realtime::{LiveConnection, LiveEvent};

type Shared = Rc<RefCell<Inner>>;

lazy_part! {
    module live;
    /// Starts following the table for `early`, naming the history table when `history` (its
    /// probe answered).
    pub fn follow(early: FirstRowsLive, history: bool) -> () {
        start(&early.0, history)
    }
}

fn start(shared: &Shared, history: bool) {
    let (config, socket) = {
        let mut inner = shared.borrow_mut();
        if inner.done {
            return;
        }
        let weak = Rc::downgrade(shared);
        inner.on_drawn = Some(Rc::new(move || {
            if let Some(shared) = weak.upgrade() {
                on_drawn(&shared);
            }
        }));
        (inner.config.clone(), inner.take_early_socket())
    };
    let events = Rc::downgrade(shared);
    // Started outside any borrow: it tells its first status at once.
    let connection = LiveConnection::start(config, history, socket, move |event| {
        if let Some(shared) = events.upgrade() {
            on_event(&shared, event);
        }
    });
    let drawn = {
        let mut inner = shared.borrow_mut();
        inner.connection = Some(Box::new(connection));
        inner.rows.is_some()
    };
    if drawn {
        on_drawn(shared);
    }
}

/// Rows are on screen: the changes that came before them, the clock, a snapshot owed.
fn on_drawn(shared: &Shared) {
    let owed = {
        let mut inner = shared.borrow_mut();
        let inner = &mut *inner;
        let Some(rows) = &mut inner.rows else {
            return;
        };
        for change in std::mem::take(&mut inner.early_changes) {
            rows.apply_change(change);
        }
        rows.show_connection(&inner.status);
        inner.ticker = Some(ticker(Rc::downgrade(shared)));
        settle_once_live(shared, inner);
        inner.snapshot == Snapshot::Owed
    };
    if owed {
        fetch_snapshot(shared);
    }
}

/// "Last seen" counts, statuses are judged again and the indicator's countdown moves, every
/// second.
fn ticker(weak: Weak<RefCell<Inner>>) -> gloo_timers::callback::Interval {
    gloo_timers::callback::Interval::new(CLOCK_TICK_MS, move || {
        if let Some(shared) = weak.upgrade() {
            let mut inner = shared.borrow_mut();
            let inner = &mut *inner;
            if let Some(rows) = &mut inner.rows {
                rows.tick();
                rows.show_connection(&inner.status);
            }
        }
    })
}

/// How long live rows are left to show the first changes alone before the section is mounted,
/// unless someone points at or focuses them first. The mount is the page's longest task: with
/// the loader's join the rows are often live from their first frame, and mounting at once put
/// it, and the module's compile, beside the first changes (on one busy machine a first change
/// then showed 200 ms after the rows instead of about 90). Its module is fetched then: loading
/// it meanwhile (a split point of its own, or the split loader's prefetch called from here)
/// cost 0.28 and 0.34 KiB, which the bundle's ceiling did not leave.
const SECTION_AFTER_LIVE_MS: u32 = 500;

/// Drawn rows that went live are left alone for a while (`settle`), once.
fn settle_once_live(shared: &Shared, inner: &mut Inner) {
    if inner.rows.is_some()
        && matches!(inner.status, ConnectionStatus::Live)
        && inner.settling.is_none()
    {
        inner.settling = Some(settle(Rc::downgrade(shared)));
    }
}

/// The drawn rows went live: the section is wanted in `SECTION_AFTER_LIVE_MS` (unless the timer
/// is dropped first: handed over or stopped).
fn settle(weak: Weak<RefCell<Inner>>) -> gloo_timers::callback::Timeout {
    gloo_timers::callback::Timeout::new(SECTION_AFTER_LIVE_MS, move || {
        if let Some(shared) = weak.upgrade() {
            shared.borrow_mut().want_section();
        }
    })
}

/// What the connection tells, before the section takes it.
fn on_event(shared: &Shared, event: LiveEvent) {
    let mut inner = shared.borrow_mut();
    if inner.done {
        return;
    }
    match event {
        LiveEvent::Status(status) => {
            if let Some(rows) = &inner.rows {
                rows.show_connection(&status);
            }
            inner.status = status;
            settle_once_live(shared, &mut inner);
        }
        LiveEvent::Change(change) => {
            let inner = &mut *inner;
            match &mut inner.rows {
                Some(rows) => rows.apply_change(change),
                None => inner.early_changes.push(change),
            }
        }
        LiveEvent::SnapshotOwed => {
            inner.snapshot = match inner.snapshot {
                Snapshot::Fetching { .. } => Snapshot::Fetching { again: true },
                _ => Snapshot::Owed,
            };
            let ready = inner.rows.is_some() && inner.snapshot == Snapshot::Owed;
            drop(inner);
            if ready {
                fetch_snapshot(shared);
            }
        }
        // The section loads the history of what it shows, from its own start.
        LiveEvent::History(_) => {}
    }
}

/// Fetches the snapshot owed and applies it to the rows (one page; a table that grew past what
/// the first rows show is left owed, to the section).
fn fetch_snapshot(shared: &Shared) {
    let (config, shift_when_sent) = {
        let mut inner = shared.borrow_mut();
        inner.snapshot = Snapshot::Fetching { again: false };
        let shift = inner.rows.as_ref().map_or(0, |rows| rows.clock_shift());
        (inner.config.clone(), shift)
    };
    let weak = Rc::downgrade(shared);
    wasm_bindgen_futures::spawn_local(async move {
        let answer = api::fetch_page(&config, None, None).await;
        let Some(shared) = weak.upgrade() else {
            return;
        };
        let again = {
            let mut inner = shared.borrow_mut();
            if inner.done {
                return;
            }
            let again = matches!(inner.snapshot, Snapshot::Fetching { again: true });
            let applied = match (answer, &mut inner.rows) {
                (Ok(page), Some(rows)) => rows.apply_snapshot(page, shift_when_sent),
                (Err(error), _) => {
                    leptos::logging::warn!("worker status: snapshot failed: {error}");
                    false
                }
                (Ok(_), None) => false,
            };
            inner.snapshot = if applied && !again {
                Snapshot::Current
            } else {
                Snapshot::Owed
            };
            again
        };
        if again {
            fetch_snapshot(&shared);
        }
    });
}
