//! The only writer of reactive state. It holds the workers (through the core reducer), one
//! reactive cell per worker (a heartbeat updates that worker's card in place, nothing else), the
//! display order and counts (through `dashboard_core::board`, re-sorted only when a place
//! changes), the load state, the connection status, the shared ticking clock and the
//! server-clock offset, and offers intents (`refresh`). Components read it; transports feed it.
//! Its clock stops when the section unmounts.

use rustc_hash::FxHashMap as HashMap;

use dashboard_core::board::Board;
use dashboard_core::change::ChangeEvent;
use dashboard_core::channel::ConnectionStatus;
use dashboard_core::clock::ClockOffset;
use dashboard_core::fold;
use dashboard_core::freshness::Freshness;
use dashboard_core::history::WorkerEvent;
use dashboard_core::paging::{self, Progress};
use dashboard_core::poll::PollFallback;
use dashboard_core::row::WorkerRow;
use dashboard_core::transition::Transition;
use dashboard_core::workers::{Counts, Workers};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::browser::{local_storage, now_ms};
use crate::config::{CLOCK_TICK_MS, Config};
use crate::error::ApiError;
use crate::lifetime;
use crate::prefetch::FirstAnswer;
use crate::state::history::WorkerHistory;

/// Where the choice to show workers silent for more than 7 days is remembered.
const SHOW_SILENT_KEY: &str = "worker-status.show-silent";

fn remembered_show_silent() -> bool {
    cfg!(target_arch = "wasm32")
        && local_storage()
            .and_then(|storage| storage.get_item(SHOW_SILENT_KEY).ok().flatten())
            .is_some_and(|value| value == "1")
}

/// The server time statuses are judged at, for browser time `local_ms`: now while the data is
/// current, held at the last moment it was otherwise, in the server's clock.
fn server_time(freshness: &Freshness, clock: &ClockOffset, local_ms: i64) -> i64 {
    clock.server_now(freshness.judged_at(local_ms))
}

/// A difference between the browser's clock and the monotonic clock over one tick, past which
/// the browser's clock counts as having jumped (ms).
const CLOCK_JUMP_MS: i64 = 2_000;

/// A server-clock estimate that moved less than this (ms) does not re-evaluate the statuses.
const CLOCK_NOTIFY_MS: i64 = 100;

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

/// Handles to the reactive state; `Copy`, provided as context at the root.
#[derive(Debug, Clone, Copy)]
pub struct Store {
    config: StoredValue<Config>,
    workers: StoredValue<Workers>,
    board: StoredValue<Board>,
    cells: StoredValue<HashMap<String, ArcRwSignal<WorkerRow>>>,
    order: RwSignal<Vec<String>>,
    counts: RwSignal<Counts>,
    load: RwSignal<LoadState>,
    connection: RwSignal<ConnectionStatus>,
    local_now: RwSignal<i64>,
    clock: RwSignal<ClockOffset>,
    freshness: RwSignal<Freshness>,
    announcement: RwSignal<String>,
    /// Whether workers silent for more than 7 days are shown (remembered in the browser).
    show_silent: RwSignal<bool>,
    /// Names of the workers silent for more than 7 days, re-evaluated once a minute.
    silent: Memo<Vec<String>>,
    /// The judged server time's minute (ms since the epoch / 60 000).
    minute: Memo<i64>,
    poll: StoredValue<PollFallback>,
    /// The last tick's browser time and monotonic time, to notice the browser's clock jumping.
    tick_anchor: StoredValue<Option<(i64, f64)>>,
    skipped_rows: RwSignal<Vec<String>>,
    refreshing: RwSignal<bool>,
    refresh_again: StoredValue<bool>,
    progress: RwSignal<Option<Progress>>,
    /// Bumped whenever any row or status changes: what reads rows through `with_workers` or
    /// statuses through `status` tracks it.
    revision: RwSignal<u64>,
    /// The history of the workers the views show (`state::history`): reloaded after a
    /// resubscription, and fed by the channel's events.
    history: WorkerHistory,
    /// Each worker's heartbeats seen since the page opened: (heartbeat ms, jobs processed).
    samples: StoredValue<HashMap<String, Vec<(i64, i64)>>>,
    /// Who hears of status changes besides the announcer (notifications).
    transition_listeners: StoredValue<Vec<TransitionListener>, LocalStorage>,
    /// The first page as the start left it, until the first load takes it.
    first_page: StoredValue<Option<FirstAnswer>, LocalStorage>,
    /// Whether the first load has settled (`first_load_settled`).
    settled: Memo<bool>,
    /// Whether the first rows are on screen (`first_rows_shown`).
    rows_shown: Memo<bool>,
}

