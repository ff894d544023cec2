//! The list's view (issue 13): the status filter, the search, the grouping and the wall-screen
//! switch. They start from the page address (`?status=problems&q=crawl&group=host&view=tv`, over
//! the element's `group-by` and `view` attributes) and are written back to it, so a link shows the
//! same view. It also owns the `/` key that focuses the search, the order held while the pointer
//! or focus is in the list, and which groups are collapsed (remembered in the browser). The rules
//! are in `dashboard_core::{triage, grouping}`; the workers come from the fleet (`state::fleet`).

use dashboard_core::view::grouping::{self, Group};
use dashboard_core::view::triage::{self, Search, StatusFilter};
use leptos::prelude::*;

use crate::memo::memo;
use wasm_bindgen::JsCast;

use crate::config::Config;
use crate::lifetime;
use crate::state::State;

/// The address parameter holding the grouping key.
pub const GROUP_PARAM: &str = "group";
/// The address parameter holding the view (`tv`).
pub const VIEW_PARAM: &str = "view";
/// Where collapsed groups are remembered, per grouping key.
const COLLAPSED_KEY: &str = "worker-status.collapsed.";

/// The workers flagged "version differs" (sorted), provided to the cards.
#[derive(Debug, Clone, Copy)]
pub struct VersionOutliers(pub Memo<Vec<String>>);

/// Handles to the view's state; `Copy`, provided as context at the root.
#[derive(Debug, Clone, Copy)]
pub struct Triage {
    /// The status chip chosen.
    pub filter: RwSignal<StatusFilter>,
    /// The search box's text.
    pub search_text: RwSignal<String>,
    /// The metadata key the list is grouped by, if any.
    pub group_by: RwSignal<Option<String>>,
    /// The wall-screen view: dense, large, no controls.
    pub tv: RwSignal<bool>,
    /// The search box, for the `/` key.
    pub search_box: NodeRef<leptos::html::Input>,
    pointer_in_list: RwSignal<bool>,
    focus_in_list: RwSignal<bool>,
    /// The places the first rows held under the pointer (`hold_from_first_rows`), until it
    /// leaves (empty then).
    handed_places: RwSignal<Vec<String>>,
    /// Collapsed groups' values, for the current grouping key.
    collapsed: RwSignal<Vec<String>>,
}

impl Triage {
    /// The view from the page address over the element's attributes; keeps the address in step
    /// and listens for `/` until unmount.
    pub fn new(config: &Config) -> Self {
        let params = address().map(|url| url.search_params());
        let param = |name: &str| params.as_ref().and_then(|params| params.get(name));
        let group_by = match param(GROUP_PARAM) {
            // `?group=` (empty) in a link means "not grouped", over the attribute.
            Some(key) => Some(key.trim().to_owned()).filter(|key| !key.is_empty()),
            None => config.group_by.clone().filter(|key| !key.is_empty()),
        };
        let this = Self {
            filter: RwSignal::new(
                param(triage::STATUS_PARAM)
                    .and_then(|value| StatusFilter::parse(&value))
                    .unwrap_or_default(),
            ),
            search_text: RwSignal::new(param(triage::SEARCH_PARAM).unwrap_or_default()),
            group_by: RwSignal::new(group_by.clone()),
            tv: RwSignal::new(match param(VIEW_PARAM) {
                Some(view) => view.eq_ignore_ascii_case("tv"),
                None => config.tv,
            }),
            search_box: NodeRef::new(),
            pointer_in_list: RwSignal::new(false),
            focus_in_list: RwSignal::new(false),
            handed_places: RwSignal::new(Vec::new()),
            collapsed: RwSignal::new(remembered_collapsed(group_by.as_deref())),
        };
        if cfg!(target_arch = "wasm32") {
            this.write_address_on_change(config);
            this.focus_search_on_slash();
        }
        this
    }

    /// The view of the current component tree.
    pub fn expect() -> Self {
        use_context::<Self>().expect("the Triage is provided at the root of the section")
    }

