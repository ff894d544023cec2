//! Realtime abuse (issue 12): 1,000 joins on one socket, 101 channels, a 1 MB and a 6 MB frame,
//! a flood of invalid JSON (the client that never reads is `realtime_slow_reader.rs`, a process
//! of its own so that its memory figure is its own). The gateway stays up with bounded memory,
//! closes the abusive client with Supabase's reason for the limit it passed (`realtime::limits`),
//! and another client keeps receiving changes on time.

use std::time::Duration;

use dev_server::realtime::limits::{TOO_MANY_CHANNELS, TOO_MANY_JOINS, TOO_MANY_MESSAGES};
use futures_util::SinkExt;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

mod support;

use support::{Heard, change_arrives_within, connect, gateway, hear, join, subscribe};

#[tokio::test]
async fn a_thousand_joins_on_one_socket_pass_the_join_rate_and_close_it_with_realtimes_reason() {
    let gateway = gateway(|_| {}).await;
    let mut abuser = connect(&gateway).await;
    let mut bystander = connect(&gateway).await;
    subscribe(&mut bystander, "realtime:bystander").await;
    for n in 0..1_000 {
        // Sent as fast as the socket takes them; the gateway may close it before the last.
        if abuser
            .send(Message::Text(
                join(n + 10, &format!("realtime:room-{n}"), None).into(),
            ))
            .await
            .is_err()
        {
            break;
        }
    }
    let (mut ok, mut refused) = (0, None);
    let closed = loop {
        match hear(&mut abuser, Duration::from_secs(5)).await {
            Heard::Frame(frame) if frame.payload["status"] == "ok" => ok += 1,
            Heard::Frame(frame) => {
                refused = frame.payload["response"]["reason"]
                    .as_str()
                    .map(str::to_owned);
            }
            Heard::Closed(reason) => break reason,
            Heard::Nothing => panic!("the socket stayed open after {ok} joins"),
        }
    };
    assert_eq!(
        ok, 100,
        "100 joins a second are allowed (closed: {closed:?})"
    );
    assert_eq!(refused.as_deref(), Some(TOO_MANY_JOINS));
    assert_eq!(closed, Some((CloseCode::Policy, TOO_MANY_JOINS.to_owned())));
    let latency = change_arrives_within(&gateway, &mut bystander, 4_242).await;
    println!("the other client got its change in {latency:?}");
    assert!(
        latency < Duration::from_secs(1),
        "the other client got its change in {latency:?}"
    );
}

#[tokio::test]
async fn a_socket_may_hold_100_channels_and_the_101st_join_is_refused() {
    let gateway = gateway(|config| config.client_limits.joins_per_second = 10_000).await;
    let mut socket = connect(&gateway).await;
    for n in 0..101 {
        socket
            .send(Message::Text(
                join(n + 10, &format!("realtime:room-{n}"), None).into(),
            ))
            .await
            .expect("join");
    }
    let mut reasons = Vec::new();
    for _ in 0..101 {
        match hear(&mut socket, Duration::from_secs(5)).await {
            Heard::Frame(frame) => reasons.push(
                frame.payload["response"]["reason"]
                    .as_str()
                    .map(str::to_owned),
            ),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        reasons.iter().filter(|reason| reason.is_none()).count(),
        100
    );
    assert_eq!(reasons[100].as_deref(), Some(TOO_MANY_CHANNELS));
    // The socket stays: a heartbeat is answered.
    socket
        .send(Message::Text(
            r#"[null,"hb","phoenix","heartbeat",{}]"#.into(),
        ))
        .await
        .expect("heartbeat");
    assert!(
        matches!(hear(&mut socket, Duration::from_secs(2)).await, Heard::Frame(frame) if frame.payload["status"] == "ok")
    );
}

#[tokio::test]
async fn a_megabyte_frame_is_read_and_one_over_the_frame_limit_closes_the_socket() {
    let gateway = gateway(|_| {}).await;
    let mut socket = connect(&gateway).await;
    let padded = format!(
        r#"[null,"big","phoenix","heartbeat",{{"pad":"{}"}}]"#,
        "x".repeat(1 << 20)
    );
    socket
        .send(Message::Text(padded.into()))
        .await
        .expect("1 MB frame");
    assert!(
        matches!(hear(&mut socket, Duration::from_secs(5)).await, Heard::Frame(frame) if frame.r#ref.as_deref() == Some("big"))
    );
    let huge = format!(
        r#"[null,"huge","phoenix","heartbeat",{{"pad":"{}"}}]"#,
        "x".repeat(6 << 20)
    );
    let _ = socket.send(Message::Text(huge.into())).await;
    assert!(matches!(
        hear(&mut socket, Duration::from_secs(5)).await,
        Heard::Closed(_)
    ));
    // The gateway is still up for everyone else.
    let mut other = connect(&gateway).await;
    subscribe(&mut other, "realtime:after-huge").await;
}

#[tokio::test]
async fn a_flood_of_invalid_json_closes_that_socket_and_others_keep_receiving_on_time() {
    let gateway = gateway(|_| {}).await;
    let mut bystander = connect(&gateway).await;
    subscribe(&mut bystander, "realtime:bystander").await;
    let mut flooder = connect(&gateway).await;
    let mut sent = 0;
    for n in 0..10_000 {
        if flooder
            .send(Message::Text(format!("{{not json {n}").into()))
            .await
            .is_err()
        {
            break;
        }
        sent += 1;
    }
    let closed = loop {
        match hear(&mut flooder, Duration::from_secs(5)).await {
            Heard::Closed(reason) => break reason,
            Heard::Frame(_) => {}
            Heard::Nothing => panic!("the flooding socket stayed open after {sent} frames"),
        }
    };
    assert_eq!(
        closed,
        Some((CloseCode::Policy, TOO_MANY_MESSAGES.to_owned()))
    );
    let latency = change_arrives_within(&gateway, &mut bystander, 777).await;
    println!("the other client got its change in {latency:?}");
    assert!(
        latency < Duration::from_secs(1),
        "the other client got its change in {latency:?}"
    );
}
