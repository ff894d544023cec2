//! The only writer of reactive state. It holds the workers (through the core reducer), the load
//! state, the connection status, the shared ticking clock and the server-clock offset, and
//! offers intents (`refresh`). Components read it; transports feed it. Its clock stops when the
//! section unmounts.

use dashboard_core::change::ChangeEvent;
use dashboard_core::channel::ConnectionStatus;
use dashboard_core::clock::ClockOffset;
use dashboard_core::paging::{self, Progress};
use dashboard_core::row::WorkerRow;
use dashboard_core::status::Status;
use dashboard_core::workers::{Counts, Workers, summary};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, now_ms};
use crate::config::{CLOCK_TICK_MS, Config};
use crate::error::ApiError;
use crate::lifetime;

/// Where the first load stands.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    /// Nothing yet.
    Loading,
    /// At least one snapshot arrived.
    Loaded,
    /// The last attempt failed (rows from earlier loads stay shown).
    Failed(ApiError),
    /// The configuration is unusable; nothing will load.
    Misconfigured(String),
}

/// Handles to the reactive state; `Copy`, provided as context at the root.
#[derive(Debug, Clone, Copy)]
pub struct Store {
    config: StoredValue<Config>,
    workers: RwSignal<Workers>,
    load: RwSignal<LoadState>,
    connection: RwSignal<ConnectionStatus>,
    local_now: RwSignal<i64>,
    clock: RwSignal<ClockOffset>,
    last_live_ms: RwSignal<Option<i64>>,
    skipped_rows: RwSignal<Vec<String>>,
    refreshing: RwSignal<bool>,
    refresh_again: StoredValue<bool>,
    progress: RwSignal<Option<Progress>>,
}

impl Store {
    /// New state; starts the shared clock in the browser.
    pub fn new(config: Config) -> Self {
        let load = match config.problem() {
            Some(problem) => LoadState::Misconfigured(problem),
            None => LoadState::Loading,
        };
        let store = Self {
            config: StoredValue::new(config),
            workers: RwSignal::new(Workers::default()),
            load: RwSignal::new(load),
            connection: RwSignal::new(ConnectionStatus::Connecting),
            local_now: RwSignal::new(if cfg!(target_arch = "wasm32") {
                now_ms()
            } else {
                0
            }),
            clock: RwSignal::new(ClockOffset::default()),
            last_live_ms: RwSignal::new(None),
            skipped_rows: RwSignal::new(Vec::new()),
            refreshing: RwSignal::new(false),
            refresh_again: StoredValue::new(false),
            progress: RwSignal::new(None),
        };
        if cfg!(target_arch = "wasm32") {
            // One clock for the whole section: "Last seen", Late and Stopped all follow it.
            let local_now = store.local_now;
            lifetime::keep_until_unmount(gloo_timers::callback::Interval::new(
                CLOCK_TICK_MS,
                move || local_now.set(now_ms()),
            ));
        }
        store
    }

    /// The store of the current component tree.
    pub fn expect() -> Self {
        use_context::<Self>().expect("the Store is provided at the root of the section")
    }

    /// Fetches a fresh snapshot (initial load, retry button, after every resubscription).
    pub fn refresh(self) {
        if self.refreshing.get_untracked() {
            // A snapshot asked for now must reflect now: run another when this one lands.
            self.refresh_again.set_value(true);
            return;
        }
        self.refreshing.set(true);
        let config = self.config.get_value();
        spawn_local(async move {
            let outcome = self.load_every_page(&config).await;
            if self.workers.is_disposed() {
                // The section unmounted while a request was out.
                return;
            }
            self.refreshing.set(false);
            self.progress.set(None);
            match outcome {
                Ok((rows, skipped)) => {
                    for problem in &skipped {
                        leptos::logging::warn!("worker status: skipped a row: {problem}");
                    }
                    self.skipped_rows.set(skipped);
                    self.apply_snapshot(rows);
                }
                Err(error) => {
                    leptos::logging::warn!("worker status: snapshot failed: {error}");
                    self.load.set(LoadState::Failed(error));
                }
            }
            if self.refresh_again.get_value() {
                self.refresh_again.set_value(false);
                self.refresh();
            }
        });
    }

