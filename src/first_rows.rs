//! The first rows, before the rest of the section is loaded: the first page of the table drawn
//! as plain DOM, and kept up to date (`FirstRows`: changes, snapshots, the clock's ticks, the
//! connection, fed by `first_rows_follow`), with the markup, classes and DOM hooks the section's
//! components render (`components::worker_status`, `worker_card`, `connection_badge`), so that when the section
//! takes over in the same task nothing on screen moves. It uses no Leptos, so the main wasm
//! module carries only what this needs: the REST answer, the rows, the status rules and
//! "Last seen" (`dashboard-core`), and a few DOM calls.
//!
//! It also draws the empty slots the section fills once loaded (the triage bar's, each card's
//! history strip's and "Details" row's), which hold their height (style/worker-status.css), so
//! the rows do not move when those parts arrive.
//!
//! Only the plain case is drawn here: a table of one page with at most `ALL_CARDS_UP_TO`
//! workers, none folded away as long silent, every row readable, no grouping, filter or wall
//! view. Anything else (and every error) waits for the section itself, which shows it.

use dashboard_core::channel::ConnectionStatus;
use dashboard_core::rules::clock::{ClockOffset, WallClockWatch};
use dashboard_core::rules::status::{Status, Thresholds};
use dashboard_core::rules::workers::Workers;
use dashboard_core::view::board::Board;
use dashboard_core::view::connection_text;
use dashboard_core::view::fold;
use dashboard_core::view::metadata::MetadataPairs;
use dashboard_core::view::relative_time::last_seen;
use dashboard_core::view::triage::{SEARCH_PARAM, STATUS_PARAM};
use dashboard_core::view::window::ALL_CARDS_UP_TO;
use dashboard_core::wire::change::ChangeEvent;
use dashboard_core::wire::json::Object;
use dashboard_core::wire::paging::PageOutcome;
use dashboard_core::wire::row::WorkerRow;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

use crate::api::Page;
use crate::browser::now_ms;
use crate::components::worker_texts::{counts_text, exact_time, iso_last_heartbeat};
use crate::config::{Config, METADATA_VISIBLE};
use crate::triage::{GROUP_PARAM, VIEW_PARAM};

/// Address parameters that change what the list shows (`triage`): with any of them the section
/// draws its first rows itself.
const VIEW_PARAMETERS: [&str; 4] = [STATUS_PARAM, SEARCH_PARAM, GROUP_PARAM, VIEW_PARAM];

/// Whether the section shows the plain list for `config` in this page (no grouping, no filter,
/// no wall view), the only view drawn here.
pub fn is_plain_view(config: &Config) -> bool {
    if config.group_by.is_some() || config.tv {
        return false;
    }
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    let Ok(parameters) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return false;
    };
    !VIEW_PARAMETERS.iter().any(|name| parameters.has(name))
}

/// The first rows on screen, and what they were drawn from: kept up to date (`apply_change`,
/// `apply_snapshot`, `tick`, `show_connection`) until the section takes their place.
pub struct FirstRows {
    thresholds: Thresholds,
    clock: ClockOffset,
    /// Notices the browser's clock jumping (as `state::clock` does), and how far it jumped
    /// since the rows were drawn.
    watch: WallClockWatch,
    jumped_ms: i64,
    workers: Workers,
    board: Board,
    drawn: Drawn,
    /// The pointer is in the list (`first_rows_live` follows it): cards keep their places, as in
    /// the section's list (`triage::Triage::shown`), and newcomers go last; once it left, the
    /// latest order applies at the next redraw (a change, or the clock's tick within a second).
    pub(crate) pointer_in_list: bool,
}

/// The elements that change.
struct Drawn {
    section: Element,
    summary: Element,
    connection: Element,
    none_running: Option<Element>,
    list: Element,
    /// In the board's order as last drawn (the display order too, unless held).
    cards: Vec<DrawnCard>,
}

/// One card as drawn: its element, the "Last seen" element, and the row and status it shows.
struct DrawnCard {
    name: String,
    element: Element,
    seen: Element,
    row: WorkerRow,
    status: Status,
}

