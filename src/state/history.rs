//! The workers' history of the last week, for the workers a view shows: a strip or a detail
//! says which worker it shows (`show`, undone when it unmounts), the ones shown are loaded a
//! batch at a time (`dashboard_core::history::demand`), and live events are kept for them. So
//! neither the requests nor the memory grow with the fleet: 10,000 workers with a week of events
//! each cost only the rows on screen. The first rows, the summary and live updates never wait
//! for any of it.

use dashboard_core::history::demand::{Held, HistoryDemand};
use dashboard_core::history::{DAY_MS, History, WEEK_MS, WorkerEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::browser::now_ms;
use crate::config::Config;
use crate::error::ApiError;
use crate::prefetch::Prefetched;

/// Where a worker's history stands, as a view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryState {
    /// Being asked for.
    Loading,
    /// Loaded (and followed live when the channel could follow it).
    Loaded,
    /// It could not be loaded: why, in words (no history table yet, or the request failed).
    Unavailable(String),
}

/// Whether the history table answers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Table {
    /// Not asked yet: loads wait.
    Unknown,
    Answers,
    Unavailable(String),
}

/// The history handle, shared by the section's views.
#[derive(Debug, Clone, Copy)]
pub struct WorkerHistory {
    config: StoredValue<Config>,
    events: StoredValue<History>,
    demand: StoredValue<HistoryDemand>,
    table: RwSignal<Table>,
    /// Why the last batch failed, until one succeeds.
    last_error: RwSignal<Option<String>>,
    /// Bumped whenever the events or what is loaded change.
    revision: RwSignal<u64>,
    /// Whether a batch is being loaded (one at a time).
    loading: StoredValue<bool>,
}

impl WorkerHistory {
    /// Empty; nothing is asked for until the table answers (`probe`) and a view shows a
    /// worker.
    pub fn new(config: Config) -> Self {
        Self {
            config: StoredValue::new(config),
            events: StoredValue::new(History::default()),
            demand: StoredValue::new(HistoryDemand::default()),
            table: RwSignal::new(Table::Unknown),
            last_error: RwSignal::new(None),
            revision: RwSignal::new(0),
            loading: StoredValue::new(false),
        }
    }

    /// A view shows `name` until it unmounts: its history is loaded and followed.
    pub fn show_while_mounted(self, name: &str) {
        let wanted = self.demand.try_update_value(|demand| demand.show(name));
        if wanted == Some(true) {
            self.load_pending();
        }
        let name = name.to_owned();
        on_cleanup(move || self.hide(&name));
    }

    fn hide(self, name: &str) {
        if let Some(forgotten) = self.demand.try_update_value(|demand| demand.hide(name))
            && !forgotten.is_empty()
        {
            self.events.update_value(|events| events.forget(&forgotten));
        }
    }

    /// Where `name`'s history stands (tracked).
    pub fn state_of(self, name: &str) -> HistoryState {
        self.revision.track();
        if let Table::Unavailable(reason) = self.table.get() {
            return HistoryState::Unavailable(reason);
        }
        match self.demand.with_value(|demand| demand.held(name)) {
            Held::Loaded => HistoryState::Loaded,
            Held::Absent | Held::Loading => match self.last_error.get() {
                Some(reason) => HistoryState::Unavailable(reason),
                None => HistoryState::Loading,
            },
        }
    }

    /// Whether the history table is known not to answer (tracked): the cards then keep no room
    /// for a strip.
    pub fn table_unavailable(self) -> bool {
        self.table
            .with(|table| matches!(table, Table::Unavailable(_)))
    }

    /// Runs `read` over a worker's events (oldest first), tracking changes.
    pub fn with_events<R>(self, name: &str, read: impl FnOnce(&[WorkerEvent]) -> R) -> R {
        self.revision.track();
        self.events.with_value(|events| read(events.of(name)))
    }

    /// Whether the history table answers, asked with one row (the loader's request, if it
    /// sent one): the live channel names the table only if it does. Once it does, what the
    /// views show is loaded.
    pub async fn probe(self, prefetched: Option<Prefetched>) -> bool {
        let config = self.config.get_value();
        let answer = api::probe_events(&config, prefetched).await;
        if self.table.is_disposed() {
            return false;
        }
        self.probed(answer)
    }

