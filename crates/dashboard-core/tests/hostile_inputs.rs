//! Hostile input, generated (issue 12): over a million inputs through every path the dashboard
//! reads from the outside world, built from real frames by a seeded generator (so a failure
//! reproduces): frames in both protocol versions, fed to the live channel machine as the socket
//! would; change payloads; rows; timestamps; Content-Range headers; threshold attributes. Nothing
//! may panic, and every rejection must come with a reason, which is counted and printed.
//! `tests/corpus/` keeps inputs worth replaying forever (anything that once failed goes there).
//!
//! `cargo test -p dashboard-core --test hostile_inputs -- --nocapture` prints the tally.

use std::collections::BTreeMap;

use dashboard_core::channel::{Channel, ChannelOptions, Command, ConnectionStatus, Input};
use dashboard_core::rules::status::Thresholds;
use dashboard_core::wire::change::parse_change;
use dashboard_core::wire::frame::{Frame, Vsn};
use dashboard_core::wire::json::Json;
use dashboard_core::wire::paging::content_range_total;
use dashboard_core::wire::row::WorkerRow;
use dashboard_core::wire::timestamp::parse_timestamp_ms;

const TABLE: &str = "hp_worker_status";
const TOPIC: &str = "realtime:worker-status";

/// How many inputs each family gets; the total is over 1,000,000.
const PER_FAMILY: usize = 170_000;

/// Real inputs the mutations start from.
const SEEDS: &[&str] = &[
    r#"[null,null,"realtime:worker-status","postgres_changes",{"ids":[1],"data":{"schema":"public","table":"hp_worker_status","commit_timestamp":"2026-11-28T15:00:00.123Z","type":"UPDATE","columns":[{"name":"worker_name","type":"text"}],"record":{"worker_name":"x-autopost","status":"running","last_heartbeat":"2026-11-28T15:00:00.5+00:00","jobs_processed":142,"error_count":0,"circuit_breaker_open":false,"metadata":{"region":"eu","n":[1,2]},"display_order":2,"updated_at":"2026-11-28T15:00:00.501+00:00"},"old_record":{"worker_name":"x-autopost"},"errors":null}}]"#,
    r#"[null,null,"realtime:worker-status","postgres_changes",{"ids":[2],"data":{"table":"hp_worker_status","type":"DELETE","commit_timestamp":"2026-11-28T15:00:01Z","old_record":{"worker_name":"gone"},"errors":null}}]"#,
    r#"{"event":"postgres_changes","topic":"realtime:worker-status","ref":null,"payload":{"ids":[3],"data":{"table":"hp_worker_status","type":"INSERT","commit_timestamp":"2026-11-28T15:00:02Z","record":{"worker_name":"new","status":"unknown","last_heartbeat":null},"errors":null}}}"#,
    r#"["1","1","realtime:worker-status","phx_reply",{"status":"ok","response":{"postgres_changes":[{"id":1,"event":"*","schema":"public","table":"hp_worker_status"}]}}]"#,
    r#"[null,"2","phoenix","phx_reply",{"status":"ok","response":{}}]"#,
    r#"["1",null,"realtime:worker-status","system",{"extension":"postgres_changes","status":"error","message":"Unable to subscribe","channel":"worker-status"}]"#,
    r#"["1",null,"realtime:worker-status","phx_error",{}]"#,
    r#"["1",null,"realtime:worker-status","phx_close",{}]"#,
];

