//! Components in headless Chromium (wasm-bindgen-test): each status, the breaker badge, long
//! metadata, the empty, error and misconfigured states. Run by `make test-browser`.
#![cfg(target_arch = "wasm32")]

use dashboard::components::worker_status::WorkerStatus;
use dashboard::config::Config;
use dashboard::state::State;
use dashboard_core::local_stack::{ANON_KEY, SECRET_KEY, SERVICE_ROLE_KEY};
use dashboard_core::wire::row::WorkerRow;
use leptos::prelude::*;
use serde_json::json;

/// A row from a `json!` value, read as the app reads the wire.
fn row_of(value: serde_json::Value) -> WorkerRow {
    let json = dashboard_core::wire::json::Json::parse(&value.to_string())
        .expect("serde_json writes JSON");
    WorkerRow::from_json(&json).expect("a valid test row")
}
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the section into a fresh element and returns it with its state.
fn mount(config: Config) -> (web_sys::HtmlElement, State) {
    let document = web_sys::window().unwrap().document().unwrap();
    let element: web_sys::HtmlElement = document.create_element("div").unwrap().dyn_into().unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    // Created inside the mount, as the app does: the state's effects need its executor and owner.
    let slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let filled = slot.clone();
    leptos::mount::mount_to(element.clone(), move || {
        let state = dashboard::provide_section_state(&config, None);
        filled.set(Some(state));
        view! { <WorkerStatus /> }
    })
    .forget();
    let state = slot.get().expect("the mount ran");
    (element, state)
}

async fn settle() {
    gloo_timers::future::TimeoutFuture::new(60).await;
}

fn query(root: &web_sys::HtmlElement, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).unwrap()
}

fn text(root: &web_sys::HtmlElement, selector: &str) -> String {
    query(root, selector)
        .and_then(|element| element.text_content())
        .unwrap_or_default()
}

fn iso_ago(ms: f64) -> String {
    js_sys::Date::new(&(js_sys::Date::now() - ms).into())
        .to_iso_string()
        .into()
}

fn local() -> Config {
    Config::from_parts(Some("http://127.0.0.1:9".into()), Some(ANON_KEY.into()))
}

#[wasm_bindgen_test]
async fn every_status_renders_with_its_word_and_hook() {
    let (root, state) = mount(local());
    let row = |name: &str, status: &str, age_ms: Option<f64>, breaker: bool| {
        row_of(
            json!({"worker_name": name, "status": status, "circuit_breaker_open": breaker,
            "last_heartbeat": age_ms.map(iso_ago), "description": "does things", "jobs_processed": 7, "error_count": 1}),
        )
    };
    state.loader.apply_snapshot(vec![
        row("fresh", "running", Some(15_000.0), false),
        row("slow", "running", Some(90_000.0), false),
        row("quiet", "running", Some(400_000.0), false),
        row("broken", "running", Some(1_000.0), true),
        row("new", "unknown", None, false),
    ]);
    settle().await;
    for (name, status, word) in [
        ("fresh", "running", "Running"),
        ("slow", "late", "Late"),
        ("quiet", "stopped", "Stopped"),
        ("broken", "crashed", "Crashed"),
        ("new", "unknown", "Unknown"),
    ] {
        let card = query(&root, &format!("[data-worker=\"{name}\"]"))
            .unwrap_or_else(|| panic!("{name} is shown"));
        assert_eq!(
            card.get_attribute("data-status").as_deref(),
            Some(status),
            "{name}"
        );
        assert!(
            card.text_content().unwrap().contains(word),
            "{name} says {word}"
        );
    }
    assert_eq!(text(&root, "[data-testid=summary]"), "1/5 Running");
    let seen = text(&root, "[data-worker=fresh] time");
    assert!(
        ["14", "15", "16"]
            .iter()
            .any(|s| seen == format!("Last seen: {s} seconds ago")),
        "{seen}"
    );
    assert!(text(&root, "[data-worker=fresh]").contains("Jobs: 7 | Errors: 1"));
    assert!(text(&root, "[data-worker=new]").contains("Last seen: never"));
    // The badge is on the broken worker only.
    assert_eq!(
        root.query_selector_all("[data-testid=breaker]")
            .unwrap()
            .length(),
        1
    );
    assert_eq!(
        text(&root, "[data-worker=broken] [data-testid=breaker]"),
        "⚠️ Circuit Breaker Open"
    );
    // Problems first.
    let first = query(&root, "[data-worker]")
        .unwrap()
        .get_attribute("data-worker");
    assert_eq!(first.as_deref(), Some("broken"));
}

#[wasm_bindgen_test]
async fn long_metadata_is_collapsed_and_stays_text() {
    let (root, state) = mount(local());
    let metadata: serde_json::Map<String, serde_json::Value> = (0..8)
        .map(|i| (format!("key{i}"), json!(format!("<i>value {i}</i>"))))
        .collect();
    state.loader.apply_snapshot(vec![row_of(
        json!({"worker_name": "meta", "metadata": metadata}),
    )]);
    settle().await;
    assert_eq!(text(&root, "[data-worker=meta] details summary"), "4 more");
    assert!(
        query(&root, "[data-worker=meta] i").is_none(),
        "values are never parsed as HTML"
    );
    assert!(text(&root, "[data-worker=meta]").contains("<i>value 0</i>"));
}

