//! A worker's last 24 hours as a time-proportional strip (Running, Late/silent, Stopped,
//! Crashed, no data), each stretch with its exact times on hover and focus, and the uptime over
//! 24 hours and 7 days (`dashboard_core::history`). Re-drawn once a minute and on each event.

use std::sync::Arc;

use dashboard_core::history::{self, STRIP_MS, Segment, WEEK_MS};
use leptos::prelude::*;

use crate::components::keyed_names::{DrawName, KeyedNames};
use crate::components::shown_when::ShownWhen;
use crate::components::worker_texts::local_time;
use crate::lazy::lazy_part;
use crate::memo::memo;
use crate::state::State;
use crate::state::history::HistoryState;

lazy_part! {
    module section;
    /// The strip of the worker `name`, loaded once the first rows are on screen.
    pub fn history_strip(name: String) -> AnyView {
        view! { <HistoryStrip name=name /> }.into_any()
    }
}

/// The strip and uptime of the worker `name`, whose history it asks for while it is mounted;
/// nothing while that is not loaded.
#[component]
pub fn HistoryStrip(name: String) -> impl IntoView {
    let state = State::expect();
    let history = State::expect().history;
    let Some(row) = state.fleet.row(&name) else {
        return ().into_any();
    };
    history.show_while_mounted(&name);
    let minute = state.clock.server_minute_ms();
    let late_after = state.fleet.thresholds().late_after_ms;
    let windows = memo(move |_| {
        // Re-drawn when the minute turns (or an event arrives), up to the exact time then.
        minute.track();
        let now = state.clock.server_now_untracked();
        row.with(|row| {
            history.with_events(&row.worker_name, |events| {
                let day = history::strip(events, row, now - STRIP_MS, now, late_after);
                let week = history::strip(events, row, now - WEEK_MS, now, late_after);
                let uptime = history::uptime_line(&day, &week);
                (day, uptime)
            })
        })
    });
    let loaded = move || history.state_of(&name) == HistoryState::Loaded;
    let uptime = move || windows.with(|(_, uptime)| uptime.clone());
    let day = memo(move |_| windows.with(|(day, _)| day.clone()));
    let stretches = memo(move |_| day.with(Vec::len));
    // Places as names, for the section's one keyed list.
    let places = Signal::derive(move || (0..stretches.get()).map(|at| at.to_string()).collect());
    let draw_segment: DrawName = Arc::new(move |place| {
        let at = place.parse().unwrap_or(usize::MAX);
        view! { <StripSegment at=at day=day /> }.into_any()
    });
    view! {
        <ShownWhen when=loaded>
            <div class="wsm-history" data-testid="history">
                <p class="wsm-uptime" data-testid="uptime">{uptime}</p>
                <ol class="wsm-strip" data-testid="strip" aria-label="The last 24 hours">
                    // Keyed by place: each stretch follows its place as the strip moves on
                    // (a focused one keeps its focus), and a heartbeat creates nothing. Keyed
                    // by value, the last stretch (whose end is now) was a new element at every
                    // heartbeat, and its owner's husk stayed until the section unmounted.
                    <KeyedNames names=places draw=draw_segment.clone() />
                </ol>
            </div>
        </ShownWhen>
    }
    .into_any()
}

/// The stretch at place `at` of the strip `day`: as wide as its share of the 24 hours.
#[component]
fn StripSegment(at: usize, day: Memo<Vec<Segment>>) -> impl IntoView {
    let segment = memo(move |_| {
        day.with(|day| day.get(at).copied()).unwrap_or(Segment {
            band: history::Band::Unknown,
            start_ms: 0,
            end_ms: 0,
        })
    });
    let words = move || {
        let Segment {
            band,
            start_ms,
            end_ms,
        } = segment.get();
        format!(
            "{}: {} to {}",
            band.label(),
            local_time(start_ms),
            local_time(end_ms)
        )
    };
    // Hundredths of a percent, whole: no float formatting in the bundle.
    let width = move || {
        let Segment {
            start_ms, end_ms, ..
        } = segment.get();
        let share = (end_ms - start_ms) * 10_000 / STRIP_MS;
        format!("{}.{:02}%", share / 100, share % 100)
    };
    view! {
        <li
            class="wsm-band"
            data-band=move || segment.get().band.as_str()
            data-start=move || segment.get().start_ms.to_string()
            data-end=move || segment.get().end_ms.to_string()
            style:width=width
            title=words
            aria-label=words
            tabindex="0"
        ></li>
    }
}
