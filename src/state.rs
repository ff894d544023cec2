//! The section's state, one capability per module, each a `Copy` handle, and the one place
//! where they are wired together (`State::provide`). The handles travel together as one
//! context, `State` (one context type instead of five: each costs the bundle code).
//! Dependencies point one way:
//!
//! ```text
//! clock  <-  fleet  <-  loader, fold, history  <-  views
//! ```
//!
//! - `clock`: browser time, the server's clock, the connection and the data's freshness;
//! - `fleet`: the workers, their cells, order, counts and status changes;
//! - `loader`: REST snapshots, page by page, and where the load stands;
//! - `fold`: the workers silent for more than seven days, folded away;
//! - `history`: the status history of the workers the views show.
//!
//! The links between them are named here: every tick of the clock may ask the loader for a
//! snapshot (polling while the live connection is down, or after the browser's clock jumped);
//! the fleet is judged at every tick of server time; a live change feeds the clock its commit
//! time before the fleet applies it; a resubscription refreshes the rows and the history.

pub mod clock;
pub mod fleet;
pub mod fold;
pub mod history;
pub mod loader;

use dashboard_core::wire::change::ChangeEvent;
use leptos::prelude::*;

use crate::browser::now_ms;
use crate::config::Config;
use crate::prefetch::FirstAnswer;
use clock::Clock;
use fleet::Fleet;
use fold::Fold;
use history::WorkerHistory;
use loader::Loader;

/// The section's state: every capability's handle; `Copy`, provided as context at the root.
#[derive(Clone, Copy)]
pub struct State {
    pub clock: Clock,
    pub fleet: Fleet,
    pub loader: Loader,
    pub fold: Fold,
    pub history: WorkerHistory,
}

impl State {
    /// Creates the state, wires it, and provides each handle to the component tree. Called
    /// inside the mount: the effects need Leptos's executor and owner. `first_page` is the
    /// first page as the start left it (the loader's request, or its answer), if any.
    pub fn provide(config: &Config, first_page: Option<FirstAnswer>) -> Self {
        // A section taking the place of first rows drawn earlier starts at the moment they
        // were drawn (their page's arrival): they match to the second, and a worker whose
        // status changed meanwhile is told at the first tick, as a change seen on this page.
        let started_ms = match &first_page {
            Some(FirstAnswer::Answered(Ok(page))) => page.received_ms,
            _ if cfg!(target_arch = "wasm32") => now_ms(),
            _ => 0,
        };
        let clock = Clock::new(started_ms);
        let fleet = Fleet::new(config.thresholds, clock);
        let loader = Loader::new(config.clone(), first_page, clock, fleet);
        let fold = Fold::new(fleet, clock);
        let history = WorkerHistory::new(config.clone());
        if cfg!(target_arch = "wasm32") {
            // One clock for the whole section: "Last seen", Late and Stopped all follow it,
            // and so do the polling fallback and the snapshot after a jump of the clock.
            clock.start(move |tick| loader.on_tick(tick));
            let now = clock.server_now();
            Effect::new(move |_| fleet.judge_at(now.get()));
            // A connection the page's Content-Security-Policy refuses is named as such.
            crate::connect_policy::watch(config, move |origins| {
                loader.note_refused_by_policy(origins)
            });
        }
        let state = Self {
            clock,
            fleet,
            loader,
            fold,
            history,
        };
        provide_context(state);
        state
    }

    /// The state of the current component tree.
    pub fn expect() -> Self {
        use_context::<Self>().expect("the State is provided at the root of the section")
    }

    /// One live change: its commit time refines the server clock before the arrival is
    /// judged, then the fleet applies it.
    pub fn apply_change(self, event: ChangeEvent) {
        if let Some(commit) = event.commit_ms {
            self.clock.add_commit(commit, now_ms());
        }
        self.fleet.apply_change(event.change);
    }

    /// After every (re)subscription: a fresh snapshot of the rows and of the history shown
    /// (the polling fallback and the retry button refresh the rows only).
    pub fn resync(self) {
        self.loader.refresh();
        self.history.reload_shown();
    }
}