#[wasm_bindgen_test]
async fn an_empty_table_says_how_to_fill_it() {
    let (root, state) = mount(local());
    state.loader.apply_snapshot(Vec::new());
    settle().await;
    assert!(text(&root, "[data-testid=empty-state]").contains("No workers have reported yet"));
    assert_eq!(text(&root, "[data-testid=summary]"), "0/0 Running");
}

#[wasm_bindgen_test]
async fn an_unreachable_service_shows_the_error_with_a_retry() {
    let (root, state) = mount(local());
    state.loader.refresh();
    for _ in 0..50 {
        settle().await;
        if query(&root, "[data-testid=error-panel]").is_some() {
            break;
        }
    }
    let panel = text(&root, "[data-testid=error-panel]");
    assert!(panel.contains("Can't reach the status service"), "{panel}");
    assert!(query(&root, "[data-testid=retry]").is_some());
}

#[wasm_bindgen_test]
async fn secret_keys_in_the_browser_are_refused_with_what_to_use() {
    for key in [SERVICE_ROLE_KEY, SECRET_KEY] {
        let (root, _) = mount(Config::from_parts(
            Some("http://127.0.0.1:54321".into()),
            Some(key.into()),
        ));
        settle().await;
        let panel = text(&root, "[data-testid=error-panel]");
        assert!(
            panel.contains("not configured")
                && panel.contains("secret key")
                && panel.contains("sb_publishable_"),
            "{key}: {panel}"
        );
        assert!(query(&root, "[data-testid=retry]").is_none());
    }
}

/// The first rows, drawn without the section (`first_rows::draw`), carry what the section shows
/// and what tests and host pages read: order (problems first), `data-status`, words, summary,
/// counts, the breaker badge; a hostile name stays text.
#[wasm_bindgen_test]
async fn the_first_rows_show_what_the_section_shows() {
    use dashboard::api::Page;
    use dashboard_core::wire::paging::PageOutcome;
    let document = web_sys::window().unwrap().document().unwrap();
    let container = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&container).unwrap();
    let row = |name: &str, status: &str, age_ms: f64, breaker: bool| {
        row_of(
            json!({"worker_name": name, "status": status, "circuit_breaker_open": breaker,
            "last_heartbeat": iso_ago(age_ms), "jobs_processed": 3, "error_count": 2}),
        )
    };
    let rows = vec![
        row("fresh", "running", 5_000.0, false),
        row("<img src=x onerror=alert(1)>", "running", 5_000.0, false),
        row("broken", "running", 1_000.0, true),
    ];
    let now = js_sys::Date::now() as i64;
    let page = Page {
        outcome: PageOutcome {
            items: rows.len(),
            last_key: None,
            remaining: Some(rows.len() as u64),
        },
        rows,
        skipped: Vec::new(),
        server_date_ms: None,
        sent_ms: now,
        received_ms: now,
    };
    let mut drawn = dashboard::first_rows::FirstRows::draw(&container, &local(), &page)
        .expect("the plain case is drawn");
    let cards = container.query_selector_all("[data-worker]").unwrap();
    let names: Vec<(String, String)> = (0..cards.length())
        .filter_map(|index| cards.item(index)?.dyn_into::<web_sys::Element>().ok())
        .map(|card| {
            (
                card.get_attribute("data-worker").unwrap(),
                card.get_attribute("data-status").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names[0],
        ("broken".to_owned(), "crashed".to_owned()),
        "problems first"
    );
    assert_eq!(names.len(), 3);
    let root: web_sys::HtmlElement = container.dyn_into().unwrap();
    assert_eq!(text(&root, "[data-testid=\"summary\"]"), "2/3 Running");
    assert_eq!(
        query(&root, "[data-testid=\"connection\"]")
            .unwrap()
            .get_attribute("data-state")
            .as_deref(),
        Some("connecting")
    );
    assert_eq!(
        text(&root, "[data-worker=\"broken\"] [data-testid=\"breaker\"]"),
        "⚠️ Circuit Breaker Open"
    );
    assert_eq!(
        text(&root, "[data-worker=\"fresh\"] [data-testid=\"counts\"]"),
        "Jobs: 3 | Errors: 2"
    );
    assert!(
        query(&root, "img").is_none(),
        "a name is text, never markup"
    );
    assert!(
        root.text_content()
            .unwrap_or_default()
            .contains("<img src=x onerror=alert(1)>")
    );

    // "Last seen" gets its exact time on the first hover or focus (what the section shows from
    // the start), not when drawn: a page's first local-time formatting is slow on a phone.
    let seen = query(&root, "[data-worker=\"fresh\"] time").unwrap();
    assert_eq!(
        seen.get_attribute("data-exact"),
        None,
        "not formatted while drawing"
    );
    dashboard::first_rows::show_exact_time(&seen);
    let datetime = seen.get_attribute("datetime").unwrap();
    let expected = String::from(
        js_sys::Date::new(&datetime.into())
            .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED),
    );
    assert_eq!(
        seen.get_attribute("data-exact").as_deref(),
        Some(expected.as_str())
    );
    assert_eq!(
        seen.get_attribute("title").as_deref(),
        Some(expected.as_str())
    );

    // Kept live until the section takes over (`first_rows_live`): a change, a newcomer, a
    // delete and the connection show where the section would show them.
    let card_of = |name: &str| query(&root, &format!("[data-worker=\"{name}\"]")).unwrap();
    let untouched = card_of("broken");
    let change = |row: WorkerRow| dashboard_core::wire::change::ChangeEvent {
        change: dashboard_core::wire::change::Change::Upsert(row),
        commit_ms: None,
    };
    let mut fresh = row_of(json!({"worker_name": "fresh", "status": "running",
        "last_heartbeat": iso_ago(0.0), "jobs_processed": 41, "error_count": 2}));
    fresh.updated_at_ms = now + 1_000;
    drawn.apply_change(change(fresh));
    assert_eq!(
        text(&root, "[data-worker=\"fresh\"] [data-testid=\"counts\"]"),
        "Jobs: 41 | Errors: 2"
    );
    assert!(
        untouched.is_same_node(Some(&card_of("broken"))),
        "a card that did not change is the same element (a `<details>` opened stays open)"
    );
    let mut newcomer = row_of(json!({"worker_name": "newcomer", "status": "stopped",
        "last_heartbeat": iso_ago(1_000.0)}));
    newcomer.updated_at_ms = now + 1_000;
    drawn.apply_change(change(newcomer));
    drawn.apply_change(dashboard_core::wire::change::ChangeEvent {
        change: dashboard_core::wire::change::Change::Delete {
            worker_name: "<img src=x onerror=alert(1)>".to_owned(),
            commit_ms: now + 2_000,
        },
        commit_ms: Some(now + 2_000),
    });
    let order: Vec<String> = (0..root.query_selector_all("[data-worker]").unwrap().length())
        .filter_map(|index| {
            root.query_selector_all("[data-worker]")
                .unwrap()
                .item(index)
        })
        .filter_map(|card| card.dyn_into::<web_sys::Element>().ok())
        .filter_map(|card| card.get_attribute("data-worker"))
        .collect();
    assert_eq!(
        order,
        ["broken", "newcomer", "fresh"],
        "problems first, the deleted one gone"
    );
    assert_eq!(text(&root, "[data-testid=\"summary\"]"), "1/3 Running");
    drawn.show_connection(&dashboard_core::channel::ConnectionStatus::Live);
    assert_eq!(text(&root, "[data-testid=\"connection\"]"), "● Live");
    drawn.tick();
    assert_eq!(
        text(&root, "[data-worker=\"fresh\"] time"),
        "Last seen: just now"
    );
}