    /// Loads the whole table, page after page past the server's row cap. A table of more than
    /// one page shows each page as it arrives and the progress instead of a summary, so the
    /// section never claims a total it has not loaded.
    async fn load_every_page(
        self,
        config: &Config,
    ) -> Result<(Vec<WorkerRow>, Vec<String>), ApiError> {
        let mut rows = Vec::new();
        let mut skipped = Vec::new();
        let mut after: Option<String> = None;
        let mut progress = Progress::default();
        loop {
            let page = api::fetch_page(config, after.as_deref()).await?;
            if self.workers.is_disposed() {
                return Ok((rows, skipped));
            }
            if let Some(date) = page.server_date_ms {
                self.clock
                    .update(|clock| clock.add_date_header(date, page.sent_ms, page.received_ms));
            }
            if after.is_none() {
                progress.total = page.outcome.remaining;
            }
            progress.loaded += page.outcome.items as u64;
            let next = paging::next_cursor(&page.outcome);
            if next.is_some() || after.is_some() {
                self.workers
                    .update(|workers| workers.merge_page(&page.rows));
                self.progress.set(next.is_some().then_some(progress));
            }
            rows.extend(page.rows);
            skipped.extend(page.skipped);
            match next {
                Some(cursor) => after = Some(cursor),
                None => return Ok((rows, skipped)),
            }
        }
    }

    /// Replaces the rows with a snapshot (through the reducer).
    pub fn apply_snapshot(self, rows: Vec<WorkerRow>) {
        self.workers.update(|workers| workers.apply_snapshot(rows));
        self.load.set(LoadState::Loaded);
    }

    /// Applies one realtime change (through the reducer); unchanged rows do not notify.
    pub fn apply_change(self, event: ChangeEvent) {
        if let Some(commit) = event.commit_ms {
            self.clock
                .update(|clock| clock.add_commit(commit, now_ms()));
        }
        let mut changed = false;
        self.workers
            .update_untracked(|workers| changed = workers.apply(event.change));
        if changed {
            self.workers.notify();
        }
    }

    /// Sets the connection status (from the realtime transport).
    pub fn set_connection(self, status: ConnectionStatus) {
        if status == ConnectionStatus::Live {
            self.last_live_ms.set(None);
        } else if self.connection.get_untracked() == ConnectionStatus::Live {
            self.last_live_ms.set(Some(now_ms()));
        }
        if self.connection.get_untracked() != status {
            self.connection.set(status);
        }
    }

    /// Server time now, in ms, ticking once a second.
    pub fn server_now(self) -> Signal<i64> {
        Signal::derive(move || {
            self.clock
                .with(|clock| clock.server_now(self.local_now.get()))
        })
    }

    /// Browser time now, ticking once a second.
    pub fn local_now(self) -> Signal<i64> {
        self.local_now.into()
    }

    /// Every worker with its status, in display order.
    pub fn ordered(self) -> Memo<Vec<(WorkerRow, Status)>> {
        let now = self.server_now();
        let thresholds = self.config.with_value(|config| config.thresholds);
        Memo::new(move |_| {
            self.workers
                .with(|workers| workers.ordered(now.get(), thresholds))
        })
    }

    /// Running, total and problems, recomputed as statuses change.
    pub fn counts(self) -> Memo<Counts> {
        let ordered = self.ordered();
        Memo::new(move |_| {
            ordered.with(|list| {
                Counts::of(&list.iter().map(|(_, status)| *status).collect::<Vec<_>>())
            })
        })
    }

    /// "N/M Running" once rows are known; while a table of several pages loads, how far it is;
    /// before anything loaded, that it is loading or could not load. Never a total not loaded.
    pub fn summary(self, ordered: Memo<Vec<(WorkerRow, Status)>>) -> Signal<String> {
        let progress = self.progress;
        let load = self.load;
        Signal::derive(move || {
            if let Some(progress) = progress.get() {
                return progress.text();
            }
            let statuses =
                ordered.with(|list| list.iter().map(|(_, status)| *status).collect::<Vec<_>>());
            match load.get() {
                LoadState::Loading if statuses.is_empty() => "Loading workers…".to_owned(),
                LoadState::Failed(_) | LoadState::Misconfigured(_) if statuses.is_empty() => {
                    "Not loaded".to_owned()
                }
                _ => summary(&statuses),
            }
        })
    }

    /// How far a table of several pages has loaded; `None` when no such load is under way.
    pub fn loading_progress(self) -> Signal<Option<Progress>> {
        self.progress.into()
    }

    /// The load state.
    pub fn load(self) -> Signal<LoadState> {
        self.load.into()
    }

    /// The connection status.
    pub fn connection(self) -> Signal<ConnectionStatus> {
        self.connection.into()
    }

    /// When the live connection was lost, if it is lost.
    pub fn lost_live_at(self) -> Signal<Option<i64>> {
        self.last_live_ms.into()
    }

    /// Whether any worker is known.
    pub fn has_workers(self) -> Signal<bool> {
        Signal::derive(move || self.workers.with(|workers| !workers.is_empty()))
    }

    /// Messages about rows that could not be shown.
    pub fn skipped_rows(self) -> Signal<Vec<String>> {
        self.skipped_rows.into()
    }

    /// Whether a snapshot request is in flight.
    pub fn is_refreshing(self) -> Signal<bool> {
        self.refreshing.into()
    }
}