/// Whether `page` is the plain case (see the module's comment).
fn drawable(page: &Page) -> bool {
    // One page holds the whole table (the same rule the loader's paging follows).
    let complete = dashboard_core::wire::paging::next_cursor(&page.outcome).is_none();
    complete
        && page.skipped.is_empty()
        && !page.rows.is_empty()
        && page.rows.len() <= ALL_CARDS_UP_TO
}

impl FirstRows {
    /// Draws `page` into `container` if it is the plain case.
    pub fn draw(container: &Element, config: &Config, page: &Page) -> Option<Self> {
        if !drawable(page) {
            return None;
        }
        let mut clock = ClockOffset::default();
        if let Some(date) = page.server_date_ms {
            clock.add_date_header(date, page.sent_ms, page.received_ms);
        }
        // Judged when the page arrived, as the section judges its first render (`State::provide`).
        let now = clock.server_now(page.received_ms);
        let mut workers = Workers::default();
        workers.apply_snapshot(page.rows.clone());
        if !fold::long_silent(&workers, now).is_empty() {
            return None;
        }
        let mut board = Board::default();
        board.rebuild(&workers, now, config.thresholds);
        let document = web_sys::window().and_then(|window| window.document())?;
        match draw_section(&document, &workers, &board, now) {
            Ok(drawn) => {
                container.replace_children_with_node_1(&drawn.section);
                Some(Self {
                    thresholds: config.thresholds,
                    clock,
                    watch: crate::browser::monotonic_ms()
                        .map(|monotonic| WallClockWatch::from_reading(now_ms(), monotonic))
                        .unwrap_or_default(),
                    jumped_ms: 0,
                    workers,
                    board,
                    drawn,
                    pointer_in_list: false,
                })
            }
            Err(error) => {
                warn_not_drawn(&error);
                None
            }
        }
    }

    /// The rows as they are now: the drawn page with every change since applied, for the
    /// section that takes over (its first load, without asking again), its times in the
    /// browser's clock as it is now (moved by any jump since), so that the section's server
    /// clock starts right.
    pub fn current_page(&mut self, drawn_from: &Page) -> Page {
        self.notice_jump();
        let rows: Vec<WorkerRow> = self.workers.iter().cloned().collect();
        Page {
            outcome: PageOutcome {
                items: rows.len(),
                last_key: None,
                remaining: Some(rows.len() as u64),
            },
            rows,
            sent_ms: drawn_from.sent_ms + self.jumped_ms,
            received_ms: drawn_from.received_ms + self.jumped_ms,
            ..drawn_from.clone()
        }
    }

    /// Whether the browser's clock moved differently from the monotonic one since the last
    /// reading; if so, the server clock's samples move with it (`state::clock` does the same).
    fn notice_jump(&mut self) {
        let jump = crate::browser::monotonic_ms()
            .and_then(|monotonic| self.watch.read(now_ms(), monotonic));
        if let Some(jump) = jump {
            self.clock.wall_clock_jumped(jump);
            self.jumped_ms += jump;
        }
    }

    /// One live change.
    pub fn apply_change(&mut self, event: ChangeEvent) {
        self.notice_jump();
        if let Some(commit) = event.commit_ms {
            self.clock.add_commit(commit, now_ms());
        }
        let name = event.change.worker_name().to_owned();
        self.workers.apply(event.change);
        let now = self.server_now();
        self.board.touch(&self.workers, &name, now, self.thresholds);
        self.redraw(now);
    }

    /// How far the browser's clock jumped since the rows were drawn: a request's caller notes it
    /// when sending, so that `apply_snapshot` can tell a request a jump happened during.
    pub fn clock_shift(&self) -> i64 {
        self.jumped_ms
    }

    /// A fresh snapshot (after the channel subscribed), asked for when `clock_shift` said
    /// `shift_when_sent`; `false` when it is not one page that these rows can show, which the
    /// caller leaves to the section.
    pub fn apply_snapshot(&mut self, mut page: Page, shift_when_sent: i64) -> bool {
        if !drawable(&page) {
            return false;
        }
        self.notice_jump();
        // Sent before a jump and answered after it: its send time in the browser's clock as it
        // is now, or the Date header's sample would be off by half the jump.
        page.sent_ms += self.jumped_ms - shift_when_sent;
        if let Some(date) = page.server_date_ms {
            self.clock
                .add_date_header(date, page.sent_ms, page.received_ms);
        }
        self.workers.apply_snapshot(page.rows);
        let now = self.server_now();
        self.board.rebuild(&self.workers, now, self.thresholds);
        self.redraw(now);
        true
    }