/// Characters that break parsers: quotes, escapes, brackets, controls, surrogates' escapes,
/// multi-byte text, digits and signs.
const SPICE: &[&str] = &[
    "\"",
    "\\",
    "\\u",
    "\\ud800",
    "\\udc00",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\u{0}",
    "\u{1f}",
    "\n",
    "é",
    "😀",
    "\u{feff}",
    "-",
    "+",
    "0",
    "9",
    "e",
    ".",
    "1e999999",
    "-0",
    "null",
    "true",
    "[[[[",
    "}}}}",
    "<script>",
    "'; drop table hp_worker_status; --",
    "%00",
    "NaN",
    "Infinity",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A mutation of `seed`: a few cuts, insertions, deletions and byte swaps, always valid UTF-8
/// (the socket hands the app a JS string).
fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut text: Vec<char> = seed.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(text.len() + 1);
        match rng.below(5) {
            0 => text.truncate(at),
            1 => {
                let spice: Vec<char> = rng.pick(SPICE).chars().collect();
                text.splice(at..at, spice);
            }
            2 => {
                let end = (at + rng.below(12)).min(text.len());
                text.drain(at..end);
            }
            3 if !text.is_empty() => {
                let other = rng.below(text.len());
                let index = at.min(text.len() - 1);
                text.swap(index, other);
            }
            _ => {
                let copy: Vec<char> = text.iter().skip(at).take(rng.below(40)).copied().collect();
                let to = rng.below(text.len() + 1);
                text.splice(to..to, copy);
            }
        }
    }
    text.into_iter().collect()
}

