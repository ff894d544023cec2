//! Following the table live, started once the first snapshot has settled (rows on screen, or
//! its error): the Realtime channel (`realtime::start`), then the history's last week, which
//! live updates never wait for. Both are in the lazily loaded `section` module of the release
//! build, so the first rows never wait for them. A module that cannot be fetched is asked for
//! again on the backoff schedule; until then the store's polling fallback keeps the rows
//! current.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

use crate::config::Config;
use crate::lazy::lazy_part;
use crate::realtime;
use crate::store::Store;

/// The work of following the table, run by the caller.
pub type Following = Pin<Box<dyn Future<Output = ()>>>;

lazy_part! {
    module section;
    /// Starts the channel, then loads the history's week. The channel names the history table
    /// only if it answers (Realtime refuses a whole subscription that names a missing table),
    /// which one row tells; live updates never wait for the week to load.
    pub fn follow(config: Config, store: Store) -> Following {
        Box::pin(async move {
            let history = store.history_answers().await;
            realtime::start(config, store, history);
            if history {
                store.load_history().await;
            }
        })
    }
}

/// Starts following the table once the first snapshot settles, under the current owner (so
/// the channel stops at unmount, and a start still loading is cancelled).
pub fn follow_after_first_load(config: Config, store: Store) {
    let settled = store.first_load_settled();
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        if !settled.get() || started.get_value() {
            return;
        }
        started.set_value(true);
        let config = config.clone();
        // Cancelled with the section's owner, so wanted as long as it runs.
        leptos::task::spawn_local_scoped_with_cancellation(async move {
            crate::lazy::after_this_task().await;
            let load = || follow(config.clone(), store);
            if let Some(following) = crate::lazy::retrying("live updates", load, || true).await {
                following.await;
            }
        });
    });
}