    /// The clock ticked: "Last seen" counts, and statuses are judged again.
    pub fn tick(&mut self) {
        self.notice_jump();
        let now = self.server_now();
        self.board.tick(&self.workers, now, self.thresholds);
        self.redraw(now);
    }

    /// The names in their places on screen while the pointer is in the list, for the section to
    /// keep them there; `None` when it is not.
    pub fn held_places(&self) -> Option<Vec<String>> {
        self.pointer_in_list.then(|| {
            let cards = self.drawn.list.children();
            (0..cards.length())
                .filter_map(|at| cards.item(at)?.get_attribute("data-worker"))
                .collect()
        })
    }

    /// The connection indicator says `status`.
    pub fn show_connection(&self, status: &ConnectionStatus) {
        let connection = &self.drawn.connection;
        let _ = connection.set_attribute("data-state", status.as_str());
        let _ = connection.set_attribute("title", &connection_text::title(status));
        set_text(connection, &connection_text::label(status, now_ms()));
    }

    fn server_now(&self) -> i64 {
        self.clock.server_now(now_ms())
    }

    /// Brings the DOM to the board: the summary, the banner, changed cards, the order and
    /// every "Last seen".
    fn redraw(&mut self, now: i64) {
        if let Err(error) = self.try_redraw(now) {
            warn_not_drawn(&error);
        }
    }

    fn try_redraw(&mut self, now: i64) -> Result<(), JsValue> {
        let Some(document) = self.drawn.section.owner_document() else {
            return Ok(());
        };
        let counts = self.board.counts();
        set_text(&self.drawn.summary, &counts.summary());
        match (counts.running == 0, &self.drawn.none_running) {
            (true, None) => {
                let banner = none_running(&document)?;
                self.drawn
                    .summary
                    .parent_element()
                    .map(|header| header.after_with_node_1(&banner))
                    .transpose()?;
                self.drawn.none_running = Some(banner);
            }
            (false, Some(banner)) => {
                banner.remove();
                self.drawn.none_running = None;
            }
            _ => {}
        }
        let mut cards = std::mem::take(&mut self.drawn.cards);
        for name in self.board.order() {
            let (Some(row), Some(status)) = (self.workers.get(name), self.board.status(name))
            else {
                continue;
            };
            let drawn = cards
                .iter()
                .position(|card| card.name == *name)
                .map(|at| cards.swap_remove(at));
            // Held (the pointer in the list): cards stay in their places, newcomers go last.
            let moves = !self.pointer_in_list || drawn.is_none();
            let card = match drawn {
                Some(card) if card.row == *row && card.status == status => {
                    set_text(&card.seen, &last_seen(row.last_heartbeat_ms, now));
                    card
                }
                Some(old) => {
                    let card = draw_card(&document, row, status, now)?;
                    old.element.replace_with_with_node_1(&card.element)?;
                    card
                }
                None => draw_card(&document, row, status, now)?,
            };
            // In display order: moving a card that is in place changes nothing on screen.
            if moves {
                self.drawn.list.append_child(&card.element)?;
            }
            self.drawn.cards.push(card);
        }
        for gone in cards {
            gone.element.remove();
        }
        Ok(())
    }
}

fn warn_not_drawn(error: &JsValue) {
    leptos::logging::warn!(
        "worker status: the first rows could not be drawn: {}",
        crate::error::thrown_text(error)
    );
}

/// Sets `element`'s text if it differs (no mutation for the same text).
fn set_text(element: &Element, text: &str) {
    if element.text_content().as_deref() != Some(text) {
        element.set_text_content(Some(text));
    }
}

