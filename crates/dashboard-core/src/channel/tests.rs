//! The channel's behaviour, input by input.

use super::*;
use crate::wire::json::Json;
use crate::wire::user_broadcast::UserBroadcast;

fn options() -> ChannelOptions {
    ChannelOptions {
        jitter_seed: 0,
        topic: "realtime:worker-status".into(),
        schema: "public".into(),
        table: "hp_worker_status".into(),
        history_table: Some("hp_worker_events".into()),
        broadcast: false,
        access_token: "anon".into(),
    }
}

#[test]
fn broadcast_mode_joins_privately_goes_live_on_the_reply_and_applies_text_and_binary() {
    let mut channel = Channel::new(ChannelOptions {
        broadcast: true,
        history_table: None,
        ..options()
    });
    channel.on(Input::Start, 0);
    let join = sent(&channel.on(Input::Opened, 0));
    let join_ref = join[0].join_ref.clone().unwrap();
    assert_eq!(join[0].payload["config"]["private"], Json::Bool(true));
    assert_eq!(
        join[0].payload["config"]["postgres_changes"],
        Json::Array(vec![])
    );
    assert_eq!(
        channel.on(Input::Text(reply(&join_ref, "ok")), 1),
        vec![Command::FetchSnapshot],
        "live on the reply: no postgres_changes, no system message to wait for"
    );
    assert_eq!(channel.status(), ConnectionStatus::Live);
    let message = UserBroadcast {
        topic: "realtime:worker-status".into(),
        event: "UPDATE".into(),
        meta: None,
        payload: Json::parse(r#"{"operation":"UPDATE","schema":"public","table":"hp_worker_status","record":{"worker_name":"w","status":"crashed"},"old_record":{"worker_name":"w"}}"#).unwrap(),
    };
    let text = channel.on(Input::Text(message.to_frame().encode(Vsn::V2)), 2);
    assert!(matches!(text.as_slice(), [Command::Apply(_)]), "{text:?}");
    let binary = channel.on(Input::Binary(message.encode_binary().unwrap()), 3);
    assert!(
        matches!(binary.as_slice(), [Command::Apply(_)]),
        "{binary:?}"
    );
    let elsewhere = UserBroadcast {
        topic: "realtime:other".into(),
        ..message
    };
    assert!(
        channel
            .on(Input::Binary(elsewhere.encode_binary().unwrap()), 4)
            .is_empty()
    );
    let garbage = channel.on(Input::Binary(vec![4, 200, 1]), 5);
    assert!(
        matches!(garbage.as_slice(), [Command::Log(_)]),
        "{garbage:?}"
    );
}

#[test]
fn a_private_topic_refused_is_offline_with_the_reason_and_asked_again_later() {
    let mut channel = Channel::new(ChannelOptions {
        broadcast: true,
        ..options()
    });
    channel.on(Input::Start, 0);
    let join = sent(&channel.on(Input::Opened, 0));
    let join_ref = join[0].join_ref.clone().unwrap();
    assert_eq!(
        join[0].payload["config"]["postgres_changes"][0]["table"], "hp_worker_events",
        "history still follows"
    );
    let refusal = format!(
        r#"["{join_ref}","{join_ref}","realtime:worker-status","phx_reply",{{"status":"error","response":{{"reason":"Unauthorized: You do not have permissions to read from this Channel topic: worker-status"}}}}]"#
    );
    channel.on(Input::Text(refusal), 1);
    assert!(
        matches!(
            channel.status(),
            ConnectionStatus::Offline { ref reason, retry_at_ms } if reason.starts_with("Unauthorized") && retry_at_ms == 1 + SUBSCRIBE_RETRY_MS
        ),
        "{:?}",
        channel.status()
    );
}

#[test]
fn history_inserts_are_followed_on_the_same_channel() {
    let (mut channel, _) = live(0);
    let insert = r#"[null,null,"realtime:worker-status","postgres_changes",{"ids":[2],"data":{"schema":"public","table":"hp_worker_events","type":"INSERT","commit_timestamp":"2026-11-28T15:00:00.000Z","errors":null,"record":{"id":9,"worker_name":"w","kind":"status","from_status":"running","to_status":"crashed","occurred_at":"2026-11-28T15:00:00Z"}}}]"#;
    let commands = channel.on(Input::Text(insert.into()), 1);
    let [Command::Record(event)] = commands.as_slice() else {
        panic!("{commands:?}");
    };
    assert_eq!(
        (event.id, event.describe().as_str()),
        (9, "Running → Crashed")
    );
    let broken = insert.replace(r#""kind":"status""#, r#""kind":"nonsense""#);
    let commands = channel.on(Input::Text(broken), 2);
    assert!(
        matches!(commands.as_slice(), [Command::Log(_)]),
        "{commands:?}"
    );
}

fn sent(commands: &[Command]) -> Vec<Frame> {
    commands
        .iter()
        .filter_map(|command| match command {
            Command::Send(text) => Some(Frame::decode(text, Vsn::V2).unwrap()),
            _ => None,
        })
        .collect()
}

fn reply(join_ref: &str, status: &str) -> String {
    format!(
        r#"["{join_ref}","{join_ref}","realtime:worker-status","phx_reply",{{"status":"{status}","response":{{"postgres_changes":[]}}}}]"#
    )
}

fn subscribed(join_ref: &str) -> String {
    format!(
        r#"["{join_ref}",null,"realtime:worker-status","system",{{"extension":"postgres_changes","status":"ok","message":"Subscribed to PostgreSQL","channel":"worker-status"}}]"#
    )
}

/// Start, open, join ok, subscribed: returns the machine and the join_ref.
fn live(now: u64) -> (Channel, String) {
    let mut channel = Channel::new(options());
    assert_eq!(channel.on(Input::Start, now), vec![Command::Open]);
    assert_eq!(channel.status(), ConnectionStatus::Connecting);
    let join = sent(&channel.on(Input::Opened, now));
    let join_ref = join[0].join_ref.clone().unwrap();
    assert_eq!(join[0].event, "phx_join");
    assert_eq!(
        join[0].payload["config"]["postgres_changes"][0]["table"],
        "hp_worker_status"
    );
    let history = &join[0].payload["config"]["postgres_changes"][1];
    assert_eq!(
        (&history["event"], &history["table"]),
        (&Json::string("INSERT"), &Json::string("hp_worker_events"))
    );
    assert_eq!(join[0].payload["access_token"], "anon");
    assert!(
        channel
            .on(Input::Text(reply(&join_ref, "ok")), now)
            .is_empty()
    );
    assert_eq!(
        channel.status(),
        ConnectionStatus::Connecting,
        "not live before the system message"
    );
    assert_eq!(
        channel.on(Input::Text(subscribed(&join_ref)), now),
        vec![Command::FetchSnapshot]
    );
    assert_eq!(channel.status(), ConnectionStatus::Live);
    (channel, join_ref)
}

#[test]
fn subscribed_to_postgresql_makes_it_live_and_asks_for_a_snapshot() {
    live(0);
}

#[test]
fn heartbeats_every_25_s_with_fresh_refs() {
    let (mut channel, _) = live(0);
    assert!(sent(&channel.on(Input::Tick, 24_999)).is_empty());
    let first = sent(&channel.on(Input::Tick, 25_000));
    assert_eq!(first[0].topic, "phoenix");
    let first_ref = first[0].r#ref.clone().unwrap();
    channel.on(
        Input::Text(format!(
            r#"[null,"{first_ref}","phoenix","phx_reply",{{"status":"ok","response":{{}}}}]"#
        )),
        25_010,
    );
    let second = sent(&channel.on(Input::Tick, 50_000));
    assert_ne!(second[0].r#ref.clone().unwrap(), first_ref);
}

#[test]
fn missed_heartbeat_reply_forces_reconnect() {
    let (mut channel, _) = live(0);
    channel.on(Input::Tick, 25_000);
    let commands = channel.on(Input::Tick, 50_000);
    assert!(commands.contains(&Command::Close), "{commands:?}");
    assert_eq!(
        channel.status(),
        ConnectionStatus::Reconnecting {
            retry_at_ms: Some(51_000)
        }
    );
}

#[test]
fn reconnect_backoff_is_1_2_5_10_then_10_seconds() {
    let mut channel = Channel::new(options());
    channel.on(Input::Start, 0);
    let mut now = 0;
    let mut delays = Vec::new();
    for _ in 0..6 {
        channel.on(Input::Closed, now);
        let ConnectionStatus::Reconnecting {
            retry_at_ms: Some(at),
        } = channel.status()
        else {
            panic!()
        };
        delays.push(at - now);
        now = at;
        assert_eq!(channel.on(Input::Tick, now), vec![Command::Open]);
    }
    assert_eq!(delays, [1_000, 2_000, 5_000, 10_000, 10_000, 10_000]);
    // A successful open resets the schedule.
    channel.on(Input::Opened, now);
    channel.on(Input::Closed, now);
    assert_eq!(
        channel.status(),
        ConnectionStatus::Reconnecting {
            retry_at_ms: Some(now + 1_000)
        }
    );
}

#[test]
fn phx_error_leads_to_a_rejoin_with_a_new_join_ref() {
    let (mut channel, old_ref) = live(0);
    let error = format!(r#"["{old_ref}","{old_ref}","realtime:worker-status","phx_error",{{}}]"#);
    channel.on(Input::Text(error), 100);
    assert!(matches!(
        channel.status(),
        ConnectionStatus::Reconnecting {
            retry_at_ms: Some(1_100)
        }
    ));
    let rejoin = sent(&channel.on(Input::Tick, 1_100));
    assert_eq!(rejoin[0].event, "phx_join");
    let new_ref = rejoin[0].join_ref.clone().unwrap();
    assert_ne!(new_ref, old_ref);
    channel.on(Input::Text(reply(&new_ref, "ok")), 1_200);
    assert_eq!(
        channel.on(Input::Text(subscribed(&new_ref)), 1_300),
        vec![Command::FetchSnapshot],
        "a fresh snapshot after every resubscription"
    );
}

#[test]
fn a_join_timeout_rejoins() {
    let mut channel = Channel::new(options());
    channel.on(Input::Start, 0);
    channel.on(Input::Opened, 0);
    channel.on(Input::Tick, JOIN_TIMEOUT_MS);
    assert!(matches!(
        channel.status(),
        ConnectionStatus::Reconnecting { .. }
    ));
    assert_eq!(
        sent(&channel.on(Input::Tick, JOIN_TIMEOUT_MS + 1_000))[0].event,
        "phx_join"
    );
}

#[test]
fn messages_with_a_stale_join_ref_are_dropped() {
    let (mut channel, old_ref) = live(0);
    channel.on(
        Input::Text(format!(
            r#"["{old_ref}","{old_ref}","realtime:worker-status","phx_error",{{}}]"#
        )),
        0,
    );
    channel.on(Input::Tick, 1_000);
    // The old incarnation's close arrives late: it must not disturb the new join.
    let stale = format!(r#"["{old_ref}","{old_ref}","realtime:worker-status","phx_close",{{}}]"#);
    assert!(channel.on(Input::Text(stale), 1_001).is_empty());
    assert_eq!(channel.dropped_frames, 1);
    assert!(channel.join_ref().is_some_and(|current| current != old_ref));
}

#[test]
fn changes_are_applied_and_bad_ones_logged() {
    let (mut channel, _) = live(0);
    let change = r#"[null,null,"realtime:worker-status","postgres_changes",{"ids":[1],"data":{"schema":"public","table":"hp_worker_status","type":"UPDATE","commit_timestamp":"2026-11-28T15:00:00.000Z","errors":null,"record":{"worker_name":"x-autopost","status":"running"},"old_record":{"worker_name":"x-autopost"}}}]"#;
    assert!(matches!(
        channel.on(Input::Text(change.into()), 10).as_slice(),
        [Command::Apply(_)]
    ));
    assert!(matches!(
        channel.on(Input::Text("not json".into()), 10).as_slice(),
        [Command::Log(_)]
    ));
    let bad = r#"[null,null,"realtime:worker-status","postgres_changes",{"data":{"table":"hp_worker_status","type":"INSERT","errors":null,"record":{"worker_name":7}}}]"#;
    assert!(matches!(
        channel.on(Input::Text(bad.into()), 10).as_slice(),
        [Command::Log(_)]
    ));
    assert_eq!(
        channel.status(),
        ConnectionStatus::Live,
        "bad frames do not break the channel"
    );
}

#[test]
fn browser_offline_closes_and_online_reconnects_at_once() {
    let (mut channel, _) = live(0);
    assert_eq!(
        channel.on(Input::BrowserOffline, 1_000),
        vec![Command::Close]
    );
    assert_eq!(channel.status().as_str(), "offline");
    // Backoff keeps running while offline (attempts fail fast)...
    channel.on(Input::Tick, 2_000);
    channel.on(Input::Closed, 2_100);
    assert_eq!(channel.status().as_str(), "offline");
    // ...and the online event skips the rest of it.
    assert_eq!(channel.on(Input::BrowserOnline, 2_200), vec![Command::Open]);
    assert_eq!(
        channel.status(),
        ConnectionStatus::Reconnecting { retry_at_ms: None }
    );
}

#[test]
fn a_visible_page_retries_a_lost_socket_at_once_unless_offline() {
    let (mut channel, _) = live(0);
    assert!(
        channel.on(Input::PageVisible, 10).is_empty(),
        "nothing to do while live"
    );
    channel.on(Input::Closed, 100);
    assert_eq!(channel.on(Input::PageVisible, 200), vec![Command::Open]);
    channel.on(Input::BrowserOffline, 300);
    channel.on(Input::Closed, 300);
    assert!(
        channel.on(Input::PageVisible, 400).is_empty(),
        "no point while the device is offline"
    );
}

#[test]
fn a_refused_subscription_is_offline_and_retried() {
    let mut channel = Channel::new(options());
    channel.on(Input::Start, 0);
    let join_ref = sent(&channel.on(Input::Opened, 0))[0]
        .join_ref
        .clone()
        .unwrap();
    channel.on(Input::Text(reply(&join_ref, "ok")), 0);
    let refused = format!(
        r#"["{join_ref}",null,"realtime:worker-status","system",{{"extension":"postgres_changes","status":"error","message":"Unable to subscribe","channel":"worker-status"}}]"#
    );
    channel.on(Input::Text(refused), 5);
    assert_eq!(
        channel.status(),
        ConnectionStatus::Offline {
            reason: "Unable to subscribe".into(),
            retry_at_ms: 5 + SUBSCRIBE_RETRY_MS
        }
    );
    assert_eq!(channel.status().as_str(), "offline");
}

#[test]
fn a_join_sent_before_the_machine_had_the_socket_is_taken_when_it_is_its_own() {
    // What the machine itself would send first, from a twin.
    let mut twin = Channel::new(options());
    twin.on(Input::Start, 0);
    let own = match twin.on(Input::Opened, 0).as_slice() {
        [Command::Send(text)] => text.clone(),
        other => panic!("{other:?}"),
    };
    let mut channel = Channel::new(options());
    assert_eq!(channel.on(Input::Start, 5), vec![Command::Open]);
    assert!(channel.adopt_join(&own, 10));
    assert_eq!(channel.join_ref(), Some("1"));
    assert_eq!(channel.status(), ConnectionStatus::Connecting);
    // What arrived on the socket meanwhile, fed in order: no second join, live, one snapshot.
    assert!(channel.on(Input::Text(reply("1", "ok")), 11).is_empty());
    assert_eq!(
        channel.on(Input::Text(subscribed("1")), 12),
        vec![Command::FetchSnapshot]
    );
    assert_eq!(channel.status(), ConnectionStatus::Live);
    // Its heartbeat counts from the adoption, with the next ref.
    let heartbeat = sent(&channel.on(Input::Tick, 10 + HEARTBEAT_INTERVAL_MS));
    assert_eq!(heartbeat[0].r#ref.as_deref(), Some("2"));
}

#[test]
fn a_join_that_is_not_its_own_is_refused() {
    let mut channel = Channel::new(options());
    channel.on(Input::Start, 0);
    let mut other = Channel::new(ChannelOptions {
        history_table: None,
        ..options()
    });
    other.on(Input::Start, 0);
    let without_history = match other.on(Input::Opened, 0).as_slice() {
        [Command::Send(text)] => text.clone(),
        other => panic!("{other:?}"),
    };
    assert!(!channel.adopt_join(&without_history, 1), "other listeners");
    assert!(!channel.adopt_join(
        "[\"1\",\"1\",\"realtime:worker-status\",\"phx_join\",{}]",
        1
    ));
    assert_eq!(channel.join_ref(), None, "still opening");
    // Once it joined by itself, no join is taken.
    let own = sent(&channel.on(Input::Opened, 2));
    assert_eq!(own.len(), 1);
    assert!(!channel.adopt_join(&own[0].encode(Vsn::V2), 3));
}