    /// Takes the probe's answer (asked here, or by the first rows' start: `first_rows_live`);
    /// returns whether the table answers.
    pub fn probed(self, answer: Result<(), ApiError>) -> bool {
        let answers = answer.is_ok();
        self.table.set(match answer {
            Ok(()) => Table::Answers,
            Err(error) => Table::Unavailable(unavailable_reason(error)),
        });
        self.load_pending();
        answers
    }

    /// Records one event from the live channel, if its worker's history is held (the others'
    /// come with their load).
    pub fn record(self, event: WorkerEvent) {
        let follows = self
            .demand
            .try_with_value(|demand| demand.follows(&event.worker_name))
            .unwrap_or(false);
        if follows
            && self
                .events
                .try_update_value(|events| events.insert(event))
                .unwrap_or(false)
        {
            self.revision.update(|revision| *revision += 1);
        }
    }

    /// After a reconnection: what the views show is asked for again, since events may have been
    /// missed meanwhile.
    pub fn reload_shown(self) {
        if self
            .demand
            .try_update_value(HistoryDemand::reload_shown)
            .unwrap_or(false)
        {
            self.load_pending();
        }
    }

    /// Loads the pending workers a batch at a time, unless a load is running (it takes them)
    /// or the table has not answered yet (its answer starts it).
    fn load_pending(self) {
        if self.table.get_untracked() != Table::Answers || self.loading.get_value() {
            return;
        }
        self.loading.set_value(true);
        spawn_local(async move {
            // Names shown in the same task travel together.
            crate::lazy::after_this_task().await;
            let mut attempt = 0;
            while let Some(batch) = self
                .demand
                .try_update_value(HistoryDemand::next_batch)
                .filter(|batch| !batch.is_empty())
            {
                match self.load_batch(batch).await {
                    Batch::Loaded => attempt = 0,
                    Batch::Stop => break,
                    // Asked for again on the reconnect schedule (the batch went back to pending).
                    Batch::Failed => {
                        let delay = dashboard_core::rules::backoff::scheduled(attempt) as u32;
                        attempt += 1;
                        gloo_timers::future::TimeoutFuture::new(delay).await;
                    }
                }
            }
            if !self.loading.is_disposed() {
                self.loading.set_value(false);
            }
        });
    }

    /// One batch: its week, every page of it.
    async fn load_batch(self, batch: Vec<String>) -> Batch {
        let config = self.config.get_value();
        let since = now_ms() - WEEK_MS - DAY_MS;
        let mut loaded = Vec::new();
        let mut after = 0;
        let outcome = loop {
            match api::fetch_events_page(&config, &batch, since, after).await {
                Ok((page, skipped, more)) => {
                    for problem in skipped {
                        leptos::logging::warn!("worker status: skipped a history event: {problem}");
                    }
                    loaded.extend(page);
                    match more {
                        Some(last) => after = last,
                        None => break Ok(()),
                    }
                }
                Err(error) => break Err(error),
            }
        };
        if self.events.is_disposed() {
            return Batch::Stop;
        }
        match outcome {
            Ok(()) => {
                // Merged, not replaced: events the channel delivered meanwhile stay.
                self.events.update_value(|events| events.merge(loaded));
                self.demand.update_value(|demand| demand.loaded(&batch));
                self.last_error.set(None);
                self.revision.update(|revision| *revision += 1);
                Batch::Loaded
            }
            Err(error) => {
                leptos::logging::warn!("worker status: history not loaded: {error}");
                self.demand.update_value(|demand| demand.failed(&batch));
                self.revision.update(|revision| *revision += 1);
                if let ApiError::NotFound(_) = error {
                    self.table
                        .set(Table::Unavailable(unavailable_reason(error)));
                    Batch::Stop
                } else {
                    self.last_error.set(Some(unavailable_reason(error)));
                    Batch::Failed
                }
            }
        }
    }
}

/// How a batch went.
enum Batch {
    Loaded,
    Failed,
    /// The table is missing, or the section unmounted.
    Stop,
}

/// Why the history is not available, in words.
fn unavailable_reason(error: ApiError) -> String {
    match error {
        ApiError::NotFound(_) => {
            "No history table yet: apply the migration 20261203000000_worker_events.sql.".to_owned()
        }
        other => format!("The history could not be loaded: {other}"),
    }
}