/// `<section class="wsm">`: the header and the list of cards.
fn draw_section(
    document: &Document,
    workers: &Workers,
    board: &Board,
    now: i64,
) -> Result<Drawn, JsValue> {
    let section = element(
        document,
        "section",
        &[
            ("class", "wsm"),
            ("data-testid", "worker-status"),
            ("aria-labelledby", "wsm-title"),
        ],
    )?;
    let header = element(document, "header", &[("class", "wsm-header")])?;
    append(
        &header,
        &text_element(
            document,
            "h2",
            &[("id", "wsm-title"), ("class", "wsm-title")],
            "Worker Status",
        )?,
    )?;
    let counts = board.counts();
    let summary = text_element(
        document,
        "span",
        &[
            ("class", "wsm-summary"),
            ("data-testid", "summary"),
            ("aria-live", "polite"),
        ],
        &counts.summary(),
    )?;
    append(&header, &summary)?;
    let connecting = ConnectionStatus::Connecting;
    let connection = text_element(
        document,
        "span",
        &[
            ("class", "wsm-connection"),
            ("data-testid", "connection"),
            ("data-state", connecting.as_str()),
            ("title", &connection_text::title(&connecting)),
            ("role", "status"),
        ],
        &connection_text::label(&connecting, now_ms()),
    )?;
    append(&header, &connection)?;
    append(&section, &header)?;
    let none_running = if counts.running == 0 {
        let banner = none_running(document)?;
        append(&section, &banner)?;
        Some(banner)
    } else {
        None
    };
    let triage_slot = element(document, "div", &[("class", "wsm-triage-slot")])?;
    append(
        &triage_slot,
        &element(document, "div", &[("class", "wsm-triage-room")])?,
    )?;
    append(&section, &triage_slot)?;
    let list_area = element(document, "div", &[("class", "wsm-workers")])?;
    let list = element(
        document,
        "ul",
        &[("class", "wsm-list"), ("data-testid", "worker-list")],
    )?;
    let mut cards = Vec::new();
    for name in board.order() {
        if let (Some(row), Some(status)) = (workers.get(name), board.status(name)) {
            let card = draw_card(document, row, status, now)?;
            append(&list, &card.element)?;
            cards.push(card);
        }
    }
    append(&list_area, &list)?;
    append(&section, &list_area)?;
    Ok(Drawn {
        section,
        summary,
        connection,
        none_running,
        list,
        cards,
    })
}

/// "No worker is running.", as the section words it.
fn none_running(document: &Document) -> Result<Element, JsValue> {
    text_element(
        document,
        "p",
        &[
            ("class", "wsm-banner wsm-banner-none-running"),
            ("data-testid", "none-running"),
            ("role", "status"),
        ],
        "No worker is running.",
    )
}

/// Gives the "Last seen" at or around `target` its exact time (`title` on hover, `data-exact`
/// shown on focus), as its `datetime` says now; the first rows and the section call it on
/// pointer-over and focus. Not drawn with the rows: a page's first local-time formatting loads
/// the browser's locale data, 100 ms on a slow phone (25-45 ms on a laptop), which held the
/// first rows up, and the section's mount, when every card's time was formatted.
pub fn show_exact_time(target: &Element) {
    let Ok(Some(time)) = target.closest("time[datetime]") else {
        return;
    };
    let iso = time.get_attribute("datetime").unwrap_or_default();
    let exact = exact_time((!iso.is_empty()).then(|| js_sys::Date::parse(&iso) as i64));
    let _ = time.set_attribute("title", &exact);
    let _ = time.set_attribute("data-exact", &exact);
}

/// A card and the parts that change.
fn draw_card(
    document: &Document,
    row: &WorkerRow,
    status: Status,
    now: i64,
) -> Result<DrawnCard, JsValue> {
    let (element, seen) = card(document, row, status, now)?;
    Ok(DrawnCard {
        name: row.worker_name.clone(),
        element,
        seen,
        row: row.clone(),
        status,
    })
}

