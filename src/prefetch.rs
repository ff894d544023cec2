//! The first page of the table that the loader (`loader/worker-status.js`) asked for while the
//! wasm was still downloading, handed to the app at mount, and that page once answered. The app takes it for its own first
//! request only if it asks for exactly that (same URL, same key); otherwise it is left unread
//! and the app asks itself. Nothing here sends a request.

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::ApiError;
use crate::rows_page::Page;

/// The section's first page of rows, handed to its loader (`state::loader`): the loader
/// script's request still pending, or already answered (when the first rows were drawn before
/// the section loaded).
#[derive(Debug, Clone)]
pub enum FirstAnswer {
    /// The loader's request, not yet read.
    Pending(FirstPage),
    /// The answer, read (`crate::first_rows`).
    Answered(Result<Page, ApiError>),
}

/// A request the loader sent: what it asked, with which key, when, and its pending answer.
#[derive(Debug, Clone)]
pub struct FirstPage {
    url: String,
    key: String,
    sent_ms: i64,
    response: Promise,
}

impl FirstPage {
    /// Reads the loader's `{ url, key, sentMs, response }`; `None` for anything else
    /// (`undefined` when the loader sent nothing because the configuration is unusable).
    pub fn from_js(value: &JsValue) -> Option<Self> {
        if !value.is_object() {
            return None;
        }
        let field = |name: &str| Reflect::get(value, &JsValue::from_str(name)).ok();
        Some(Self {
            url: field("url")?.as_string()?,
            key: field("key")?.as_string()?,
            sent_ms: field("sentMs")?.as_f64()? as i64,
            response: field("response")?.dyn_into().ok()?,
        })
    }

    /// The pending answer and when it was sent, if this is the request for `url` with `key`.
    pub fn answer_for(self, url: &str, key: &str) -> Option<(Promise, i64)> {
        (self.url == url && self.key == key).then_some((self.response, self.sent_ms))
    }
}
