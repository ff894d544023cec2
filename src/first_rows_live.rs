//! Everything a section does before its own module is in, and the hand-over to it: the first
//! rows are live from the moment they show. This is the state and its main-module half: the
//! history table's probe (the loader's request) is read beside the first page, the first rows
//! are drawn (`first_rows::FirstRows`) and a click on a card is kept; the small `live` module
//! (`first_rows_follow`, fetched early) then follows the table on the socket the loader opened.
//! `hand_over` gives the section, in one call, the connection, the rows as they are now and
//! what is still owed, so that no change between the two is lost or shown twice, and no second
//! snapshot is asked for.
//!
//! Only the plain view is drawn here (`first_rows`); for the others this holds the loader's
//! request and socket until the section takes them.

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use dashboard_core::channel::ConnectionStatus;
use dashboard_core::wire::change::ChangeEvent;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::api;
use crate::config::Config;
use crate::error::ApiError;
use crate::first_rows::FirstRows;
use crate::prefetch::{EarlySocket, FirstAnswer, Prefetched};
use crate::realtime::LiveConnection;

/// What the section takes over.
pub struct Handover {
    /// The first page: the rows as they are now when they were drawn, else as it came.
    pub first: Option<FirstAnswer>,
    /// Whether rows are on screen, which the section replaces once its first load settled.
    pub drawn: bool,
    /// What following the table live takes over (`live::follow`).
    pub following: Following,
    /// The worker whose card was clicked last, whose details the section opens.
    pub open_details: Option<String>,
    /// The names in their places on screen if the pointer is in the list
    /// (`FirstRows::held_places`): the section keeps them there until it leaves.
    pub held_places: Option<Vec<String>>,
}

/// What following the table live takes over from the start.
pub struct Following {
    /// The live connection, if it started.
    pub connection: Option<LiveConnection>,
    /// The history table's probe, if it answered (the connection names the table only then).
    pub history: Option<Result<(), ApiError>>,
    /// The loader's socket, if no connection took it.
    pub early_socket: Option<EarlySocket>,
    /// The loader's history probe, if nothing read it (views the first rows do not draw).
    pub history_probe: Option<Prefetched>,
    /// Whether a snapshot is still owed: the channel subscribed and the rows on screen do not
    /// yet reflect a snapshot taken since (the section asks for one).
    pub snapshot_owed: bool,
}

/// Whether the rows reflect the latest subscription.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Snapshot {
    /// Nothing owed (no subscription yet, or its snapshot applied).
    Current,
    /// A subscription happened; no snapshot was asked for since.
    Owed,
    /// One is out; `again` when another subscription happened meanwhile.
    Fetching { again: bool },
}

/// The state both halves share (`first_rows_follow` keeps it up to date).
pub(crate) struct Inner {
    pub(crate) config: Config,
    /// The loader's requests, until read (views other than the plain one).
    first_page: Option<Prefetched>,
    history_probe: Option<Prefetched>,
    /// The first page as answered.
    answer: Option<Result<crate::rows_page::Page, ApiError>>,
    pub(crate) rows: Option<FirstRows>,
    early_socket: Option<EarlySocket>,
    history: Option<Result<(), ApiError>>,
    /// The live connection (a `LiveConnection`, kept as `Any` so that its code stays in the
    /// `live` module that makes it: the main module only drops it).
    pub(crate) connection: Option<Box<dyn Any>>,
    pub(crate) status: ConnectionStatus,
    /// Changes that came before the first page: applied once it is drawn.
    pub(crate) early_changes: Vec<ChangeEvent>,
    pub(crate) snapshot: Snapshot,
    open_details: Option<String>,
    pub(crate) ticker: Option<gloo_timers::callback::Interval>,
    click: Option<ContainerListener>,
    /// The pointer and focus in the container (`listen_in_rows`).
    in_rows: Option<ContainerListener>,
    /// The section may come now (`until_section_wanted` stops waiting): the rows went live and
    /// showed the first changes alone for a while, or someone pointed at or focused them
    /// (`first_rows_follow`).
    pub(crate) section_wanted: bool,
    /// The rows went live: sets `section_wanted` once they had their while alone; dropped (the
    /// timer cleared) when handed over or stopped.
    pub(crate) settling: Option<gloo_timers::callback::Timeout>,
    /// What the `live` module does once rows are drawn after it started (`first_rows_follow`).
    pub(crate) on_drawn: Option<Rc<dyn Fn()>>,
    /// Wakes `until_section_wanted`.
    on_wanted: Option<Waker>,
    /// Handed over or stopped: whatever still arrives is ignored.
    pub(crate) done: bool,
}

impl Inner {
    /// The loader's socket, for the connection to take.
    pub(crate) fn take_early_socket(&mut self) -> Option<EarlySocket> {
        self.early_socket.take()
    }