/// Hears of a batch of status changes.
type TransitionListener = std::rc::Rc<dyn Fn(&[Transition])>;

impl Store {
    /// New state; starts the shared clock in the browser. `first_page` is the first page as the
    /// start left it (the loader's request, or its answer), if any.
    pub fn new(config: Config, first_page: Option<FirstAnswer>, history: WorkerHistory) -> Self {
        let load = RwSignal::new(match config.problem() {
            Some(problem) => LoadState::Misconfigured(problem),
            None => LoadState::Loading,
        });
        // Notifies once, when it turns true, not on every later snapshot.
        let settled = Memo::new(move |_| load.with(|load| !matches!(load, LoadState::Loading)));
        let progress = RwSignal::new(None);
        let rows_shown = Memo::new(move |_| settled.get() || progress.with(Option::is_some));
        let workers = StoredValue::new(Workers::default());
        let order = RwSignal::new(Vec::new());
        // A section taking the place of first rows drawn earlier starts at the moment they
        // were drawn (their page's arrival): they match to the second, and a worker whose
        // status changed meanwhile is told at the first tick, as a change seen on this page.
        let started_ms = match &first_page {
            Some(FirstAnswer::Answered(Ok(page))) => page.received_ms,
            _ if cfg!(target_arch = "wasm32") => now_ms(),
            _ => 0,
        };
        let local_now = RwSignal::new(started_ms);
        let clock = RwSignal::new(ClockOffset::default());
        let freshness = RwSignal::new(Freshness::default());
        // Who has been silent for 7 days is re-evaluated when the minute turns (plenty for that
        // threshold) or the order changes (a silent worker that reports again changes status),
        // not on every tick of the clock.
        let minute = Memo::new(move |_| {
            freshness.with(|freshness| {
                clock.with(|clock| server_time(freshness, clock, local_now.get()))
            }) / 60_000
        });
        let silent = Memo::new(move |_| {
            let at = minute.get() * 60_000;
            order.track();
            workers.with_value(|workers| fold::long_silent(workers, at))
        });
        let store = Self {
            config: StoredValue::new(config),
            workers,
            board: StoredValue::new(Board::default()),
            cells: StoredValue::new(HashMap::default()),
            order,
            counts: RwSignal::new(Counts::default()),
            load,
            settled,
            rows_shown,
            connection: RwSignal::new(ConnectionStatus::Connecting),
            local_now,
            clock,
            freshness,
            announcement: RwSignal::new(String::new()),
            show_silent: RwSignal::new(remembered_show_silent()),
            silent,
            minute,
            poll: StoredValue::new(PollFallback::default()),
            tick_anchor: StoredValue::new(None),
            skipped_rows: RwSignal::new(Vec::new()),
            refreshing: RwSignal::new(false),
            refresh_again: StoredValue::new(false),
            progress,
            revision: RwSignal::new(0),
            transition_listeners: StoredValue::new_local(Vec::new()),
            first_page: StoredValue::new_local(first_page),
            history,
            samples: StoredValue::new(HashMap::default()),
        };
        if cfg!(target_arch = "wasm32") {
            // One clock for the whole section: "Last seen", Late and Stopped all follow it. It
            // also drives the polling fallback while the live connection is down.
            lifetime::keep_until_unmount(gloo_timers::callback::Interval::new(
                CLOCK_TICK_MS,
                move || store.on_clock_tick(),
            ));
            // A page shown again (or resumed after the browser froze it) is right at once, not
            // at the next throttled tick.
            store.tick_when_shown();
            // The first reading of both clocks, so that a jump before the first tick is seen.
            store.notice_clock_jump(now_ms());
            // Every tick re-evaluates the statuses; the order is sorted only if one changed.
            let now = store.server_now();
            Effect::new(move |_| {
                let now = now.get();
                let thresholds = store.thresholds();
                let changed = store
                    .board
                    .try_update_value(|board| {
                        store
                            .workers
                            .with_value(|workers| board.tick(workers, now, thresholds))
                    })
                    .unwrap_or(false);
                if changed {
                    store.publish_board();
                }
            });
        }
        store
    }

