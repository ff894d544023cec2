//! Realtime transport: the only code that touches the browser's WebSocket and the channel's
//! timer. It feeds the core state machine (`dashboard_core::channel`) with socket events, the
//! page's lifecycle (`page_lifecycle`) and a tick every 250 ms, and carries out its commands:
//! open, send, close. What the section must hear (the connection's status, a snapshot owed, a
//! change, a history event) goes to the `on_event` callback it was started with, or to the one
//! that took it over (`redirect`: the section taking the connection from the first rows); it
//! knows nothing of the state. Dropping the `LiveConnection` closes the socket and removes the
//! timer and the window/document listeners.
//!
//! The first socket may be one the loader opened while the wasm downloaded (`EarlySocket`): the
//! connection takes it instead of opening another when it is for the same URL. The loader has
//! usually joined the channel on it already, so that the subscription was made while the app
//! loaded: the channel takes that join as its own when it is exactly the one it would send
//! (`Channel::adopt_join`), and then reads what arrived since, in order, before anything newer;
//! a join it would not send, it does not take (that socket is closed, and it opens its own).

use std::cell::RefCell;
use std::rc::Rc;

use dashboard_core::channel::{Channel, ChannelOptions, Command, ConnectionStatus, Input};
use dashboard_core::history::WorkerEvent;
use dashboard_core::wire::change::ChangeEvent;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

use crate::browser::now_ms;
use crate::config::{CHANNEL_TICK_MS, Config, HISTORY_TABLE, TABLE, TOPIC};
use crate::page_lifecycle::{self, PageEvent, PageWatch};
use crate::prefetch::{EarlySocket, TakenSocket};

/// What the live connection tells the section.
pub enum LiveEvent {
    /// The connection's status, after every input (unchanged ones included).
    Status(ConnectionStatus),
    /// A fresh snapshot is owed: the channel (re)subscribed, so what happened while it was not
    /// subscribed is not known.
    SnapshotOwed,
    /// A row of the status table changed.
    Change(ChangeEvent),
    /// A row was added to the history table.
    History(WorkerEvent),
}

type OnEvent = Rc<dyn Fn(LiveEvent)>;

struct Connection {
    socket: WebSocket,
    // The handlers must live as long as the socket.
    _handlers: [Closure<dyn FnMut(web_sys::Event)>; 3],
    on_message: Closure<dyn FnMut(MessageEvent)>,
}

struct Transport {
    config: Config,
    on_event: OnEvent,
    channel: Channel,
    connection: Option<Connection>,
    // Bumped for every socket, so events of a replaced socket are ignored.
    generation: u64,
    ticker: Option<gloo_timers::callback::Interval>,
    page_watch: Option<PageWatch>,
    early_socket: Option<EarlySocket>,
    stopped: bool,
}

type Shared = Rc<RefCell<Transport>>;

/// The live connection; dropping it closes the socket and stops its timer and listeners.
pub struct LiveConnection(Shared);

impl LiveConnection {
    /// Starts the live connection, following the history table too when `history`, telling
    /// `on_event` what happens; its first socket is `early` if that is for the same URL.
    pub fn start(
        config: Config,
        history: bool,
        early: Option<EarlySocket>,
        on_event: impl Fn(LiveEvent) + 'static,
    ) -> Self {
        Self(start(config, history, early, Rc::new(on_event)))
    }

    /// Tells later events to `on_event` instead (the section taking the connection over).
    pub fn redirect(&self, on_event: impl Fn(LiveEvent) + 'static) {
        self.0.borrow_mut().on_event = Rc::new(on_event);
    }

    /// The connection's status now.
    pub fn status(&self) -> ConnectionStatus {
        self.0.borrow().channel.status()
    }
}

impl Drop for LiveConnection {
    fn drop(&mut self) {
        stop(&self.0);
    }
}