/// The loader's defaults fill what the element's attributes leave out, and the attributes win:
/// the compiled modules hold no Supabase URL or key of their own (the npm package's loader has
/// none to give, the deployment's has the values it was built with).
#[wasm_bindgen_test]
fn loader_defaults_fill_missing_attributes_and_attributes_win() {
    use dashboard::config::Defaults;
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("worker-status").unwrap();
    let defaults: wasm_bindgen::JsValue = js_sys::JSON::parse(
        r#"{"url":"https://defaults.example/","key":"sb_publishable_default","realtime":"broadcast"}"#,
    )
    .unwrap();
    let defaults = Defaults::from_js(&defaults);
    let config = Config::resolve(&element, &defaults);
    assert_eq!(config.supabase_url, "https://defaults.example");
    assert_eq!(config.key, "sb_publishable_default");
    assert!(config.broadcast);

    element
        .set_attribute("supabase-url", "https://attribute.example")
        .unwrap();
    element
        .set_attribute("supabase-key", "sb_publishable_attr")
        .unwrap();
    element
        .set_attribute("realtime", "postgres_changes")
        .unwrap();
    let config = Config::resolve(&element, &defaults);
    assert_eq!(config.supabase_url, "https://attribute.example");
    assert_eq!(config.key, "sb_publishable_attr");
    assert!(!config.broadcast);

    // The package's loader: blank defaults are none. A release build then says what is
    // missing; a debug build (make dev) falls back to the local stack.
    let blank: wasm_bindgen::JsValue =
        js_sys::JSON::parse(r#"{"url":" ","key":"","realtime":""}"#).unwrap();
    let bare = document.create_element("worker-status").unwrap();
    let config = Config::resolve(&bare, &Defaults::from_js(&blank));
    if cfg!(debug_assertions) {
        assert_eq!(config.supabase_url, dashboard_core::local_stack::URL);
    } else {
        let problem = config.problem().unwrap_or_default();
        assert!(problem.contains("No Supabase URL"), "{problem}");
    }
    assert_eq!(
        Defaults::from_js(&wasm_bindgen::JsValue::UNDEFINED),
        Defaults::default()
    );
}
