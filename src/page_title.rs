//! Attention in the browser tab (issue 13): the page's title and favicon show the number of
//! problems, "(2) Worker Status" and a red dot, so a section in a background tab still gets
//! noticed. The standalone page asks for it; an embedded section touches its host page's title
//! only with the `update-title` attribute. Both are restored when the section unmounts. A page
//! without an icon link keeps having none (only the title changes).
//!
//! The host may change its title while the section shows (a Next.js page sets its own on each
//! client-side navigation): at the next count, the new title becomes the base the count is put
//! before, and when the section goes, a title the host set since is left as it is, never
//! overwritten with an old one. (Watching the title for changes between counts, with a
//! MutationObserver, was measured at 0.5 KiB brotli and left out: Next sets its title before the
//! section's first count.)

use leptos::prelude::*;

use crate::lifetime;
use crate::state::State;

/// A red dot, as an SVG data URL (allowed by `img-src data:`).
const PROBLEM_ICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%23cf222e'/%3E%3C/svg%3E";

/// The title for `problems` problems on a page titled `base`.
pub fn title_with_problems(base: &str, problems: usize) -> String {
    if problems == 0 {
        base.to_owned()
    } else {
        format!("({problems}) {base}")
    }
}

/// The host's title and what the section last made of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TitleKeeper {
    /// The host's own title.
    base: String,
    /// The title the section last set, if any.
    shown: Option<String>,
}

impl TitleKeeper {
    /// Starts from the host's `current` title.
    pub fn new(current: &str) -> Self {
        Self {
            base: current.to_owned(),
            shown: None,
        }
    }

    /// The title to set for `problems` when the document's title is `current`, if it must
    /// change. A `current` the section did not set is the host's new title.
    pub fn update(&mut self, current: &str, problems: usize) -> Option<String> {
        if self.shown.as_deref() != Some(current) {
            self.base = current.to_owned();
        }
        let title = title_with_problems(&self.base, problems);
        self.shown = Some(title.clone());
        (title != current).then_some(title)
    }

    /// The title to put back when the section goes, if the document's title is still the
    /// section's.
    pub fn restore(&self, current: &str) -> Option<String> {
        (self.shown.as_deref() == Some(current) && current != self.base).then(|| self.base.clone())
    }
}

/// Keeps the document's title and icon in step with the problem count until unmount.
pub fn reflect_problems(state: State) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let keeper = StoredValue::new(TitleKeeper::new(&document.title()));
    let icon = document.query_selector("link[rel~='icon']").ok().flatten();
    let original_href = icon.as_ref().and_then(|icon| icon.get_attribute("href"));
    let icon_href = original_href.clone();
    let counts = state.fleet.counts();
    let loading = state.loader.loading_progress();
    let shown = send_wrapper::SendWrapper::new((document.clone(), icon.clone()));
    let set_title = {
        let document = send_wrapper::SendWrapper::new(document.clone());
        move |problems: usize| {
            let next = keeper
                .try_update_value(|keeper| keeper.update(&document.title(), problems))
                .flatten();
            if let Some(title) = next {
                document.set_title(&title);
            }
        }
    };
    Effect::new(move |_| {
        if loading.get().is_some() {
            return;
        }
        let count = counts.get().problems;
        set_title(count);
        let (_, icon) = &*shown;
        if let Some(icon) = icon {
            let href = if count > 0 {
                Some(PROBLEM_ICON)
            } else {
                icon_href.as_deref()
            };
            let _ = match href {
                Some(href) => icon.set_attribute("href", href),
                None => icon.remove_attribute("href"),
            };
        }
    });
    lifetime::on_unmount(move || {
        if let Some(title) = keeper
            .try_with_value(|keeper| keeper.restore(&document.title()))
            .flatten()
        {
            document.set_title(&title);
        }
        if let (Some(icon), Some(href)) = (icon, original_href) {
            let _ = icon.set_attribute("href", &href);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_counts_problems_only_when_there_are_some() {
        assert_eq!(title_with_problems("Worker Status", 0), "Worker Status");
        assert_eq!(title_with_problems("Worker Status", 2), "(2) Worker Status");
    }

    #[test]
    fn a_title_the_host_sets_becomes_the_base_and_is_never_overwritten_on_the_way_out() {
        let mut keeper = TitleKeeper::new("Billing");
        // Mounted before the host's router set the page's own title.
        assert_eq!(keeper.update("Billing", 2), Some("(2) Billing".to_owned()));
        assert_eq!(
            keeper.update("Workers", 2),
            Some("(2) Workers".to_owned()),
            "the host's new title"
        );
        assert_eq!(
            keeper.update("(2) Workers", 2),
            None,
            "its own title: no change"
        );
        assert_eq!(keeper.update("(2) Workers", 0), Some("Workers".to_owned()));
        assert_eq!(keeper.update("Workers", 1), Some("(1) Workers".to_owned()));
        assert_eq!(keeper.restore("(1) Workers"), Some("Workers".to_owned()));
        assert_eq!(
            keeper.restore("Billing"),
            None,
            "the next page's title, set by the host before the section went, stays"
        );
    }
}