fn start(config: Config, history: bool, early: Option<EarlySocket>, on_event: OnEvent) -> Shared {
    let early = early.filter(|early| early.url == config.websocket_url());
    let channel = Channel::new(ChannelOptions {
        // Math.random's 53 bits: every dashboard its own reconnect jitter.
        jitter_seed: (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64 | 1,
        topic: TOPIC.to_owned(),
        schema: "public".to_owned(),
        table: TABLE.to_owned(),
        history_table: history.then(|| HISTORY_TABLE.to_owned()),
        broadcast: config.broadcast,
        access_token: config.key.clone(),
    });
    let shared: Shared = Rc::new(RefCell::new(Transport {
        config,
        on_event,
        channel,
        connection: None,
        generation: 0,
        ticker: None,
        page_watch: None,
        early_socket: early,
        stopped: false,
    }));
    feed(&shared, Input::Start);
    watch_network(&shared);
    let ticking = shared.clone();
    let ticker =
        gloo_timers::callback::Interval::new(CHANNEL_TICK_MS, move || feed(&ticking, Input::Tick));
    shared.borrow_mut().ticker = Some(ticker);
    shared
}

/// Closes the socket, cancels the timer and removes the listeners; later events are ignored.
fn stop(shared: &Shared) {
    close(shared);
    let mut transport = shared.borrow_mut();
    transport.stopped = true;
    // Dropping the interval cancels it and frees the closure that held `shared`.
    transport.ticker = None;
    transport.page_watch = None;
    transport.early_socket = None;
}

/// One input into the machine, then its commands, then the status for the indicator.
fn feed(shared: &Shared, input: Input) {
    let (commands, status, on_event) = {
        let mut transport = shared.borrow_mut();
        if transport.stopped {
            return;
        }
        let commands = transport.channel.on(input, now_ms().max(0) as u64);
        let on_event = transport.on_event.clone();
        (commands, transport.channel.status(), on_event)
    };
    for command in commands {
        run(shared, &on_event, command);
    }
    on_event(LiveEvent::Status(status));
}

fn run(shared: &Shared, on_event: &OnEvent, command: Command) {
    match command {
        Command::Open => open(shared),
        Command::Send(text) => {
            let transport = shared.borrow();
            if let Some(connection) = &transport.connection
                && let Err(error) = connection.socket.send_with_str(&text)
            {
                leptos::logging::warn!(
                    "worker status: send failed: {}",
                    crate::error::thrown_text(&error)
                );
            }
        }
        Command::Close => close(shared),
        Command::FetchSnapshot => on_event(LiveEvent::SnapshotOwed),
        Command::Apply(change) => on_event(LiveEvent::Change(change)),
        Command::Record(event) => on_event(LiveEvent::History(event)),
        Command::Log(message) => leptos::logging::warn!("worker status: {message}"),
    }
}

fn close(shared: &Shared) {
    let mut transport = shared.borrow_mut();
    transport.generation += 1;
    if let Some(connection) = transport.connection.take() {
        close_socket(&connection.socket);
    }
}

/// Closes `socket` with no handler left on it.
pub(crate) fn close_socket(socket: &WebSocket) {
    socket.set_onopen(None);
    socket.set_onclose(None);
    socket.set_onerror(None);
    socket.set_onmessage(None);
    if socket.ready_state() == WebSocket::CONNECTING {
        // Closing a socket still connecting makes the browser log "closed before the
        // connection is established" in the host's console: it closes itself once open
        // (its own `close`, bound to it, as the open handler: no closure to keep).
        let close = js_sys::Reflect::get(socket, &"close".into())
            .ok()
            .and_then(|close| close.dyn_into::<js_sys::Function>().ok());
        if let Some(close) = close {
            let close_once_open = close.bind2(
                socket,
                &wasm_bindgen::JsValue::from(1000),
                &wasm_bindgen::JsValue::from_str(""),
            );
            socket.set_onopen(Some(close_once_open.unchecked_ref()));
        }
    } else {
        let _ = socket.close();
    }
}

fn open(shared: &Shared) {
    close(shared);
    // The loader's socket, if one is left and still usable; joined by the loader, it is used
    // only if the channel takes that join as its own (else the subscription is not ours).
    let early = shared
        .borrow_mut()
        .early_socket
        .take()
        .and_then(EarlySocket::take);
    let (early, adopted) = match early {
        Some(TakenSocket {
            socket,
            join: Some(join),
        }) => {
            let adopted = socket.ready_state() == WebSocket::OPEN
                && shared
                    .borrow_mut()
                    .channel
                    .adopt_join(&join.text, now_ms().max(0) as u64);
            if adopted {
                (Some(socket), Some(join.frames))
            } else {
                close_socket(&socket);
                (None, None)
            }
        }
        Some(TakenSocket { socket, .. }) => (Some(socket), None),
        None => (None, None),
    };
    let already_open = adopted.is_none()
        && early
            .as_ref()
            .is_some_and(|socket| socket.ready_state() == WebSocket::OPEN);
    let url = shared.borrow().config.websocket_url();
    let socket = match early.map_or_else(|| WebSocket::new(&url), Ok) {
        Ok(socket) => socket,
        Err(error) => {
            leptos::logging::warn!(
                "worker status: cannot open the realtime socket: {}",
                crate::error::thrown_text(&error)
            );
            feed_later(shared.clone(), Input::Closed);
            return;
        }
    };
    let generation = shared.borrow().generation;
    let handler = |input: Input| {
        let weak = Rc::downgrade(shared);
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_event: web_sys::Event| {
            if let Some(shared) = weak.upgrade()
                && shared.borrow().generation == generation
            {
                feed(&shared, input.clone());
            }
        })
    };
    let on_open = handler(Input::Opened);
    let on_close = handler(Input::Closed);
    let on_error = handler(Input::Closed);
    let weak = Rc::downgrade(shared);
    // Binary frames carry broadcasts (protocol 2.0.0); the channel ignores them unless it
    // follows the broadcast topic.
    socket.set_binary_type(web_sys::BinaryType::Arraybuffer);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(shared) = weak.upgrade()
            && shared.borrow().generation == generation
            && let Some(input) = frame_input(event.data())
        {
            feed(&shared, input);
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    socket.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    if adopted.is_none() {
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    }
    shared.borrow_mut().connection = Some(Connection {
        socket,
        _handlers: [on_open, on_close, on_error],
        on_message,
    });
    // Told after this call, as the socket's events would have been.
    let weak = Rc::downgrade(shared);
    let later = move |then: Box<dyn FnOnce(&Shared)>| {
        gloo_timers::callback::Timeout::new(0, move || {
            if let Some(shared) = weak.upgrade()
                && shared.borrow().generation == generation
            {
                then(&shared);
            }
        })
        .forget();
    };
    if already_open {
        // Its open event is past.
        later(Box::new(|shared| feed(shared, Input::Opened)));
    } else if let Some(frames) = adopted {
        // The loader keeps what arrives until the socket is ours to listen to; then what it
        // kept goes first, in order, in the same task (nothing can arrive in between).
        later(Box::new(move |shared| {
            {
                let transport = shared.borrow();
                let Some(connection) = &transport.connection else {
                    return;
                };
                connection
                    .socket
                    .set_onmessage(Some(connection.on_message.as_ref().unchecked_ref()));
            }
            for input in frames.to_vec().into_iter().filter_map(frame_input) {
                feed(shared, input);
            }
        }));
    }
}

/// A WebSocket message's data as the channel's input: text, or an `ArrayBuffer`'s bytes.
fn frame_input(data: wasm_bindgen::JsValue) -> Option<Input> {
    match data.as_string() {
        Some(text) => Some(Input::Text(text)),
        None => data
            .dyn_into::<js_sys::ArrayBuffer>()
            .ok()
            .map(|buffer| Input::Binary(js_sys::Uint8Array::new(&buffer).to_vec())),
    }
}

/// The page's lifecycle: offline shows at once, online reconnects at once, and a page shown
/// again (or unfrozen) retries a lost socket at once.
fn watch_network(shared: &Shared) {
    if !page_lifecycle::browser_online() {
        feed(shared, Input::BrowserOffline);
    }
    let weak = Rc::downgrade(shared);
    let watch = page_lifecycle::watch(move |event| {
        let input = match event {
            PageEvent::Offline => Input::BrowserOffline,
            PageEvent::Online => Input::BrowserOnline,
            PageEvent::Shown => Input::PageVisible,
        };
        if let Some(shared) = weak.upgrade() {
            feed(&shared, input);
        }
    });
    shared.borrow_mut().page_watch = Some(watch);
}

/// Feeds an input after the current call stack (never re-entrantly).
fn feed_later(shared: Shared, input: Input) {
    gloo_timers::callback::Timeout::new(0, move || feed(&shared, input)).forget();
}
