//! Loading the table over REST: the first load and every later snapshot (the retry button,
//! after a resubscription, the polling fallback while the live connection is down, after the
//! browser's clock jumped), page after page past the server's row cap, one at a time (a snapshot
//! asked for while one is out runs once it lands). It owns where the load stands, the progress
//! of a table of several pages and the rows that could not be read; the pages go to the fleet,
//! their `Date` headers and the snapshot's time to the clock.

use dashboard_core::rules::poll::PollFallback;
use dashboard_core::rules::workers::Counts;
use dashboard_core::wire::paging::{self, Progress};
use dashboard_core::wire::row::WorkerRow;
use leptos::prelude::*;

use crate::memo::memo;
use leptos::task::spawn_local;

use crate::api;
use crate::browser::now_ms;
use crate::config::Config;
use crate::error::ApiError;
use crate::prefetch::FirstAnswer;
use crate::rows_page::Page;
use crate::state::clock::{Clock, Tick};
use crate::state::fleet::Fleet;

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

/// What the section's body shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// The first load is under way and nothing is known.
    Loading,
    /// Loaded, and the table is empty.
    Empty,
    /// Nothing could be loaded (or the configuration is unusable).
    Error,
    /// The workers.
    List,
}

/// One snapshot being read, page by page.
#[derive(Default)]
struct Reading {
    /// The names of the pages merged so far (a table of several pages).
    names: Vec<String>,
    skipped: Vec<String>,
    progress: Progress,
    /// The next page's cursor; `None` before the first page.
    after: Option<String>,
}

/// A snapshot read to its end: the rows that could not be read, and the rows of a table of one
/// page (a table of several has been merged into the fleet page by page).
struct ReadSnapshot {
    skipped: Vec<String>,
    one_page: Option<Vec<WorkerRow>>,
}

impl Reading {
    fn finished(self, one_page: Option<Vec<WorkerRow>>) -> ReadSnapshot {
        ReadSnapshot {
            skipped: self.skipped,
            one_page,
        }
    }
}

/// What one page did to a reading.
enum Read {
    /// Another page follows.
    More,
    /// The table was one page: these are all its rows.
    OnePage(Vec<WorkerRow>),
    /// The last of several pages was merged.
    Merged,
}

/// Handles to the loader's state; `Copy`, part of `State`.
#[derive(Clone, Copy)]
pub struct Loader {
    config: StoredValue<Config>,
    clock: Clock,
    fleet: Fleet,
    load: RwSignal<LoadState>,
    progress: RwSignal<Option<Progress>>,
    skipped_rows: RwSignal<Vec<String>>,
    refreshing: RwSignal<bool>,
    refresh_again: StoredValue<bool>,
    poll: StoredValue<PollFallback>,
    /// The first page as the start left it, until the first load takes it.
    first_page: StoredValue<Option<FirstAnswer>, LocalStorage>,
    /// Whether the first load has settled (`first_load_settled`).
    settled: Memo<bool>,
    /// Whether the first rows are on screen (`first_rows_shown`).
    rows_shown: Memo<bool>,
    /// What to add to the page's Content-Security-Policy, once it refused a connection to the
    /// project.
    refused_by_policy: RwSignal<Option<String>>,
}

impl Loader {
    /// Nothing loaded yet (or, for an unusable `config`, nothing ever: the problem shows).
    /// `first_page` is the first page as the start left it (the loader's request, or its
    /// answer), if any.
    pub fn new(
        config: Config,
        first_page: Option<FirstAnswer>,
        clock: Clock,
        fleet: Fleet,
    ) -> Self {
        let load = RwSignal::new(match config.problem() {
            Some(problem) => LoadState::Misconfigured(problem),
            None => LoadState::Loading,
        });
        // Notifies once, when it turns true, not on every later snapshot.
        let settled = memo(move |_| load.with(|load| !matches!(load, LoadState::Loading)));
        let progress = RwSignal::new(None);
        let rows_shown = memo(move |_| settled.get() || progress.with(Option::is_some));
        Self {
            config: StoredValue::new(config),
            clock,
            fleet,
            load,
            progress,
            skipped_rows: RwSignal::new(Vec::new()),
            refreshing: RwSignal::new(false),
            refresh_again: StoredValue::new(false),
            poll: StoredValue::new(PollFallback::default()),
            first_page: StoredValue::new_local(first_page),
            refused_by_policy: RwSignal::new(None),
            settled,
            rows_shown,
        }
    }

