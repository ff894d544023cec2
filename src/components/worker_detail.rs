//! A worker opened: its last 20 events with their times, its full metadata, and its jobs per
//! minute as a sparkline over the heartbeats seen since the page opened.

use std::sync::Arc;

use dashboard_core::history::RECENT_EVENTS;
use dashboard_core::view::metadata::display;
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
    /// The detail of the worker `name`, loaded on its first opening.
    pub fn worker_detail(name: String) -> AnyView {
        view! { <WorkerDetail name=name /> }.into_any()
    }
}

/// Sparkline box, in SVG units.
const SPARK_WIDTH: i64 = 120;
const SPARK_HEIGHT: i64 = 24;

/// The detail of the worker `name`.
#[component]
pub fn WorkerDetail(name: String) -> impl IntoView {
    let state = State::expect();
    let history = State::expect().history;
    let Some(row) = state.fleet.row(&name) else {
        return ().into_any();
    };
    history.show_while_mounted(&name);
    let events = {
        let name = name.clone();
        memo(move |_| {
            history.with_events(&name, |events| {
                events
                    .iter()
                    .rev()
                    .take(RECENT_EVENTS)
                    .map(|event| (event.id, local_time(event.occurred_ms), event.describe()))
                    .collect::<Vec<_>>()
            })
        })
    };
    let history_note = {
        let name = name.clone();
        move || match history.state_of(&name) {
            HistoryState::Loaded if events.with(Vec::is_empty) => {
                Some("No events in the last week.".to_owned())
            }
            HistoryState::Loaded => None,
            HistoryState::Loading => Some("Loading the history…".to_owned()),
            HistoryState::Unavailable(reason) => Some(reason),
        }
    };
    let metadata = memo(move |_| {
        row.with(|row| {
            row.metadata
                .iter()
                .map(|(key, value)| (key.clone(), display(value)))
                .collect::<Vec<_>>()
        })
    });
    // Keyed by id: an event never changes, so it is drawn once.
    let event_ids = Signal::derive(move || {
        events.with(|events| events.iter().map(|(id, _, _)| id.to_string()).collect())
    });
    let draw_event: DrawName = Arc::new(move |id| {
        let id = id.parse::<i64>().ok();
        let (at, words) = events
            .with_untracked(|events| {
                events
                    .iter()
                    .find(|(event, _, _)| Some(*event) == id)
                    .map(|(_, at, words)| (at.clone(), words.clone()))
            })
            .unwrap_or_default();
        view! { <li><span class="wsm-event-time">{at}</span>" "{words}</li> }.into_any()
    });
    // Keyed by key: a value that changes is updated in place.
    let metadata_keys = Signal::derive(move || {
        metadata.with(|pairs| pairs.iter().map(|(key, _)| key.clone()).collect())
    });
    let draw_pair: DrawName = Arc::new(move |key| {
        let value = {
            let key = key.clone();
            move || {
                metadata.with(|pairs| {
                    pairs
                        .iter()
                        .find(|(each, _)| *each == key)
                        .map(|(_, value)| value.clone())
                })
            }
        };
        view! { <div class="wsm-meta-pair"><dt>{key}</dt><dd>{value}</dd></div> }.into_any()
    });
    let rates = memo(move |_| state.fleet.jobs_per_minute(&name));
    let points = move || {
        rates.with(|rates| {
            dashboard_core::rules::rates::sparkline_points(rates, SPARK_WIDTH, SPARK_HEIGHT)
        })
    };
    let rate_words = move || {
        rates.with(|rates| match (rates.last(), rates.iter().max()) {
            (Some(last), Some(top)) => {
                format!("Jobs per minute since this page opened: now {last}, at most {top}.")
            }
            _ => "Jobs per minute: shown after two heartbeats seen on this page.".to_owned(),
        })
    };
    let has_rates = move || rates.with(|rates| rates.len() >= 2);
    view! {
        <div class="wsm-detail" data-testid="detail">
            <h4 class="wsm-detail-title">"Recent events"</h4>
            {move || history_note().map(|note| view! { <p class="wsm-detail-note">{note}</p> })}
            <ol class="wsm-events" data-testid="events">
                <KeyedNames names=event_ids draw=draw_event />
            </ol>
            <h4 class="wsm-detail-title">"Jobs per minute"</h4>
            <p class="wsm-detail-note" data-testid="rate">{rate_words}</p>
            <ShownWhen when=has_rates>
                <svg class="wsm-spark" data-testid="sparkline" viewBox=format!("0 0 {SPARK_WIDTH} {SPARK_HEIGHT}") aria-hidden="true" preserveAspectRatio="none">
                    <polyline points=points fill="none" stroke="currentColor" stroke-width="1.5" vector-effect="non-scaling-stroke" />
                </svg>
            </ShownWhen>
            <h4 class="wsm-detail-title">"Metadata"</h4>
            <dl class="wsm-meta" data-testid="full-metadata">
                <KeyedNames names=metadata_keys draw=draw_pair />
            </dl>
        </div>
    }
    .into_any()
}