    /// One tick of the shared clock, and a snapshot when the polling fallback says so.
    fn on_clock_tick(self) {
        let now = now_ms();
        self.notice_clock_jump(now);
        self.local_now.set(now);
        let live = self.connection.get_untracked() == ConnectionStatus::Live;
        if self.is_configured()
            && self
                .poll
                .try_update_value(|poll| poll.due(now, live, js_sys::Math::random()))
                .unwrap_or(false)
        {
            self.refresh();
        }
    }

    /// The browser's clock moved differently from the monotonic clock since the last tick (set
    /// by hand, or the machine slept): server time is re-anchored and a Date header fetched.
    fn notice_clock_jump(self, now: i64) {
        let Some(monotonic) = web_sys::window()
            .and_then(|window| window.performance())
            .map(|performance| performance.now())
        else {
            return;
        };
        let previous = self.tick_anchor.get_value();
        self.tick_anchor.set_value(Some((now, monotonic)));
        let Some((then, then_monotonic)) = previous else {
            return;
        };
        let jump = (now - then) - (monotonic - then_monotonic) as i64;
        if jump.abs() > CLOCK_JUMP_MS {
            leptos::logging::warn!("worker status: the browser's clock jumped by {jump} ms");
            self.clock.update(|clock| clock.wall_clock_jumped(jump));
            // Browser time and offset move together, or server time would be off by the jump.
            self.local_now.set(now);
            if self.is_configured() {
                self.refresh();
            }
        }
    }

    /// Whether the configuration is usable (read once, at `new`, into the load state), so that
    /// nothing is fetched for a section that shows a configuration problem.
    fn is_configured(self) -> bool {
        !self
            .load
            .with_untracked(|load| matches!(load, LoadState::Misconfigured(_)))
    }