/// One worker's card, as `WorkerCard` renders it before its lazily loaded parts.
fn card(
    document: &Document,
    row: &WorkerRow,
    status: Status,
    now: i64,
) -> Result<(Element, Element), JsValue> {
    let card = element(
        document,
        "li",
        &[
            ("class", "wsm-card"),
            ("data-worker", &row.worker_name),
            ("data-status", status.as_str()),
        ],
    )?;
    let head = element(document, "div", &[("class", "wsm-card-head")])?;
    append(
        &head,
        &text_element(document, "span", &[("class", "wsm-name")], &row.worker_name)?,
    )?;
    let word = element(
        document,
        "span",
        &[("class", "wsm-status"), ("data-testid", "status")],
    )?;
    append(
        &word,
        &text_element(document, "span", &[("aria-hidden", "true")], status.icon())?,
    )?;
    word.append_with_str_1(&format!(" {}", status.label()))?;
    append(&head, &word)?;
    append(&card, &head)?;
    if let Some(description) = &row.description {
        append(
            &card,
            &text_element(document, "p", &[("class", "wsm-description")], description)?,
        )?;
    }
    if row.circuit_breaker_open {
        append(
            &card,
            &text_element(
                document,
                "p",
                &[("class", "wsm-breaker"), ("data-testid", "breaker")],
                "⚠️ Circuit Breaker Open",
            )?,
        )?;
    }
    let seen = element(document, "p", &[("class", "wsm-seen")])?;
    // The exact time (`title`, `data-exact`) comes on the first hover or focus: `show_exact_time`.
    let time = text_element(
        document,
        "time",
        &[("datetime", &iso_last_heartbeat(row)), ("tabindex", "0")],
        &last_seen(row.last_heartbeat_ms, now),
    )?;
    append(&seen, &time)?;
    append(&card, &seen)?;
    append(
        &card,
        &text_element(
            document,
            "p",
            &[("class", "wsm-counts"), ("data-testid", "counts")],
            &counts_text(row),
        )?,
    )?;
    append(
        &card,
        &element(document, "div", &[("class", "wsm-history-slot")])?,
    )?;
    if let Some(list) = metadata(document, &row.metadata)? {
        append(&card, &list)?;
    }
    append(
        &card,
        &element(document, "div", &[("class", "wsm-extras")])?,
    )?;
    Ok((card, time))
}

/// A card's metadata, as `MetadataList` renders it (`None` when there is none).
fn metadata(document: &Document, metadata: &Object) -> Result<Option<Element>, JsValue> {
    let MetadataPairs { visible, hidden } = MetadataPairs::of(metadata, METADATA_VISIBLE);
    if visible.is_empty() {
        return Ok(None);
    }
    let pairs = |pairs: &[(String, String)]| -> Result<Element, JsValue> {
        let list = element(document, "dl", &[("class", "wsm-meta")])?;
        for (key, value) in pairs {
            let pair = element(document, "div", &[("class", "wsm-meta-pair")])?;
            append(&pair, &text_element(document, "dt", &[], key)?)?;
            append(&pair, &text_element(document, "dd", &[], value)?)?;
            append(&list, &pair)?;
        }
        Ok(list)
    };
    let wrapper = element(document, "div", &[("data-testid", "metadata")])?;
    append(&wrapper, &pairs(&visible)?)?;
    if !hidden.is_empty() {
        let more = element(document, "details", &[("class", "wsm-meta-more")])?;
        append(
            &more,
            &text_element(document, "summary", &[], &format!("{} more", hidden.len()))?,
        )?;
        append(&more, &pairs(&hidden)?)?;
        append(&wrapper, &more)?;
    }
    Ok(Some(wrapper))
}

/// Appends `child` to `parent`.
fn append(parent: &Element, child: &Element) -> Result<(), JsValue> {
    parent.append_child(child)?;
    Ok(())
}

fn element(
    document: &Document,
    tag: &str,
    attributes: &[(&str, &str)],
) -> Result<Element, JsValue> {
    let element = document.create_element(tag)?;
    for (name, value) in attributes {
        element.set_attribute(name, value)?;
    }
    Ok(element)
}

/// An element whose content is `text`, as a text node: names and descriptions are never markup.
fn text_element(
    document: &Document,
    tag: &str,
    attributes: &[(&str, &str)],
    text: &str,
) -> Result<Element, JsValue> {
    let element = element(document, tag, attributes)?;
    element.set_text_content(Some(text));
    Ok(element)
}