    /// The section may come (or the rows will never be live here): whoever waits in
    /// `until_section_wanted` goes on.
    pub(crate) fn want_section(&mut self) {
        self.section_wanted = true;
        if let Some(waker) = self.on_wanted.take() {
            waker.wake();
        }
    }

    /// Handed over or stopped: nothing more happens here (the timer and the listeners go,
    /// and `until_section_wanted` stops waiting).
    fn finish(&mut self) {
        self.done = true;
        self.ticker = None;
        self.click = None;
        self.in_rows = None;
        self.settling = None;
        self.on_drawn = None;
        self.want_section();
    }

    /// Whether `until_section_wanted` may stop waiting.
    fn wanted_or_never(&self) -> bool {
        self.done || self.rows.is_none() || self.section_wanted
    }
}

/// `FirstRowsLive::until_section_wanted`: ready when the section is wanted (or the rows will
/// never be live here), or when `late` is.
struct UntilWanted {
    shared: Rc<RefCell<Inner>>,
    late: gloo_timers::future::TimeoutFuture,
}

impl Future for UntilWanted {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if Pin::new(&mut self.late).poll(context).is_ready() {
            return Poll::Ready(());
        }
        let mut inner = self.shared.borrow_mut();
        if inner.wanted_or_never() {
            return Poll::Ready(());
        }
        inner.on_wanted = Some(context.waker().clone());
        Poll::Pending
    }
}

/// A listener on the container, for `events`; removed when dropped.
struct ContainerListener {
    target: web_sys::EventTarget,
    events: &'static [&'static str],
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

impl ContainerListener {
    /// Calls `on_event` with each event and the element it happened to.
    fn new(
        container: &web_sys::HtmlElement,
        events: &'static [&'static str],
        on_event: impl FnMut(&web_sys::Event, web_sys::Element) + 'static,
    ) -> Option<Self> {
        let mut on_event = on_event;
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            if let Some(element) = event.target().and_then(|target| target.dyn_into().ok()) {
                on_event(&event, element);
            }
        });
        let target: web_sys::EventTarget = container.clone().into();
        for event in events {
            target
                .add_event_listener_with_callback(event, callback.as_ref().unchecked_ref())
                .ok()?;
        }
        Some(Self {
            target,
            events,
            callback,
        })
    }
}

impl Drop for ContainerListener {
    fn drop(&mut self) {
        for event in self.events {
            let _ = self
                .target
                .remove_event_listener_with_callback(event, self.callback.as_ref().unchecked_ref());
        }
    }
}

/// A section's start, shared by its starting task and its handle (`Clone`: one state).
#[derive(Clone)]
pub struct FirstRowsLive(pub(crate) Rc<RefCell<Inner>>);

impl FirstRowsLive {
    /// Holds what the loader started for the section (for a view the first rows do not draw,
    /// or a configuration the section will refuse).
    pub fn waiting(
        config: Config,
        first_page: Option<Prefetched>,
        history_probe: Option<Prefetched>,
        early_socket: Option<EarlySocket>,
    ) -> Self {
        Self(Rc::new(RefCell::new(Inner {
            config,
            first_page,
            history_probe,
            answer: None,
            rows: None,
            early_socket,
            history: None,
            connection: None,
            status: ConnectionStatus::Connecting,
            early_changes: Vec::new(),
            snapshot: Snapshot::Current,
            open_details: None,
            ticker: None,
            click: None,
            in_rows: None,
            section_wanted: false,
            settling: None,
            on_drawn: None,
            on_wanted: None,
            done: false,
        })))
    }