    /// The names the list shows, in order: the unfolded workers that pass the filter and the
    /// search; while the list is held, in the places they had (`triage::held_order`).
    pub fn shown(self, state: State) -> Memo<Vec<String>> {
        let unfolded = state.fold.unfolded_order();
        let search = memo(move |_| Search::new(&self.search_text.get(), lowercase));
        let latest = memo(move |_| {
            let filter = self.filter.get();
            search.with(|search| {
                unfolded.with(|names| {
                    if filter == StatusFilter::All && search.is_empty() {
                        return names.clone();
                    }
                    state.fleet.with_workers_standing(|workers| {
                        names
                            .iter()
                            .filter(|name| {
                                state
                                    .fleet
                                    .status_untracked(name)
                                    .is_some_and(|status| filter.admits(status))
                                    && workers.get(name).is_some_and(|row| search.matches(row))
                            })
                            .cloned()
                            .collect()
                    })
                })
            })
        });
        let held = memo(move |_| self.pointer_in_list.get() || self.focus_in_list.get());
        memo(move |shown: Option<&Vec<String>>| {
            if !held.get() {
                return latest.get();
            }
            // Held from the start: the places the first rows showed.
            let handed = self.handed_places.get_untracked();
            let shown = shown.filter(|shown| !shown.is_empty()).unwrap_or(&handed);
            latest.with(|latest| {
                state.fleet.with_workers_standing(|workers| {
                    triage::held_order(shown, latest, |name| workers.get(name).is_some())
                })
            })
        })
    }

    /// The groups of `shown` by the grouping key (none when not grouped).
    pub fn groups(self, state: State, shown: Memo<Vec<String>>) -> Memo<Vec<Group>> {
        memo(move |_| {
            let Some(key) = self.group_by.get() else {
                return Vec::new();
            };
            shown.with(|names| {
                state.fleet.with_workers_standing(|workers| {
                    grouping::groups(names, workers, &key, |name| {
                        state.fleet.status_untracked(name)
                    })
                })
            })
        })
    }

    /// The workers whose version differs from the majority of their group (of the whole fleet
    /// when not grouped), sorted.
    pub fn version_outliers(self, state: State) -> Memo<Vec<String>> {
        let all = state.fleet.order();
        memo(move |_| {
            let key = self.group_by.get();
            all.with(|names| {
                state.fleet.with_workers_standing(|workers| match &key {
                    None => grouping::version_outliers(names, workers),
                    Some(key) => {
                        let mut outliers: Vec<String> = grouping::partition(names, workers, key)
                            .iter()
                            .flat_map(|(_, names)| grouping::version_outliers(names, workers))
                            .collect();
                        outliers.sort_unstable();
                        outliers
                    }
                })
            })
        })
    }

    /// Whether the group `value` is collapsed.
    pub fn is_collapsed(self, value: &str) -> bool {
        self.collapsed
            .with(|collapsed| collapsed.iter().any(|known| known == value))
    }

    /// Collapses or opens the group `value`, and remembers it for this grouping key.
    pub fn toggle_collapsed(self, value: &str) {
        self.collapsed.update(|collapsed| {
            match collapsed.iter().position(|known| known == value) {
                Some(at) => {
                    collapsed.remove(at);
                }
                None => collapsed.push(value.to_owned()),
            }
        });
        if let (Some(storage), Some(key)) = (
            crate::browser::local_storage(),
            self.group_by.get_untracked(),
        ) {
            let _ = storage.set_item(
                &format!("{COLLAPSED_KEY}{key}"),
                &self
                    .collapsed
                    .with_untracked(|collapsed| collapsed.join("\n")),
            );
        }
    }

    /// Groups by `key` (or not at all), with that key's remembered collapsed groups.
    pub fn set_group_by(self, key: Option<String>) {
        self.collapsed.set(remembered_collapsed(key.as_deref()));
        self.group_by.set(key);
    }

