//! Realtime transport: the only code that touches the browser's WebSocket and the channel's
//! timer. It feeds the core state machine (`dashboard_core::channel`) with socket events and a
//! tick every 250 ms, and carries out its commands: open, send, close, snapshot, apply. When the
//! section unmounts, the socket is closed and the timer and the window/document listeners are
//! removed.

use std::cell::RefCell;
use std::rc::Rc;

use dashboard_core::channel::{Channel, ChannelOptions, Command, Input};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

use crate::browser::now_ms;
use crate::config::{CHANNEL_TICK_MS, Config, HISTORY_TABLE, TABLE, TOPIC};
use crate::store::Store;

struct Connection {
    socket: WebSocket,
    // The handlers must live as long as the socket.
    _handlers: [Closure<dyn FnMut(web_sys::Event)>; 3],
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

struct Transport {
    config: Config,
    store: Store,
    channel: Channel,
    connection: Option<Connection>,
    // Bumped for every socket, so events of a replaced socket are ignored.
    generation: u64,
    ticker: Option<gloo_timers::callback::Interval>,
    stopped: bool,
}

type Shared = Rc<RefCell<Transport>>;

/// Starts the live connection for `store`, following the history table too when `history`; it
/// stops when the current owner is cleaned up.
pub fn start(config: Config, store: Store, history: bool) {
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
        store,
        channel,
        connection: None,
        generation: 0,
        ticker: None,
        stopped: false,
    }));
    feed(&shared, Input::Start);
    watch_network(&shared);
    let ticking = shared.clone();
    let ticker =
        gloo_timers::callback::Interval::new(CHANNEL_TICK_MS, move || feed(&ticking, Input::Tick));
    shared.borrow_mut().ticker = Some(ticker);
    crate::lifetime::on_unmount(move || stop(&shared));
}

/// Closes the socket and cancels the timer; later events are ignored. (The window and document
/// listeners remove themselves on unmount: `lifetime::listen_until_unmount`.)
fn stop(shared: &Shared) {
    close(shared);
    let mut transport = shared.borrow_mut();
    transport.stopped = true;
    // Dropping the interval cancels it and frees the closure that held `shared`.
    transport.ticker = None;
}

/// One input into the machine, then its commands, then the status for the indicator.
fn feed(shared: &Shared, input: Input) {
    let (commands, status, store) = {
        let mut transport = shared.borrow_mut();
        if transport.stopped {
            return;
        }
        let commands = transport.channel.on(input, now_ms().max(0) as u64);
        (commands, transport.channel.status(), transport.store)
    };
    for command in commands {
        run(shared, command);
    }
    store.set_connection(status);
}

fn run(shared: &Shared, command: Command) {
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
        Command::FetchSnapshot => shared.borrow().store.resync(),
        Command::Apply(change) => {
            let store = shared.borrow().store;
            store.apply_change(change);
        }
        Command::Record(event) => {
            let store = shared.borrow().store;
            store.record_event(event);
        }
        Command::Log(message) => leptos::logging::warn!("worker status: {message}"),
    }
}

fn close(shared: &Shared) {
    let mut transport = shared.borrow_mut();
    transport.generation += 1;
    if let Some(connection) = transport.connection.take() {
        connection.socket.set_onopen(None);
        connection.socket.set_onclose(None);
        connection.socket.set_onerror(None);
        connection.socket.set_onmessage(None);
        let _ = connection.socket.close();
    }
}

fn open(shared: &Shared) {
    close(shared);
    let url = shared.borrow().config.websocket_url();
    let socket = match WebSocket::new(&url) {
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
        let data = event.data();
        let input = match data.as_string() {
            Some(text) => Input::Text(text),
            None => match data.dyn_into::<js_sys::ArrayBuffer>() {
                Ok(buffer) => Input::Binary(js_sys::Uint8Array::new(&buffer).to_vec()),
                Err(_) => return,
            },
        };
        if let Some(shared) = weak.upgrade()
            && shared.borrow().generation == generation
        {
            feed(&shared, input);
        }
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    socket.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    shared.borrow_mut().connection = Some(Connection {
        socket,
        _handlers: [on_open, on_close, on_error],
        _on_message: on_message,
    });
}

/// The browser's `online`/`offline` events (offline shows at once, online reconnects at once) and
/// `visibilitychange` and `resume` (a page shown again, or unfrozen, retries a lost socket at
/// once).
fn watch_network(shared: &Shared) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if !window.navigator().on_line() {
        feed(shared, Input::BrowserOffline);
    }
    for (event, input) in [
        ("offline", Input::BrowserOffline),
        ("online", Input::BrowserOnline),
    ] {
        let weak = Rc::downgrade(shared);
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_event: web_sys::Event| {
            if let Some(shared) = weak.upgrade() {
                feed(&shared, input.clone());
            }
        });
        listen(window.clone().into(), event, listener);
    }
    let Some(document) = window.document() else {
        return;
    };
    // `resume`: the browser unfroze a page it had frozen in the background.
    for event in ["visibilitychange", "resume"] {
        let weak = Rc::downgrade(shared);
        let watched = document.clone();
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_event: web_sys::Event| {
            if watched.visibility_state() == web_sys::VisibilityState::Visible
                && let Some(shared) = weak.upgrade()
            {
                feed(&shared, Input::PageVisible);
            }
        });
        listen(document.clone().into(), event, listener);
    }
}

/// Adds `callback` for `event` on `target` until the section unmounts.
fn listen(
    target: web_sys::EventTarget,
    event: &'static str,
    callback: Closure<dyn FnMut(web_sys::Event)>,
) {
    let options = web_sys::AddEventListenerOptions::new();
    crate::lifetime::listen_until_unmount(target, event, &options, callback);
}

/// Feeds an input after the current call stack (never re-entrantly).
fn feed_later(shared: Shared, input: Input) {
    gloo_timers::callback::Timeout::new(0, move || feed(&shared, input)).forget();
}
