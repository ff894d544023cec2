//! A worker's metadata as key/value pairs, collapsed when long. Keys and values are text nodes,
//! never markup.

use dashboard_core::view::metadata::MetadataPairs;
use dashboard_core::wire::json::Object;
use leptos::prelude::*;

use crate::config::METADATA_VISIBLE;

/// The metadata list (nothing when empty).
#[component]
pub fn MetadataList(metadata: Object) -> impl IntoView {
    let MetadataPairs { visible, hidden } = MetadataPairs::of(&metadata, METADATA_VISIBLE);
    let hidden_count = hidden.len();
    let rows = |pairs: Vec<(String, String)>| {
        pairs
            .into_iter()
            .map(|(key, value)| view! { <div class="wsm-meta-pair"><dt>{key}</dt><dd>{value}</dd></div> })
            .collect_view()
    };
    (!visible.is_empty()).then(|| {
        view! {
            <div data-testid="metadata">
                <dl class="wsm-meta">{rows(visible)}</dl>
                // Its own list: a <dl> holds only pairs (and groups of them).
                {(hidden_count > 0).then(|| view! {
                    <details class="wsm-meta-more">
                        <summary>{format!("{hidden_count} more")}</summary>
                        <dl class="wsm-meta">{rows(hidden)}</dl>
                    </details>
                })}
            </div>
        }
    })
}