    /// Shows every worker again: no filter, no search.
    pub fn clear(self) {
        self.filter.set(StatusFilter::All);
        self.search_text.set(String::new());
    }

    /// Takes over a list the first rows held under the pointer
    /// (`first_rows::FirstRows::held_places`): its cards keep those places until it leaves.
    pub fn hold_from_first_rows(self, places: Vec<String>) {
        self.handed_places.set(places);
        self.pointer_in_list.set(true);
    }

    /// The pointer entered or left the list.
    pub fn set_pointer_in_list(self, inside: bool) {
        if !inside {
            self.handed_places.set(Vec::new());
        }
        self.pointer_in_list.set(inside);
    }

    /// Focus entered or left the list.
    pub fn set_focus_in_list(self, inside: bool) {
        self.focus_in_list.set(inside);
    }

    /// Keeps the page address in step with the view (replacing the history entry: a filter is
    /// not a page to go back to). Parameters of the host page are left alone.
    fn write_address_on_change(self, config: &Config) {
        let default_group = config.group_by.clone();
        let default_tv = config.tv;
        Effect::new(move |first: Option<()>| {
            let filter = self.filter.get();
            let search = self.search_text.get();
            let group = self.group_by.get();
            let tv = self.tv.get();
            if first.is_none() {
                // Mounting changes nothing: the address already says what is shown.
                return;
            }
            let Some(url) = address() else { return };
            let params = url.search_params();
            let set = |name: &str, value: Option<&str>| match value {
                Some(value) => params.set(name, value),
                None => params.delete(name),
            };
            set(
                triage::STATUS_PARAM,
                (filter != StatusFilter::All).then_some(filter.as_str()),
            );
            set(
                triage::SEARCH_PARAM,
                Some(search.trim()).filter(|text| !text.is_empty()),
            );
            set(
                GROUP_PARAM,
                if group == default_group {
                    None
                } else {
                    Some(group.as_deref().unwrap_or(""))
                },
            );
            set(
                VIEW_PARAM,
                (tv != default_tv).then_some(if tv { "tv" } else { "default" }),
            );
            if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
                let _ = history.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&url.href()),
                );
            }
        });
    }

    /// `/` anywhere on the page (outside a text field) focuses the search box.
    fn focus_search_on_slash(self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
            move |event: web_sys::Event| {
                let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if key.key() != "/"
                    || key.default_prevented()
                    || key.ctrl_key()
                    || key.meta_key()
                    || key.alt_key()
                {
                    return;
                }
                if typing_in_a_field(&event) {
                    return;
                }
                if let Some(input) = self.search_box.get_untracked() {
                    event.prevent_default();
                    let _ = input.focus();
                }
            },
        );
        lifetime::listen_until_unmount(
            window.into(),
            "keydown",
            &web_sys::AddEventListenerOptions::new(),
            listener,
        );
    }
}

/// JavaScript's `toLowerCase` (see `triage::CaseFold`).
fn lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// The page's address, if there is a page.
fn address() -> Option<web_sys::Url> {
    let href = web_sys::window()?.location().href().ok()?;
    web_sys::Url::new(&href).ok()
}

/// Whether the key went to a text field (seen through shadow roots: the event's first target).
fn typing_in_a_field(event: &web_sys::Event) -> bool {
    let Some(element) = event
        .composed_path()
        .get(0)
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
    else {
        return false;
    };
    matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || element.is_content_editable()
}

/// The collapsed groups remembered for grouping by `key`.
fn remembered_collapsed(key: Option<&str>) -> Vec<String> {
    let Some(key) = key else { return Vec::new() };
    if !cfg!(target_arch = "wasm32") {
        return Vec::new();
    }
    crate::browser::local_storage()
        .and_then(|storage| {
            storage
                .get_item(&format!("{COLLAPSED_KEY}{key}"))
                .ok()
                .flatten()
        })
        .map(|list| {
            list.split('\n')
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
