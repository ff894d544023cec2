//! The wall screen's styles (`style/wall.css`), carried by the lazily loaded section rather than
//! by the stylesheet every first row waits for: the first wall board mounted in a shadow root
//! has it adopt them as a constructed stylesheet (which a host's CSP without 'unsafe-inline'
//! allows, as it does the CSSOM).
//!
//! What the rules do, in `wall.css`'s order:
//! - the section fills the viewport's height (a host may set `--worker-status-wall-height`),
//!   never scrolls, and is a column: the header keeps one height, the board takes the rest;
//! - text is 20 px at 1920×1080 and scales with the screen (`dashboard_core::view::wall::
//!   readable_px` says the same); the summary is 2.5 em, the largest text on screen (cells are at
//!   most 2 em); the connection is a coloured pill; held data outlines and dims the whole view,
//!   its age in the header instead of the banner;
//! - the grid's cells are laid out by `WallBoard` in whole pixels; the rules below draw a card
//!   (name, status, last seen, jobs and errors or the breaker, the strip) and a tile (name,
//!   status, last seen) to fit `dashboard_core::view::wall::{CARD, TILE}`, one line each, cut
//!   with an ellipsis, never wrapped; problems are tinted, statuses bold (WCAG's large text, AA
//!   on the tints).

use std::cell::OnceCell;

use wasm_bindgen::{JsCast, JsValue};

const WALL_CSS: &str = include_str!("../style/wall.css");
const ADOPTED: &str = "adoptedStyleSheets";

thread_local! {
    /// One stylesheet for every wall on the page (a stylesheet may be adopted by many roots).
    static SHEET: OnceCell<Option<JsValue>> = const { OnceCell::new() };
}

/// Adds the wall's styles to the shadow root (or document) holding `node`, once; they stay
/// (they match nothing but a wall). Where constructed stylesheets are not supported, nothing
/// happens. Everything goes through `Reflect` and calls the page already makes, so that the
/// bindings every first row waits for grow by nothing but `Reflect.construct`.
pub fn adopt(node: &web_sys::Node) {
    let Some(sheet) = SHEET.with(|sheet| sheet.get_or_init(wall_sheet).clone()) else {
        return;
    };
    let root: JsValue = node.get_root_node().into();
    let Some(sheets) = js_sys::Reflect::get(&root, &ADOPTED.into()).ok() else {
        return;
    };
    if method(&sheets, "includes", &sheet).is_some_and(|held| held.is_truthy()) {
        return;
    }
    if let Some(more) = method(&sheets, "concat", &sheet) {
        let _ = js_sys::Reflect::set(&root, &ADOPTED.into(), &more);
    }
}

/// `target[name](argument)`.
fn method(target: &JsValue, name: &str, argument: &JsValue) -> Option<JsValue> {
    js_sys::Reflect::get(target, &name.into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?
        .call1(target, argument)
        .ok()
}

/// `new CSSStyleSheet()` holding the wall's rules.
fn wall_sheet() -> Option<JsValue> {
    let constructor = js_sys::Reflect::get(&js_sys::global(), &"CSSStyleSheet".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let sheet =
        js_sys::Reflect::construct(&constructor, &js_sys::Object::new().unchecked_into()).ok()?;
    method(&sheet, "replaceSync", &WALL_CSS.into())?;
    Some(sheet)
}