    /// Reads the history table's probe (the loader's request, if it sent one) beside the first
    /// page, then follows the table with the `live` module (`first_rows_follow`).
    pub fn connect(
        config: Config,
        history_probe: Option<Prefetched>,
        early_socket: Option<EarlySocket>,
    ) -> Self {
        let live = Self::waiting(config.clone(), None, None, early_socket);
        let started = live.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let answer = api::probe_events(&config, history_probe).await;
            let wanted = || !started.0.borrow().done;
            if !wanted() {
                return;
            }
            let answers = answer.is_ok();
            started.0.borrow_mut().history = Some(answer);
            let follow = || crate::first_rows_follow::follow(started.clone(), answers);
            crate::lazy::retrying("live updates", follow, wanted).await;
        });
        live
    }

    /// The first page arrived: draws it (if it is the plain case) into `container`. Returns
    /// whether it drew.
    pub fn first_page(
        &self,
        container: &web_sys::HtmlElement,
        answer: Result<crate::rows_page::Page, ApiError>,
    ) -> bool {
        let on_drawn = {
            let mut inner = self.0.borrow_mut();
            if inner.done {
                return false;
            }
            let rows = answer
                .as_ref()
                .ok()
                .and_then(|page| FirstRows::draw(container, &inner.config, page));
            inner.answer = Some(answer);
            // Drawn saying "Connecting": the status changes only once the `live` module runs,
            // which shows it (`on_drawn`).
            let Some(rows) = rows else {
                return false;
            };
            inner.rows = Some(rows);
            inner.click = listen_for_clicks(container, Rc::downgrade(&self.0));
            inner.in_rows = listen_in_rows(container, Rc::downgrade(&self.0));
            inner.on_drawn.clone()
        };
        if let Some(on_drawn) = on_drawn {
            on_drawn();
        }
        true
    }

    /// Resolves once the drawn rows are live (the channel subscribed) and showed the first
    /// changes alone for a while, or someone points at them (`Inner::section_wanted`); at once
    /// when no rows are drawn, and after `at_most_ms` whatever happens. The section's mount, the
    /// page's longest task, waits for it so that it never holds up going live or the first
    /// changes.
    pub async fn until_section_wanted(&self, at_most_ms: u32) {
        UntilWanted {
            shared: self.0.clone(),
            late: gloo_timers::future::TimeoutFuture::new(at_most_ms),
        }
        .await;
    }

    /// Everything for the section, at once; from here on nothing arrives here.
    pub fn hand_over(&self) -> Handover {
        let mut inner = self.0.borrow_mut();
        inner.finish();
        let mut rows = inner.rows.take();
        let drawn = rows.is_some();
        let held_places = rows.as_ref().and_then(FirstRows::held_places);
        let first = match (inner.answer.take(), &mut rows) {
            (Some(Ok(page)), Some(rows)) => {
                Some(FirstAnswer::Answered(Ok(rows.current_page(&page))))
            }
            (Some(answer), _) => Some(FirstAnswer::Answered(answer)),
            (None, _) => inner.first_page.take().map(FirstAnswer::Pending),
        };
        // Changes of rows never drawn are in the snapshot the section then owes.
        let snapshot_owed = match inner.snapshot {
            Snapshot::Current => false,
            Snapshot::Owed | Snapshot::Fetching { .. } => true,
        } || (!drawn && !inner.early_changes.is_empty());
        Handover {
            first,
            drawn,
            following: Following {
                connection: inner
                    .connection
                    .take()
                    .and_then(|connection| connection.downcast().ok())
                    .map(|connection| *connection),
                history: inner.history.take(),
                early_socket: inner.early_socket.take(),
                history_probe: inner.history_probe.take(),
                snapshot_owed,
            },
            open_details: inner.open_details.take(),
            held_places,
        }
    }

    /// The section was removed before it took over: everything started here stops (the
    /// connection closes, the socket too, the timer and the listeners go).
    pub fn stop(&self) {
        let mut inner = self.0.borrow_mut();
        inner.finish();
        let stopped = (inner.connection.take(), inner.early_socket.take());
        // Dropped outside the borrow: closing may tell the connection's last status.
        drop(inner);
        drop(stopped);
    }
}

/// A click on a card before the section is in: its details open once it is.
fn listen_for_clicks(
    container: &web_sys::HtmlElement,
    weak: Weak<RefCell<Inner>>,
) -> Option<ContainerListener> {
    ContainerListener::new(container, &["click"], move |_, target| {
        let card = target.closest("[data-worker]").ok().flatten();
        let (Some(card), Some(shared)) = (card, weak.upgrade()) else {
            return;
        };
        if let Some(name) = card.get_attribute("data-worker") {
            // Said while it waits: the card is busy, and the pointer says so (the styles).
            let _ = card.set_attribute("aria-busy", "true");
            shared.borrow_mut().open_details = Some(name);
        }
    })
}

/// What the pointer and keyboard focus do in the container: a "Last seen" hovered or focused
/// gets its exact time (`first_rows::show_exact_time`), for the first rows and then the
/// section (`exact_times_until_unmount`). While the first rows (`rows`) show: the pointer in
/// the list holds their order (`FirstRows::pointer_in_list`), and the pointer or focus in them
/// says someone is there, so the section comes at once (`Inner::want_section`). The pointer
/// counts as out once it leaves the container, wherever it went.
fn listen_in_rows(
    container: &web_sys::HtmlElement,
    rows: Weak<RefCell<Inner>>,
) -> Option<ContainerListener> {
    const EVENTS: &[&str] = &["pointerover", "pointerleave", "focusin"];
    ContainerListener::new(container, EVENTS, move |event, target| {
        crate::first_rows::show_exact_time(&target);
        let Some(shared) = rows.upgrade() else {
            return;
        };
        let mut inner = shared.borrow_mut();
        let kind = event.type_();
        if kind != "pointerleave" {
            inner.want_section();
        }
        if kind != "focusin"
            && let Some(rows) = inner.rows.as_mut()
        {
            rows.pointer_in_list =
                kind == "pointerover" && target.closest(".wsm-workers").ok().flatten().is_some();
        }
    })
}

/// The section's exact times on hover and focus (`listen_in_rows` without first rows), until it
/// unmounts.
pub fn exact_times_until_unmount(container: &web_sys::HtmlElement) {
    crate::lifetime::keep_until_unmount(listen_in_rows(container, Weak::new()));
}