/// A random JSON value (of any shape), to put where a field is expected.
fn value(rng: &mut Rng, depth: u32) -> String {
    match rng.below(if depth > 3 { 6 } else { 8 }) {
        0 => "null".to_owned(),
        1 => ["true", "false"][rng.below(2)].to_owned(),
        2 => format!("{}", rng.next() as i64),
        3 => format!(
            "{}.{}e{}",
            rng.below(1000),
            rng.below(1000),
            rng.below(700) as i64 - 350
        ),
        4 => format!(
            "\"{}\"",
            rng.pick(SPICE).replace('\\', "\\\\").replace('"', "\\\"")
        ),
        5 => format!(
            "\"2026-{:02}-{:02}T{:02}:00:00Z\"",
            rng.below(14),
            rng.below(33),
            rng.below(26)
        ),
        6 => format!(
            "[{}]",
            (0..rng.below(4))
                .map(|_| value(rng, depth + 1))
                .collect::<Vec<_>>()
                .join(",")
        ),
        _ => format!(
            "{{{}}}",
            (0..rng.below(4))
                .map(|i| format!("\"k{i}\":{}", value(rng, depth + 1)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// A change payload whose fields have random types and values.
fn payload(rng: &mut Rng) -> String {
    let fields = [
        "worker_name",
        "status",
        "last_heartbeat",
        "jobs_processed",
        "error_count",
        "circuit_breaker_open",
        "metadata",
        "display_order",
        "updated_at",
        "description",
    ];
    let mut record = Vec::new();
    for field in fields {
        if rng.below(4) == 0 {
            continue;
        }
        let v = if field == "worker_name" && rng.below(3) > 0 {
            format!("\"w{}\"", rng.below(50))
        } else {
            value(rng, 1)
        };
        record.push(format!("\"{field}\":{v}"));
    }
    let kind = ["INSERT", "UPDATE", "DELETE", "TRUNCATE", "update"][rng.below(5)];
    let table = [TABLE, TABLE, TABLE, "other"][rng.below(4)];
    let errors = if rng.below(10) == 0 {
        value(rng, 1)
    } else {
        "null".to_owned()
    };
    format!(
        r#"{{"ids":[1],"data":{{"table":"{table}","type":"{kind}","commit_timestamp":{},"record":{{{}}},"old_record":{{{}}},"errors":{errors}}}}}"#,
        value(rng, 2),
        record.join(","),
        record.iter().take(1).cloned().collect::<Vec<_>>().join(","),
    )
}

/// A channel that is live, as after a join and "Subscribed to PostgreSQL".
fn live_channel() -> (Channel, String) {
    let mut channel = Channel::new(ChannelOptions {
        jitter_seed: 7,
        topic: TOPIC.to_owned(),
        schema: "public".to_owned(),
        table: TABLE.to_owned(),
        history_table: Some("hp_worker_events".to_owned()),
        broadcast: false,
        access_token: "anon".to_owned(),
    });
    channel.on(Input::Start, 0);
    let join = channel.on(Input::Opened, 0);
    let Some(Command::Send(text)) = join.first() else {
        panic!("a join is sent when the socket opens: {join:?}");
    };
    let join_ref = Frame::decode(text, Vsn::V2)
        .expect("our own join decodes")
        .join_ref
        .expect("a join has a join_ref");
    channel.on(
        Input::Text(format!(
            r#"["{join_ref}","{join_ref}","{TOPIC}","phx_reply",{{"status":"ok","response":{{}}}}]"#
        )),
        0,
    );
    channel.on(Input::Text(format!(r#"["{join_ref}",null,"{TOPIC}","system",{{"status":"ok","message":"Subscribed to PostgreSQL"}}]"#)), 0);
    assert_eq!(channel.status(), ConnectionStatus::Live);
    (channel, join_ref)
}

#[derive(Default)]
struct Tally {
    inputs: usize,
    accepted: usize,
    rejected: BTreeMap<String, usize>,
}

impl Tally {
    fn accept(&mut self) {
        self.inputs += 1;
        self.accepted += 1;
    }

    /// A rejection must say why; the reason's kind (its text up to the first detail) is counted.
    fn reject(&mut self, family: &str, reason: &str) {
        assert!(
            !reason.trim().is_empty(),
            "{family}: a rejection without a reason"
        );
        self.inputs += 1;
        // The kind of reason: without the worker's name, the offending value and positions.
        let reason = match reason.split_once("worker ") {
            Some((before, rest)) => format!(
                "{before}{}",
                rest.split_once(": ").map_or(rest, |(_, tail)| tail)
            ),
            None => reason.to_owned(),
        };
        let mut kind = reason.as_str();
        for cut in [" at byte", "\"", " ("] {
            if let Some((head, _)) = kind.split_once(cut) {
                kind = head;
            }
        }
        // Markers after which only the offending value follows: keep the marker, drop the value.
        let mut kind = kind.to_owned();
        for marker in ["unexpected value", "realtime reported", "the subscription"] {
            if let Some((head, _)) = kind.split_once(marker) {
                kind = format!("{head}{marker}");
            }
        }
        let kind: String = kind.chars().filter(|c| !c.is_ascii_digit()).collect();
        *self
            .rejected
            .entry(format!("{family}: {}", kind.trim()))
            .or_default() += 1;
    }
}

#[test]
fn a_million_generated_inputs_never_panic_and_every_rejection_has_a_reason() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut tally = Tally::default();

    // 1. Frames, both versions, mutated from real ones: the lenient frame layer.
    for i in 0..PER_FAMILY {
        let seed = rng_pick_seed(&mut rng);
        let text = mutate(&mut rng, seed);
        let vsn = if i % 2 == 0 { Vsn::V2 } else { Vsn::V1 };
        match Frame::decode(&text, vsn) {
            Ok(frame) => {
                // What decodes must encode and decode to the same frame.
                assert_eq!(
                    Frame::decode(&frame.encode(vsn), vsn).as_ref(),
                    Ok(&frame),
                    "{text}"
                );
                tally.accept();
            }
            Err(error) => tally.reject("frame", &error.to_string()),
        }
    }

    // 2. The same kind of frames through the live channel, as the socket delivers them: the
    // machine must stay usable (live or reconnecting by its own rules), never wedge or panic.
    let (mut channel, join_ref) = live_channel();
    for i in 0..PER_FAMILY {
        let text = if i % 3 == 0 {
            format!(
                r#"[null,null,"{TOPIC}","postgres_changes",{}]"#,
                payload(&mut rng)
            )
        } else {
            let seed = rng_pick_seed(&mut rng);
            mutate(&mut rng, seed).replace("\"1\"", &format!("\"{join_ref}\""))
        };
        let now = 1_000 + i as u64;
        let commands = channel.on(Input::Text(text), now);
        match commands.iter().find_map(|command| match command {
            Command::Log(reason) => Some(reason.clone()),
            _ => None,
        }) {
            Some(reason) => tally.reject("channel", &reason),
            None => tally.accept(),
        }
        if channel.status() != ConnectionStatus::Live {
            // A phx_error or close was generated: rejoin the way the transport would.
            let (fresh, _) = live_channel();
            channel = fresh;
        }
    }

    // 3. Change payloads with fields of every type.
    for _ in 0..PER_FAMILY {
        let text = payload(&mut rng);
        match Json::parse(&text) {
            Ok(json) => match parse_change(&json, TABLE) {
                Ok(_) => tally.accept(),
                Err(error) => tally.reject("change", &error.to_string()),
            },
            Err(error) => tally.reject("json", &error.to_string()),
        }
    }

    // 4. Rows as PostgREST sends them, mutated.
    for _ in 0..PER_FAMILY {
        let text = mutate(
            &mut rng,
            r#"{"worker_name":"w","status":"running","last_heartbeat":"2026-11-28T15:00:00+00:00","jobs_processed":1,"error_count":0,"circuit_breaker_open":false,"metadata":{"host":"a"},"display_order":null,"updated_at":"2026-11-28T15:00:00.000001+00:00"}"#,
        );
        match Json::parse(&text) {
            Ok(json) => match WorkerRow::from_json(&json) {
                Ok(_) => tally.accept(),
                Err(error) => tally.reject("row", &error.to_string()),
            },
            Err(error) => tally.reject("json", &error.to_string()),
        }
    }

    // 5. Timestamps, Content-Range headers and threshold attributes.
    for _ in 0..PER_FAMILY {
        let stamp = mutate(&mut rng, "2026-11-28T15:00:00.123456+05:30");
        match parse_timestamp_ms(&stamp) {
            Some(_) => tally.accept(),
            None => tally.reject("timestamp", "not an RFC 3339 timestamp"),
        }
        let range = mutate(&mut rng, "0-999/10005");
        match content_range_total(&range) {
            Some(_) => tally.accept(),
            None => tally.reject("content-range", "no total"),
        }
        let late = mutate(&mut rng, "60");
        let stopped = mutate(&mut rng, "300");
        let thresholds = Thresholds::from_seconds(Some(&late), Some(&stopped));
        assert!(
            thresholds.stopped_after_ms > thresholds.late_after_ms && thresholds.late_after_ms > 0
        );
        tally.accept();
    }

    // 6. The regression corpus: inputs that once failed, replayed as frames and as JSON.
    for (name, text) in corpus() {
        for vsn in [Vsn::V1, Vsn::V2] {
            match Frame::decode(&text, vsn) {
                Ok(_) => tally.accept(),
                Err(error) => tally.reject("corpus frame", &error.to_string()),
            }
        }
        let (mut fresh, _) = live_channel();
        fresh.on(Input::Text(text.clone()), 5);
        tally.accept();
        println!("corpus: {name} replayed");
    }

    println!(
        "{} inputs: {} accepted, rejected by reason:",
        tally.inputs, tally.accepted
    );
    for (reason, count) in &tally.rejected {
        println!("  {count:>8}  {reason}");
    }
    assert!(tally.inputs >= 1_000_000, "only {} inputs", tally.inputs);
    assert!(
        tally.accepted > 10_000,
        "the generator must also make valid inputs"
    );
}

fn rng_pick_seed(rng: &mut Rng) -> &'static str {
    SEEDS[rng.below(SEEDS.len())]
}

/// Every file in `tests/corpus/`.
fn corpus() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    assert!(
        !files.is_empty(),
        "the regression corpus in {} is missing",
        dir.display()
    );
    files
        .into_iter()
        .map(|path| {
            let text =
                String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
            (
                path.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                text,
            )
        })
        .collect()
}
