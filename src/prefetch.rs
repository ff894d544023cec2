//! What the loader (`loader/worker-status.js`) started for a section while the wasm was still
//! downloading, handed to the app at mount (`LoaderStart`): the first page of the table, the
//! history table's one-row probe, and the Realtime socket (which the loader joins once it is
//! open and the probe answered; `realtime` decides whether that join is taken). The app takes a
//! request for its own only if it asks for exactly that (same URL, same key), and the socket
//! only if it is for the URL it would open; otherwise it asks or opens itself (and closes the
//! socket). Nothing here sends a request.

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::WebSocket;

use crate::error::ApiError;
use crate::rows_page::Page;

/// The section's first page of rows, handed to its loader (`state::loader`): the loader
/// script's request still pending, or already answered (when the first rows were drawn before
/// the section loaded).
#[derive(Debug, Clone)]
pub enum FirstAnswer {
    /// The loader's request, not yet read.
    Pending(Prefetched),
    /// The answer, read (`crate::first_rows`).
    Answered(Result<Page, ApiError>),
}

/// `object[name]` of an object the loader handed over; `None` when `object` is not an object
/// (the loader passes `undefined` for what it did not start).
pub(crate) fn loader_field(object: &JsValue, name: &str) -> Option<JsValue> {
    if !object.is_object() {
        return None;
    }
    Reflect::get(object, &JsValue::from_str(name)).ok()
}

/// What the loader started for one section.
pub struct LoaderStart {
    /// The first page of the status table.
    pub first_page: Option<Prefetched>,
    /// The history table's probe (`api::probe_events`).
    pub history_probe: Option<Prefetched>,
    /// The Realtime socket.
    pub socket: Option<EarlySocket>,
}

impl LoaderStart {
    /// Reads the loader's `{ firstPage, historyProbe, socket }`; what is missing or unusable is
    /// `None` (all of it when the loader started nothing: a configuration the app refuses).
    pub fn from_js(value: &JsValue) -> Self {
        let field = |name: &str| loader_field(value, name).unwrap_or(JsValue::UNDEFINED);
        Self {
            first_page: Prefetched::from_js(&field("firstPage")),
            history_probe: Prefetched::from_js(&field("historyProbe")),
            socket: EarlySocket::from_js(&field("socket")),
        }
    }
}

/// A socket the loader opened before the app was in, and the URL it opened it for. Closed when
/// dropped, unless taken.
pub struct EarlySocket {
    /// The URL, as `Config::websocket_url` writes it.
    pub url: String,
    socket: Option<WebSocket>,
    /// The loader's object: it adds `join`, the join it sent once the socket opened and the
    /// history probe answered, and keeps what arrived since in `frames`, until the app takes
    /// the socket.
    loader: JsValue,
}

/// The loader's socket, taken: with its join and what arrived since, if the loader joined.
pub struct TakenSocket {
    pub socket: WebSocket,
    /// The join the loader sent on it, if it did (`Channel::adopt_join`).
    pub join: Option<LoaderJoin>,
}

/// A join the loader sent.
pub struct LoaderJoin {
    /// The frame, as sent.
    pub text: String,
    /// What arrived since, in order (text, or an `ArrayBuffer` for a binary frame), added to by
    /// the loader until the app sets the socket's `onmessage`.
    pub frames: js_sys::Array,
}

impl EarlySocket {
    /// Reads the loader's `{ url, socket }`; `None` for anything else.
    fn from_js(value: &JsValue) -> Option<Self> {
        let field = |name: &str| loader_field(value, name);
        Some(Self {
            url: field("url")?.as_string()?,
            socket: Some(field("socket")?.dyn_into().ok()?),
            loader: value.clone(),
        })
    }

    /// The socket, if it is still usable (connecting or open); one that is not is closed.
    /// From now on the loader does not join on it.
    pub fn take(mut self) -> Option<TakenSocket> {
        let usable = self.socket.as_ref().is_some_and(|socket| {
            matches!(
                socket.ready_state(),
                WebSocket::CONNECTING | WebSocket::OPEN
            )
        });
        if !usable {
            return None;
        }
        let _ = Reflect::set(&self.loader, &JsValue::from_str("taken"), &JsValue::TRUE);
        let join = loader_field(&self.loader, "join")
            .and_then(|join| join.as_string())
            .map(|text| LoaderJoin {
                text,
                frames: loader_field(&self.loader, "frames")
                    .and_then(|frames| frames.dyn_into().ok())
                    .unwrap_or_default(),
            });
        Some(TakenSocket {
            socket: self.socket.take()?,
            join,
        })
    }
}

impl Drop for EarlySocket {
    /// Not taken: closed (once open: closing it while it connects makes the browser log).
    fn drop(&mut self) {
        if let Some(socket) = &self.socket {
            crate::realtime::close_socket(socket);
        }
    }
}

/// A request the loader sent: what it asked, with which key, when, and its pending answer.
#[derive(Debug, Clone)]
pub struct Prefetched {
    url: String,
    key: String,
    sent_ms: i64,
    response: Promise,
}

impl Prefetched {
    /// Reads the loader's `{ url, key, sentMs, response }`; `None` for anything else
    /// (`undefined` when the loader sent nothing because the configuration is unusable).
    pub fn from_js(value: &JsValue) -> Option<Self> {
        let field = |name: &str| loader_field(value, name);
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