    /// What the clock's ticks ask for: a snapshot after the browser's clock jumped, and one
    /// whenever the polling fallback says so while the live connection is down.
    pub fn on_tick(self, tick: Tick) {
        if !self.is_configured() {
            return;
        }
        let due = match tick {
            Tick::Jumped => true,
            Tick::Second(now) => {
                let live = self.clock.is_live_untracked();
                self.poll
                    .try_update_value(|poll| poll.due(now, live, js_sys::Math::random()))
                    .unwrap_or(false)
            }
        };
        if due {
            self.refresh();
        }
    }

    /// Whether the configuration is usable (read once, at `new`, into the load state), so that
    /// nothing is fetched for a section that shows a configuration problem.
    fn is_configured(self) -> bool {
        !self
            .load
            .with_untracked(|load| matches!(load, LoadState::Misconfigured(_)))
    }

    /// Fetches a fresh snapshot (initial load, retry button, after every resubscription).
    pub fn refresh(self) {
        if !self.begin_refresh() {
            return;
        }
        let config = self.config.get_value();
        spawn_local(async move {
            let requested_ms = now_ms();
            let outcome = self.read_every_page(&config).await;
            if self.load.is_disposed() {
                // The section unmounted while a request was out.
                return;
            }
            if self.finish_refresh(outcome, requested_ms) {
                self.refresh();
            }
        });
    }

    /// A complete snapshot of the table (a one-page refresh, or the browser tests): the fleet
    /// takes it and the load has settled.
    pub fn apply_snapshot(self, rows: Vec<WorkerRow>) {
        self.fleet.apply_snapshot(rows);
        self.load.set(LoadState::Loaded);
    }

    /// Whether a snapshot may start now; if one is out, the next is owed instead (a snapshot
    /// asked for now must reflect now).
    fn begin_refresh(self) -> bool {
        if self.refreshing.get_untracked() {
            self.refresh_again.set_value(true);
            return false;
        }
        self.refreshing.set(true);
        true
    }

    /// Takes a finished snapshot (requested at browser time `requested_ms`), or its error;
    /// returns whether another is owed.
    fn finish_refresh(self, outcome: Result<ReadSnapshot, ApiError>, requested_ms: i64) -> bool {
        self.refreshing.set(false);
        self.progress.set(None);
        match outcome {
            Ok(ReadSnapshot { skipped, one_page }) => {
                for problem in &skipped {
                    leptos::logging::warn!("worker status: skipped a row: {problem}");
                }
                self.skipped_rows.set(skipped);
                // The rows, then the moment they are current as of: in this order a worker
                // first seen while polling is judged at the previous moment first, so what
                // happened to it since is a status change (that notifications tell).
                match one_page {
                    Some(rows) => self.apply_snapshot(rows),
                    None => self.load.set(LoadState::Loaded),
                }
                self.clock.on_snapshot(requested_ms);
            }
            Err(error) => {
                leptos::logging::warn!("worker status: snapshot failed: {error}");
                self.load.set(LoadState::Failed(error));
            }
        }
        let again = self.refresh_again.get_value();
        self.refresh_again.set_value(false);
        again
    }

    /// Reads the whole table, page after page.
    async fn read_every_page(self, config: &Config) -> Result<ReadSnapshot, ApiError> {
        let mut reading = Reading::default();
        loop {
            // The first page as the start left it (the loader's request, or its answer), taken
            // once: a later refresh asks anew.
            let first = match reading.after {
                None => self.first_page.try_update_value(Option::take).flatten(),
                Some(_) => None,
            };
            let page = match first {
                Some(FirstAnswer::Answered(answer)) => answer?,
                Some(FirstAnswer::Pending(prefetched)) => {
                    api::fetch_page(config, None, Some(prefetched)).await?
                }
                None => api::fetch_page(config, reading.after.as_deref(), None).await?,
            };
            if self.load.is_disposed() {
                return Ok(reading.finished(None));
            }
            match self.take_page(&mut reading, page) {
                Read::More => {}
                Read::OnePage(rows) => return Ok(reading.finished(Some(rows))),
                Read::Merged => return Ok(reading.finished(None)),
            }
        }
    }

