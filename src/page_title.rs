//! Attention in the browser tab (issue 13): the page's title and favicon show the number of
//! problems, "(2) Worker Status" and a red dot, so a section in a background tab still gets
//! noticed. The standalone page asks for it; an embedded section touches its host page's title
//! only with the `update-title` attribute. Both are restored when the section unmounts. A page
//! without an icon link keeps having none (only the title changes).

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

/// Keeps the document's title and icon in step with the problem count until unmount.
pub fn reflect_problems(state: State) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let base = document.title();
    let icon = document.query_selector("link[rel~='icon']").ok().flatten();
    let original_href = icon.as_ref().and_then(|icon| icon.get_attribute("href"));
    let icon_href = original_href.clone();
    let counts = state.fleet.counts();
    let loading = state.loader.loading_progress();
    let (shown_document, shown_icon, shown_base) = (document.clone(), icon.clone(), base.clone());
    let shown = send_wrapper::SendWrapper::new((shown_document, shown_icon));
    Effect::new(move |_| {
        if loading.get().is_some() {
            return;
        }
        let problems = counts.get().problems;
        let (document, icon) = &*shown;
        document.set_title(&title_with_problems(&shown_base, problems));
        if let Some(icon) = icon {
            let href = if problems > 0 {
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
        document.set_title(&base);
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
}
