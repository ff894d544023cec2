//! A worker's metadata as key/value pairs, collapsed when long. Keys and values are text nodes,
//! never markup.

use leptos::prelude::*;
use serde_json::{Map, Value};

use crate::config::METADATA_VISIBLE;

/// The metadata list (nothing when empty).
#[component]
pub fn MetadataList(metadata: Map<String, Value>) -> impl IntoView {
    let pairs: Vec<(String, String)> = metadata
        .into_iter()
        .map(|(key, value)| (key, display(&value)))
        .collect();
    let (visible, hidden) = if pairs.len() > METADATA_VISIBLE + 1 {
        let mut visible = pairs;
        let hidden = visible.split_off(METADATA_VISIBLE);
        (visible, hidden)
    } else {
        (pairs, Vec::new())
    };
    let hidden_count = hidden.len();
    let rows = |pairs: Vec<(String, String)>| {
        pairs
            .into_iter()
            .map(|(key, value)| view! { <div class="wsm-meta-pair"><dt>{key}</dt><dd>{value}</dd></div> })
            .collect_view()
    };
    (!visible.is_empty()).then(|| {
        view! {
            <dl class="wsm-meta" data-testid="metadata">
                {rows(visible)}
                {(hidden_count > 0).then(|| view! {
                    <details class="wsm-meta-more">
                        <summary>{format!("{hidden_count} more")}</summary>
                        {rows(hidden)}
                    </details>
                })}
            </dl>
        }
    })
}

/// Strings as they are; everything else as compact JSON, shortened.
fn display(value: &Value) -> String {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 120 {
        text.chars().take(120).collect::<String>() + "…"
    } else {
        text
    }
}
