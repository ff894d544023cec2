//! Split points: the parts of the section that the first rows do not need, which the release
//! build (`--features split`, scripts/build-app.mjs) compiles into wasm modules of their own,
//! fetched on first use or once the first rows are on screen. Without the feature (debug builds,
//! the browser tests) they are ordinary async calls, so behaviour is the same in both.
//!
//! A part that cannot be loaded (the network dropped) renders nothing, says so in the console
//! and is asked for again on the reconnect schedule. Nothing here panics.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// Why a lazily loaded part is not there.
#[cfg(feature = "split")]
pub use wasm_split_helpers::SplitLoaderError as LoadError;
/// Why a lazily loaded part is not there: never happens without the split (no value of it is
/// ever made; a plain struct, so that the callers' error handling is the same in both builds).
#[cfg(not(feature = "split"))]
#[derive(Debug, Clone, Copy)]
pub struct LoadError;

#[cfg(not(feature = "split"))]
impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not loaded")
    }
}

/// `module m; fn f(args) -> T { … }` declares `async fn f(args) -> Result<T, LoadError>` whose
/// body, in release builds, lives in the lazily loaded wasm module `m` (parts that are used together share one).
/// Arguments and result are owned, concrete types.
macro_rules! lazy_part {
    (
        module $module:ident;
        $(#[$meta:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty $body:block
    ) => {
        $(#[$meta])*
        #[cfg(feature = "split")]
        #[allow(unsafe_code)] // the split point's generated loader
        #[wasm_split_helpers::wasm_split($module, fallible)]
        $vis fn $name($($arg: $ty),*) -> Result<$out, $crate::lazy::LoadError> {
            Ok($body)
        }

        $(#[$meta])*
        #[cfg(not(feature = "split"))]
        $vis async fn $name($($arg: $ty),*) -> Result<$out, $crate::lazy::LoadError> {
            Ok($body)
        }
    };
}
pub(crate) use lazy_part;

/// Loads a lazily loaded part (`load()` asks for it) until it comes, asking again on the
/// reconnect schedule while it cannot be fetched and `wanted()` still holds; `None` once it no
/// longer does. `what` names the part in the console.
pub async fn retrying<T, L, F>(what: &str, load: L, wanted: impl Fn() -> bool) -> Option<T>
where
    L: Fn() -> F,
    F: Future<Output = Result<T, LoadError>>,
{
    let mut attempt = 0;
    while wanted() {
        match load().await {
            Ok(part) => return Some(part),
            Err(error) => {
                leptos::logging::warn!("worker status: {what} did not load: {error}");
                let delay = dashboard_core::rules::backoff::scheduled(attempt) as u32;
                gloo_timers::future::TimeoutFuture::new(delay).await;
                attempt += 1;
            }
        }
    }
    None
}

/// Resolves in a later task than the current one: a part asked for while the first rows are
/// being rendered is fetched once they are on screen, never during that render.
pub async fn after_this_task() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// Whether the first rows are on screen (or the first load gave up): lazily loaded view parts
/// start loading only then, so that they never compete with the first rows. Provided at the
/// root of a section; without it (a test mounting one component) parts load at once.
#[derive(Debug, Clone, Copy)]
pub struct FirstRowsShown(pub Signal<bool>);

/// A request for a lazily loaded view part, boxed: every part then shares one copy of the code
/// that waits for it and renders it (one per part cost 1 KiB of the section's module each).
type PartRequest = Pin<Box<dyn Future<Output = Result<AnyView, LoadError>>>>;

/// What a lazily loaded view part renders (`part()` asks for it), once the first rows are on
/// screen and the part is loaded: nothing before (no spinner). A part that cannot be loaded
/// (the network dropped) is asked for again on the reconnect schedule, until it comes or the
/// view that wanted it is gone.
pub fn deferred<P, F>(part: P) -> impl IntoView
where
    P: Fn() -> F + Send + Sync + 'static,
    F: Future<Output = Result<AnyView, LoadError>> + 'static,
{
    deferred_request(Arc::new(move || Box::pin(part()) as PartRequest))
}

fn deferred_request(part: Arc<dyn Fn() -> PartRequest + Send + Sync>) -> impl IntoView {
    let shown = use_context::<FirstRowsShown>().map_or_else(|| Signal::from(true), |shown| shown.0);
    move || {
        shown.get().then(|| {
            let part = part.clone();
            // Wanted until the view that asked is gone, which aborts this future.
            Suspend::new(SendWrapper::new(async move {
                after_this_task().await;
                retrying("a part of the section", move || part(), || true).await
            }))
        })
    }
}
