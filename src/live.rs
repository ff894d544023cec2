//! Following the table live, started once the first rows are on screen (or the first load's
//! error): the one-row probe of the history table, then the Realtime channel
//! (`realtime::start`). Both are in the lazily loaded `section` module of the release build, so
//! the first rows never wait for them. A module that cannot be fetched is asked for
//! again on the backoff schedule; until then the loader's polling fallback keeps the rows
//! current.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

use crate::config::Config;
use crate::lazy::lazy_part;
use crate::realtime::{self, LiveEvent};
use crate::state::State;

/// The work of following the table, run by the caller.
pub type Following = Pin<Box<dyn Future<Output = ()>>>;

lazy_part! {
    module section;
    /// Starts the channel once the history table's probe answered: the channel names that
    /// table only if it answers (Realtime refuses a whole subscription that names a missing
    /// table), which one row tells. The history of the workers shown loads meanwhile
    /// (`state::history`); live updates never wait for it.
    pub fn follow(config: Config, state: State) -> Following {
        Box::pin(async move {
            let answers = state.history.probe().await;
            realtime::start(config, answers, move |event| match event {
                LiveEvent::Status(status) => state.clock.set_connection(status),
                LiveEvent::SnapshotOwed => state.resync(),
                LiveEvent::Change(change) => state.apply_change(change),
                LiveEvent::History(event) => state.history.record(event),
            });
        })
    }
}

/// Starts following the table once the first rows are on screen (a large table's first page:
/// its other pages need not be in, a fresh snapshot follows the subscription anyway), under the
/// current owner (so the channel stops at unmount, and a start still loading is cancelled).
pub fn follow_after_first_load(config: Config, state: State) {
    let shown = state.loader.first_rows_shown();
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        if !shown.get() || started.get_value() {
            return;
        }
        started.set_value(true);
        let config = config.clone();
        // Cancelled with the section's owner, so wanted as long as it runs.
        leptos::task::spawn_local_scoped_with_cancellation(async move {
            crate::lazy::after_this_task().await;
            let load = || follow(config.clone(), state);
            if let Some(following) = crate::lazy::retrying("live updates", load, || true).await {
                following.await;
            }
        });
    });
}