    /// One page of a reading. A table of more than one page shows each page as it arrives and
    /// the progress instead of a summary, so the section never claims a total it has not
    /// loaded; its rows are held once, by the fleet, and the reading keeps only their names.
    fn take_page(self, reading: &mut Reading, page: Page) -> Read {
        if let Some(date) = page.server_date_ms {
            self.clock
                .add_date_header(date, page.sent_ms, page.received_ms);
        }
        if reading.after.is_none() {
            reading.progress.total = page.outcome.remaining;
        }
        reading.progress.loaded += page.outcome.items as u64;
        reading.skipped.extend(page.skipped);
        let next = paging::next_cursor(&page.outcome);
        if next.is_none() && reading.after.is_none() {
            return Read::OnePage(page.rows);
        }
        self.fleet.merge_page(&page.rows);
        reading
            .names
            .extend(page.rows.into_iter().map(|row| row.worker_name));
        // Progress replaces the summary only on the first load: a refresh of a table already
        // shown keeps its counts.
        if self.load.get_untracked() != LoadState::Loaded {
            self.progress
                .set(next.is_some().then_some(reading.progress));
        }
        match next {
            Some(cursor) => {
                reading.after = Some(cursor);
                Read::More
            }
            None => {
                self.fleet
                    .end_merged_snapshot(std::mem::take(&mut reading.names));
                Read::Merged
            }
        }
    }

    /// "N/M Running" once rows are known; while a table of several pages loads, how far it is;
    /// before anything loaded, that it is loading or could not load. Never a total not loaded.
    pub fn summary(self) -> Signal<String> {
        let (progress, load, counts) = (self.progress, self.load, self.fleet.counts());
        Signal::derive(move || {
            if let Some(progress) = progress.get() {
                return progress.text();
            }
            let counts = counts.get();
            match load.get() {
                LoadState::Loading if counts.total == 0 => "Loading workers…".to_owned(),
                LoadState::Failed(_) | LoadState::Misconfigured(_) if counts.total == 0 => {
                    "Not loaded".to_owned()
                }
                _ => counts.summary(),
            }
        })
    }

    /// How far a table of several pages has loaded; `None` when no such load is under way.
    pub fn loading_progress(self) -> ReadSignal<Option<Progress>> {
        self.progress.read_only()
    }

    /// Whether the first rows are on screen (the first page of a table of several, or the
    /// settled first load): what the first rows need not wait for may start.
    pub fn first_rows_shown(self) -> Signal<bool> {
        self.rows_shown.into()
    }

    /// Whether the first load has settled: rows on screen, the table empty, or an error shown.
    /// A memo: it notifies once, when it turns true, not on every later snapshot.
    pub fn first_load_settled(self) -> Signal<bool> {
        self.settled.into()
    }

    /// Notes that the page's Content-Security-Policy refused a connection to the project's
    /// `origins` (REST, WebSocket; `connect_policy`): the error panel names them. (The
    /// browser's console already names each refused connection.)
    pub fn note_refused_by_policy(self, (rest, socket): (String, String)) {
        if self.refused_by_policy.with_untracked(Option::is_none) {
            self.refused_by_policy.set(Some(
                "Add ".to_owned()
                    + &rest
                    + " and "
                    + &socket
                    + " to connect-src in this page's Content-Security-Policy.",
            ));
        }
    }

    /// What to add to the page's Content-Security-Policy, once it refused a connection to the
    /// project.
    pub fn refused_by_policy(self) -> ReadSignal<Option<String>> {
        self.refused_by_policy.read_only()
    }

    /// The load state.
    pub fn load(self) -> ReadSignal<LoadState> {
        self.load.read_only()
    }

    /// Which panel the body shows: the workers whenever any are known (rows of an earlier load
    /// stay shown when a refresh fails), else loading, empty or the error.
    pub fn panel(self) -> Memo<Panel> {
        let (counts, load) = (self.fleet.counts(), self.load);
        memo(move |_| {
            if counts.get().total > 0 {
                return Panel::List;
            }
            match load.get() {
                LoadState::Loading => Panel::Loading,
                LoadState::Loaded => Panel::Empty,
                LoadState::Failed(_) | LoadState::Misconfigured(_) => Panel::Error,
            }
        })
    }

    /// Whether the whole table is loaded, has workers, and not one of them is Running.
    pub fn none_running(self) -> Signal<bool> {
        let (counts, load, progress) = (self.fleet.counts(), self.load, self.progress);
        Signal::derive(move || {
            let counts: Counts = counts.get();
            counts.total > 0
                && counts.running == 0
                && progress.with(Option::is_none)
                && load.with(|load| *load == LoadState::Loaded)
        })
    }

    /// Messages about rows that could not be shown.
    pub fn skipped_rows(self) -> ReadSignal<Vec<String>> {
        self.skipped_rows.read_only()
    }

    /// Whether a snapshot request is in flight.
    pub fn is_refreshing(self) -> ReadSignal<bool> {
        self.refreshing.read_only()
    }
}