    fn tick_when_shown(self) {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        let options = web_sys::AddEventListenerOptions::new();
        for (target, event) in [
            (
                web_sys::EventTarget::from(document.clone()),
                "visibilitychange",
            ),
            (document.into(), "resume"),
        ] {
            let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
                move |_event: web_sys::Event| self.on_clock_tick(),
            );
            lifetime::listen_until_unmount(target, event, &options, listener);
        }
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
            let requested_ms = now_ms();
            let outcome = self.load_every_page(&config).await;
            if self.load.is_disposed() {
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
                    self.freshness
                        .update(|freshness| freshness.on_snapshot(requested_ms));
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
            // The first page as the start left it (the loader's request, or its answer), taken
            // once: a later refresh asks anew.
            let first = match after {
                None => self.first_page.try_update_value(Option::take).flatten(),
                Some(_) => None,
            };
            let page = match first {
                Some(FirstAnswer::Answered(answer)) => answer?,
                Some(FirstAnswer::Pending(prefetched)) => {
                    api::fetch_page(config, None, Some(prefetched)).await?
                }
                None => api::fetch_page(config, after.as_deref(), None).await?,
            };
            if self.load.is_disposed() {
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
                self.merge_page(&page.rows);
                // Progress replaces the summary only on the first load: a refresh of a table
                // already shown keeps its counts.
                if self.load.get_untracked() != LoadState::Loaded {
                    self.progress.set(next.is_some().then_some(progress));
                }
            }
            rows.extend(page.rows);
            skipped.extend(page.skipped);
            match next {
                Some(cursor) => after = Some(cursor),
                None => return Ok((rows, skipped)),
            }
        }
    }

    /// After every (re)subscription: a fresh snapshot of the rows and of the history shown (the
    /// polling fallback and the retry button refresh the rows only).
    pub fn resync(self) {
        self.refresh();
        self.history.reload_shown();
    }

    /// Records one history event from the live channel.
    pub fn record_event(self, event: WorkerEvent) {
        self.history.record(event);
    }

    /// A worker's jobs per minute between the heartbeats seen since the page opened.
    pub fn jobs_per_minute(self, name: &str) -> Vec<i64> {
        self.revision.track();
        self.samples.with_value(|samples| {
            samples
                .get(name)
                .map(|samples| dashboard_core::rates::jobs_per_minute(samples))
                .unwrap_or_default()
        })
    }

    /// Replaces the rows with a snapshot (through the reducer).
    pub fn apply_snapshot(self, rows: Vec<WorkerRow>) {
        self.workers
            .update_value(|workers| workers.apply_snapshot(rows));
        self.resync_all();
        self.load.set(LoadState::Loaded);
    }

    /// Adds one page of a snapshot still loading.
    fn merge_page(self, rows: &[WorkerRow]) {
        self.workers
            .update_value(|workers| workers.merge_page(rows));
        self.resync_all();
    }

    /// Applies one realtime change (through the reducer): the worker's cell, and the order and
    /// counts only if its place changed.
    pub fn apply_change(self, event: ChangeEvent) {
        // A jump of the browser's clock since the last tick is accounted for before this
        // arrival time becomes evidence about the server's clock.
        let arrival = now_ms();
        if cfg!(target_arch = "wasm32") {
            self.notice_clock_jump(arrival);
        }
        if let Some(commit) = event.commit_ms {
            // Every change refines the estimate, but only a shift that can show (a tenth of a
            // second) notifies: each notification re-evaluates every worker's status.
            self.clock.maybe_update(|clock| {
                let before = clock.offset_ms();
                clock.add_commit(commit, arrival);
                (clock.offset_ms() - before).abs() >= CLOCK_NOTIFY_MS
            });
        }
        let name = event.change.worker_name().to_owned();
        let changed = self
            .workers
            .try_update_value(|workers| workers.apply(event.change))
            .unwrap_or(false);
        if !changed {
            return;
        }
        self.revision.update(|revision| *revision += 1);
        let row = self
            .workers
            .with_value(|workers| workers.get(&name).cloned());
        if let Some(row) = &row {
            self.samples.update_value(|samples| {
                dashboard_core::rates::add_sample(samples.entry(name.clone()).or_default(), row);
            });
        }
        self.cells.update_value(|cells| match row {
            Some(row) => match cells.get(&name) {
                Some(cell) => cell.set(row),
                None => {
                    cells.insert(name.clone(), ArcRwSignal::new(row));
                }
            },
            None => {
                cells.remove(&name);
            }
        });
        let now = self.server_now_untracked();
        let thresholds = self.thresholds();
        let moved = self
            .board
            .try_update_value(|board| {
                self.workers
                    .with_value(|workers| board.touch(workers, &name, now, thresholds))
            })
            .unwrap_or(false);
        if moved {
            self.publish_board();
        }
    }

    /// Brings every cell, the order and the counts in line with the workers.
    fn resync_all(self) {
        self.workers.with_value(|workers| {
            self.samples.update_value(|samples| {
                samples.retain(|name, _| workers.get(name).is_some());
                for row in workers.iter() {
                    dashboard_core::rates::add_sample(
                        samples.entry(row.worker_name.clone()).or_default(),
                        row,
                    );
                }
            });
            self.cells.update_value(|cells| {
                cells.retain(|name, _| workers.get(name).is_some());
                for row in workers.iter() {
                    match cells.get(&row.worker_name) {
                        Some(cell) => {
                            if cell.with_untracked(|known| known != row) {
                                cell.set(row.clone());
                            }
                        }
                        None => {
                            cells.insert(row.worker_name.clone(), ArcRwSignal::new(row.clone()));
                        }
                    }
                }
            });
            let now = self.server_now_untracked();
            let thresholds = self.thresholds();
            self.board
                .update_value(|board| board.rebuild(workers, now, thresholds));
        });
        self.publish_board();
    }

    /// Hands the board's order and counts to the view, notifying only what changed.
    fn publish_board(self) {
        self.revision.update(|revision| *revision += 1);
        let (order, counts) = self
            .board
            .with_value(|board| (board.order().to_vec(), board.counts()));
        if self.order.with_untracked(|known| *known != order) {
            self.order.set(order);
        }
        if self.counts.get_untracked() != counts {
            self.counts.set(counts);
        }
        let transitions = self
            .board
            .try_update_value(Board::take_transitions)
            .unwrap_or_default();
        if !transitions.is_empty() {
            self.announcement
                .set(dashboard_core::transition::announcement(&transitions));
            for listener in self.transition_listeners.get_value() {
                listener(&transitions);
            }
        }
    }

    /// Calls `listener` with every batch of status changes until unmount.
    pub fn on_transitions(self, listener: impl Fn(&[Transition]) + 'static) {
        self.transition_listeners
            .update_value(|listeners| listeners.push(std::rc::Rc::new(listener)));
    }

    /// The latest status changes in words, for screen readers (`aria-live`).
    pub fn announcement(self) -> Signal<String> {
        self.announcement.into()
    }

    /// Server time now, read without subscribing.
    pub fn server_now_untracked(self) -> i64 {
        self.freshness.with_untracked(|freshness| {
            self.clock.with_untracked(|clock| {
                server_time(freshness, clock, self.local_now.get_untracked())
            })
        })
    }

    /// The Late and Stopped thresholds.
    pub fn thresholds(self) -> dashboard_core::status::Thresholds {
        self.config.with_value(|config| config.thresholds)
    }

    /// Sets the connection status (from the realtime transport).
    pub fn set_connection(self, status: ConnectionStatus) {
        let live = status == ConnectionStatus::Live;
        self.freshness.maybe_update(|freshness| {
            let before = *freshness;
            if live {
                freshness.on_live(now_ms());
            } else {
                freshness.on_lost(now_ms());
            }
            *freshness != before
        });
        if self.connection.get_untracked() != status {
            self.connection.set(status);
        }
    }

    /// The server time statuses are judged at, in ms, ticking once a second while the data is
    /// current, and held at the last moment it was while it is not (`dashboard_core::freshness`).
    pub fn server_now(self) -> Signal<i64> {
        let (freshness, clock, local_now) = (self.freshness, self.clock, self.local_now);
        Signal::derive(move || {
            freshness.with(|freshness| {
                clock.with(|clock| server_time(freshness, clock, local_now.get()))
            })
        })
    }

    /// The server time statuses are judged at, ticking once a minute (for what a second does
    /// not change: the history strip, the 7-day fold).
    pub fn server_minute_ms(self) -> Signal<i64> {
        let minute = self.minute;
        Signal::derive(move || minute.get() * 60_000)
    }

    /// Browser time now, ticking once a second.
    pub fn local_now(self) -> Signal<i64> {
        self.local_now.into()
    }

    /// Worker names in display order (changes only when a worker's place does).
    pub fn order(self) -> Signal<Vec<String>> {
        self.order.into()
    }

    /// One worker's row, updated in place by its heartbeats.
    pub fn row(self, name: &str) -> Option<ArcRwSignal<WorkerRow>> {
        self.cells.with_value(|cells| cells.get(name).cloned())
    }

    /// Running, total and problems.
    pub fn counts(self) -> Signal<Counts> {
        self.counts.into()
    }

    /// "N/M Running" once rows are known; while a table of several pages loads, how far it is;
    /// before anything loaded, that it is loading or could not load. Never a total not loaded.
    pub fn summary(self) -> Signal<String> {
        let (progress, load, counts) = (self.progress, self.load, self.counts);
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
    pub fn loading_progress(self) -> Signal<Option<Progress>> {
        self.progress.into()
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

    /// The load state.
    pub fn load(self) -> Signal<LoadState> {
        self.load.into()
    }

    /// The connection status.
    pub fn connection(self) -> Signal<ConnectionStatus> {
        self.connection.into()
    }

    /// While the data is not known to be current after it once was: the browser time it is
    /// held at (statuses are judged as of then). `None` while current, on the first load, and
    /// while the first connection is being made.
    pub fn held_since(self) -> Signal<Option<i64>> {
        let (freshness, connection) = (self.freshness, self.connection);
        Signal::derive(move || {
            let held = freshness.with(Freshness::held_since)?;
            matches!(
                connection.get(),
                ConnectionStatus::Reconnecting { .. } | ConnectionStatus::Offline { .. }
            )
            .then_some(held)
        })
    }

    /// Which panel the body shows: the workers whenever any are known (rows of an earlier load
    /// stay shown when a refresh fails), else loading, empty or the error.
    pub fn panel(self) -> Memo<Panel> {
        let (counts, load) = (self.counts, self.load);
        Memo::new(move |_| {
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

    /// Runs `read` over the workers, subscribing to every change of a row or status.
    pub fn with_workers<R>(self, read: impl FnOnce(&Workers) -> R) -> R {
        self.revision.track();
        self.peek_workers(read)
    }

    /// Runs `read` over the workers without subscribing to anything.
    pub fn peek_workers<R>(self, read: impl FnOnce(&Workers) -> R) -> R {
        self.workers.with_value(read)
    }

    /// A worker's status as of the last clock tick, subscribing to every change (`with_workers`).
    pub fn status(self, name: &str) -> Option<dashboard_core::status::Status> {
        self.revision.track();
        self.status_untracked(name)
    }

    /// A worker's status as of the last clock tick, without subscribing.
    pub fn status_untracked(self, name: &str) -> Option<dashboard_core::status::Status> {
        self.board.with_value(|board| board.status(name))
    }

    /// The display order without the workers silent for more than 7 days, unless they are shown.
    pub fn unfolded_order(self) -> Memo<Vec<String>> {
        let (all, show_silent, silent) = (self.order, self.show_silent, self.silent);
        Memo::new(move |_| {
            if show_silent.get() {
                all.get()
            } else {
                silent.with(|silent| all.with(|names| fold::without(names, silent)))
            }
        })
    }

    /// How many workers have been silent for more than 7 days.
    pub fn silent_count(self) -> Signal<usize> {
        let silent = self.silent;
        Signal::derive(move || silent.with(Vec::len))
    }

    /// Whether those workers are shown.
    pub fn shows_silent(self) -> Signal<bool> {
        self.show_silent.into()
    }

    /// Shows or folds the workers silent for more than 7 days, and remembers the choice.
    pub fn set_show_silent(self, show: bool) {
        self.show_silent.set(show);
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(SHOW_SILENT_KEY, if show { "1" } else { "0" });
        }
    }

    /// Whether the whole table is loaded, has workers, and not one of them is Running.
    pub fn none_running(self) -> Signal<bool> {
        let (counts, load, progress) = (self.counts, self.load, self.progress);
        Signal::derive(move || {
            let counts = counts.get();
            counts.total > 0
                && counts.running == 0
                && progress.with(Option::is_none)
                && load.with(|load| *load == LoadState::Loaded)
        })
    }

    /// Whether any worker is known.
    pub fn has_workers(self) -> Signal<bool> {
        let counts = self.counts;
        Signal::derive(move || counts.get().total > 0)
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
