//! Fault injection for resilience tests: off unless the gateway is started with `--faults`, and
//! even then answered only for loopback callers. Endpoints (POST, parameters in the query):
//! - `/__faults/drop-sockets`: every WebSocket is cut without a close frame;
//! - `/__faults/heartbeats?reply=false|true`: stop (or resume) answering heartbeats;
//! - `/__faults/phx-error[?topic=realtime:x]`: `phx_error` on every joined channel (or one topic);
//! - `/__faults/rest?delay_ms=N&fail_status=S&count=K`: delay and/or fail the next K REST requests
//!   (all of them when `count` is absent);
//! - `/__faults/reset`: back to normal.
//!
//! `GET /__faults` shows the current state.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast;

/// What a socket session must do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketFault {
    /// Drop the connection without a close frame.
    Drop,
    /// Send `phx_error` on the channel with this topic, or on every channel.
    PhxError(Option<String>),
}

/// How the next REST request should misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RestFault {
    /// Wait this long before answering.
    pub delay: Duration,
    /// Answer with this status instead of doing the work.
    pub fail_status: Option<u16>,
}

#[derive(Debug, Default)]
struct FaultState {
    silent_heartbeats: bool,
    rest: RestFault,
    rest_remaining: Option<u32>,
}

/// The shared switchboard.
#[derive(Debug)]
pub struct Faults {
    enabled: bool,
    state: Mutex<FaultState>,
    sockets: broadcast::Sender<SocketFault>,
}

impl Faults {
    /// A switchboard; when `enabled` is false nothing can change it.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            state: Mutex::new(FaultState::default()),
            sockets: broadcast::channel(16).0,
        }
    }

    /// Whether heartbeats are answered.
    pub fn answers_heartbeats(&self) -> bool {
        !self.lock().silent_heartbeats
    }

    /// Socket faults, for a session to listen to.
    pub fn socket_faults(&self) -> broadcast::Receiver<SocketFault> {
        self.sockets.subscribe()
    }

    /// The fault for the next REST request, counting it down.
    pub fn next_rest_fault(&self) -> Option<RestFault> {
        let mut state = self.lock();
        if state.rest == RestFault::default() {
            return None;
        }
        match state.rest_remaining {
            Some(0) => None,
            Some(remaining) => {
                state.rest_remaining = Some(remaining - 1);
                Some(state.rest)
            }
            None => Some(state.rest),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultState> {
        // A poisoned lock only means a panic elsewhere mid-update; the plain data is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Parameters of the fault endpoints.
#[derive(Debug, Deserialize, Default)]
pub struct FaultParams {
    reply: Option<bool>,
    topic: Option<String>,
    delay_ms: Option<u64>,
    fail_status: Option<u16>,
    count: Option<u32>,
}

/// `POST /__faults/{action}`.
pub async fn set_fault(
    State(faults): State<Arc<Faults>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    axum::extract::Path(action): axum::extract::Path<String>,
    Query(params): Query<FaultParams>,
) -> Response {
    if !faults.enabled || !peer.ip().is_loopback() {
        return StatusCode::NOT_FOUND.into_response();
    }
    match action.as_str() {
        "drop-sockets" => {
            let _ = faults.sockets.send(SocketFault::Drop);
        }
        "phx-error" => {
            let _ = faults.sockets.send(SocketFault::PhxError(params.topic));
        }
        "heartbeats" => faults.lock().silent_heartbeats = !params.reply.unwrap_or(true),
        "rest" => {
            let mut fault_state = faults.lock();
            fault_state.rest = RestFault {
                delay: Duration::from_millis(params.delay_ms.unwrap_or(0)),
                fail_status: params.fail_status,
            };
            fault_state.rest_remaining = params.count;
        }
        "reset" => *faults.lock() = FaultState::default(),
        _ => {
            return (
                StatusCode::NOT_FOUND,
                Json(json!({"message": "unknown fault"})),
            )
                .into_response();
        }
    }
    tracing::info!(action, "fault injected");
    show_faults(State(faults), ConnectInfo(peer)).await
}

/// `GET /__faults`.
pub async fn show_faults(
    State(faults): State<Arc<Faults>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if !faults.enabled || !peer.ip().is_loopback() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let fault_state = faults.lock();
    Json(json!({
        "heartbeat_replies": !fault_state.silent_heartbeats,
        "rest_delay_ms": fault_state.rest.delay.as_millis() as u64,
        "rest_fail_status": fault_state.rest.fail_status,
        "rest_remaining": fault_state.rest_remaining,
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_faults_count_down_then_stop() {
        let faults = Faults::new(true);
        assert_eq!(faults.next_rest_fault(), None);
        {
            let mut state = faults.lock();
            state.rest = RestFault {
                delay: Duration::ZERO,
                fail_status: Some(503),
            };
            state.rest_remaining = Some(2);
        }
        assert!(faults.next_rest_fault().is_some());
        assert!(faults.next_rest_fault().is_some());
        assert_eq!(faults.next_rest_fault(), None);
    }
}
