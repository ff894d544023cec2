//! Following the table live. Usually the first rows started the connection already
//! (`first_rows_live`), and the section takes it over: later events come here, and a snapshot
//! still owed is asked for. Otherwise (a view the first rows do not draw, or a connection that
//! had not started), it starts once the first rows are on screen (or the first load's error):
//! the one-row probe of the history table, then the Realtime channel (`realtime`). All of this
//! is in the lazily loaded `section` module of the release build; until the channel is live,
//! the loader's polling fallback keeps the rows current.

use leptos::prelude::*;

use crate::config::Config;
use crate::first_rows_live::Following;
use crate::lifetime::keep_until_unmount;
use crate::realtime::{LiveConnection, LiveEvent};
use crate::state::State;

/// Follows the table under the current owner (the connection stops at unmount): takes over the
/// connection the first rows started, or starts one once the first rows are on screen.
pub fn follow(config: Config, state: State, following: Following) {
    let Following {
        connection,
        history,
        early_socket,
        history_probe,
        snapshot_owed,
    } = following;
    if let (Some(connection), Some(history)) = (connection, history) {
        state.history.probed(history);
        state.clock.set_connection(connection.status());
        connection.redirect(move |event| on_event(state, event));
        keep_until_unmount(connection);
        if snapshot_owed {
            state.resync();
        }
        return;
    }
    let shown = state.loader.first_rows_shown();
    let early = StoredValue::new_local((early_socket, history_probe));
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        if !shown.get() || started.get_value() {
            return;
        }
        started.set_value(true);
        let config = config.clone();
        let (socket, probe) = early
            .try_update_value(|early| (early.0.take(), early.1.take()))
            .unwrap_or_default();
        // Cancelled with the section's owner.
        leptos::task::spawn_local_scoped_with_cancellation(async move {
            crate::lazy::after_this_task().await;
            // The channel names the history table only if it answers (Realtime refuses a
            // whole subscription that names a missing table), which one row tells. The history
            // of the workers shown loads meanwhile (`state::history`); live updates never
            // wait for it.
            let answers = state.history.probe(probe).await;
            let connection =
                LiveConnection::start(config, answers, socket, move |event| on_event(state, event));
            keep_until_unmount(connection);
        });
    });
}

/// What the connection tells the section.
fn on_event(state: State, event: LiveEvent) {
    match event {
        LiveEvent::Status(status) => state.clock.set_connection(status),
        LiveEvent::SnapshotOwed => state.resync(),
        LiveEvent::Change(change) => state.apply_change(change),
        LiveEvent::History(event) => state.history.record(event),
    }
}