#[cfg(test)]
mod tests {
    use dashboard_core::wire::json::Json;
    use dashboard_core::wire::paging::PageOutcome;

    use super::*;

    fn row(name: &str) -> WorkerRow {
        let text = format!(
            r#"{{"worker_name":"{name}","status":"running","last_heartbeat":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}}"#
        );
        let json = Json::parse(&text).expect("test row");
        WorkerRow::from_json(&json).expect("test row")
    }

    /// A page of `names`, out of `remaining` rows after the previous cursor.
    fn page(names: &[&str], remaining: u64) -> Page {
        Page {
            rows: names.iter().map(|name| row(name)).collect(),
            skipped: Vec::new(),
            outcome: PageOutcome {
                items: names.len(),
                last_key: names.last().map(|name| (*name).to_owned()),
                remaining: Some(remaining),
            },
            server_date_ms: None,
            sent_ms: 0,
            received_ms: 0,
        }
    }

    fn one_page(rows: Vec<WorkerRow>) -> ReadSnapshot {
        ReadSnapshot {
            skipped: Vec::new(),
            one_page: Some(rows),
        }
    }

    fn loader() -> (Owner, Loader) {
        let owner = Owner::new();
        owner.set();
        let clock = Clock::new(0);
        let fleet = Fleet::new(Config::from_parts(None, None).thresholds, clock);
        (
            owner,
            Loader::new(Config::from_parts(None, None), None, clock, fleet),
        )
    }

    #[test]
    fn a_snapshot_asked_for_while_one_is_out_runs_once_after_it() {
        let (_owner, loader) = loader();
        assert!(loader.begin_refresh());
        assert!(!loader.begin_refresh(), "one snapshot at a time");
        assert!(!loader.begin_refresh());
        assert!(loader.is_refreshing().get_untracked());
        let again = loader.finish_refresh(Ok(one_page(vec![row("a")])), 0);
        assert!(
            again,
            "the snapshots asked for meanwhile run once, after it"
        );
        assert!(loader.begin_refresh());
        let again = loader.finish_refresh(Ok(one_page(vec![row("a")])), 0);
        assert!(!again, "nothing more was asked for");
        assert_eq!(loader.load().get_untracked(), LoadState::Loaded);
    }

    #[test]
    fn a_failed_refresh_keeps_the_rows_and_says_why() {
        let (_owner, loader) = loader();
        assert!(loader.begin_refresh());
        loader.finish_refresh(Ok(one_page(vec![row("a")])), 0);
        assert!(loader.begin_refresh());
        let error = ApiError::Network("connection refused".into());
        loader.finish_refresh(Err(error.clone()), 0);
        assert_eq!(loader.load().get_untracked(), LoadState::Failed(error));
        assert_eq!(loader.fleet.counts().get_untracked().total, 1);
        assert_eq!(loader.panel().get_untracked(), Panel::List);
    }

    #[test]
    fn progress_replaces_the_summary_on_the_first_load_only() {
        let (_owner, loader) = loader();
        let mut reading = Reading::default();
        assert!(matches!(
            loader.take_page(&mut reading, page(&["a", "b"], 3)),
            Read::More
        ));
        let progress = loader.loading_progress().get_untracked();
        assert_eq!(
            progress.map(|progress| (progress.loaded, progress.total)),
            Some((2, Some(3)))
        );
        assert_eq!(
            loader.fleet.counts().get_untracked().total,
            2,
            "each page shows as it arrives"
        );
        assert!(matches!(
            loader.take_page(&mut reading, page(&["c"], 1)),
            Read::Merged
        ));
        loader.finish_refresh(
            Ok(ReadSnapshot {
                skipped: Vec::new(),
                one_page: None,
            }),
            0,
        );
        assert_eq!(loader.loading_progress().get_untracked(), None);
        assert_eq!(loader.summary().get_untracked(), "3/3 Running");

        // A refresh of the table already shown keeps its counts instead.
        let mut reading = Reading::default();
        loader.take_page(&mut reading, page(&["a", "b"], 3));
        assert_eq!(loader.loading_progress().get_untracked(), None);
        assert_eq!(loader.summary().get_untracked(), "3/3 Running");
    }

    #[test]
    fn a_table_of_one_page_is_handed_over_whole() {
        let (_owner, loader) = loader();
        let mut reading = Reading::default();
        match loader.take_page(&mut reading, page(&["a"], 1)) {
            Read::OnePage(rows) => assert_eq!(rows.len(), 1),
            _ => panic!("one page is the whole table"),
        }
        assert_eq!(loader.loading_progress().get_untracked(), None);
    }
}
