//! The browser's `fetch`, for GET requests with headers, a deadline and a text body: the one
//! place that calls it. (gloo-net did this before; its request builder, the `http` crate it
//! pulls in and its error types cost 1.3 KiB brotli of the bundle for the one call we make.)

use js_sys::Promise;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

/// An answer: status, the headers we read, and the body as text.
#[derive(Debug, Clone)]
pub struct TextResponse {
    /// HTTP status.
    pub status: u16,
    /// The `Date` header.
    pub date: Option<String>,
    /// The `Content-Range` header.
    pub content_range: Option<String>,
    /// The body.
    pub body: String,
}

/// Why no answer arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The deadline passed and the request was aborted.
    TimedOut,
    /// The browser reported a failure (network down, CORS, a refused header), in its words.
    Failed(String),
}

/// GETs `url` with `headers`; aborts it after `timeout_ms`.
pub async fn get_text(
    url: &str,
    headers: &[(&str, &str)],
    timeout_ms: u32,
) -> Result<TextResponse, FetchError> {
    let controller = AbortController::new().map_err(failed)?;
    // Dropping the timer (on return) cancels it.
    let _deadline = {
        let controller = controller.clone();
        gloo_timers::callback::Timeout::new(timeout_ms, move || controller.abort())
    };
    let request_headers = Headers::new().map_err(failed)?;
    for (name, value) in headers {
        request_headers.set(name, value).map_err(failed)?;
    }
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_headers(&request_headers);
    init.set_signal(Some(&controller.signal()));
    let window = web_sys::window().ok_or_else(|| FetchError::Failed("no window".to_owned()))?;
    // A rejection after the deadline fired is the deadline's doing, whatever the browser says.
    let rejected = |error: JsValue| {
        if controller.signal().aborted() {
            FetchError::TimedOut
        } else {
            failed(error)
        }
    };
    let answer = settle(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(rejected)?;
    read(answer, rejected).await
}

/// The answer to a request someone else sent (the loader's first page, `crate::prefetch`), read
/// as `get_text` reads its own; its deadline is the sender's (`AbortSignal.timeout`).
pub async fn receive_text(response: Promise) -> Result<TextResponse, FetchError> {
    let rejected = |error: JsValue| {
        let timed_out = error
            .dyn_ref::<js_sys::Error>()
            .is_some_and(|error| error.name() == "TimeoutError");
        if timed_out {
            FetchError::TimedOut
        } else {
            failed(error)
        }
    };
    let answer = settle(response).await.map_err(rejected)?;
    read(answer, rejected).await
}

/// Status, the headers we read, and the body of a `Response`.
async fn read(
    answer: JsValue,
    rejected: impl Fn(JsValue) -> FetchError,
) -> Result<TextResponse, FetchError> {
    let response: Response = answer.dyn_into().map_err(failed)?;
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let (date, content_range) = (header("date"), header("content-range"));
    let body = match response.text() {
        Ok(promise) => settle(promise).await.map_err(rejected)?,
        Err(error) => return Err(failed(error)),
    };
    Ok(TextResponse {
        status: response.status(),
        date,
        content_range,
        body: body.as_string().unwrap_or_default(),
    })
}

async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

fn failed(error: JsValue) -> FetchError {
    FetchError::Failed(crate::error::thrown_text(&error))
}
