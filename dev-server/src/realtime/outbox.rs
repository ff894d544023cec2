//! One socket's outgoing queue, bounded: replies, system messages and changes from the WAL
//! poller all go through it, so the socket has one writer. A client that stops reading cannot
//! make the gateway hold an ever longer queue for it: past `capacity` frames the queue marks
//! itself overflowed, drops what comes, and the session closes that socket with a reason (the
//! client reconnects and resynchronises from a snapshot, as after any outage).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use dashboard_core::wire::frame::Frame;
use tokio::sync::mpsc;

/// Frames queued for one socket before it counts as not reading.
pub const DEFAULT_CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
struct Shared {
    queued: AtomicUsize,
    overflowed: AtomicBool,
}

/// The sending side, cloned into every subscription of the socket.
#[derive(Debug, Clone)]
pub struct Outbox {
    sender: mpsc::UnboundedSender<Frame>,
    shared: Arc<Shared>,
    capacity: usize,
}

/// The session's receiving side.
#[derive(Debug)]
pub struct Inbox {
    receiver: mpsc::UnboundedReceiver<Frame>,
    shared: Arc<Shared>,
}

/// A queue holding at most `capacity` frames.
pub fn outbox(capacity: usize) -> (Outbox, Inbox) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared::default());
    (
        Outbox {
            sender,
            shared: shared.clone(),
            capacity,
        },
        Inbox { receiver, shared },
    )
}

impl Outbox {
    /// Queues `frame`, unless the queue is full: then it is dropped and the queue overflowed.
    pub fn send(&self, frame: Frame) {
        if self.shared.queued.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            self.shared.queued.fetch_sub(1, Ordering::AcqRel);
            self.shared.overflowed.store(true, Ordering::Release);
            return;
        }
        if self.sender.send(frame).is_err() {
            self.shared.queued.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl Inbox {
    /// The next frame.
    pub async fn recv(&mut self) -> Option<Frame> {
        let frame = self.receiver.recv().await;
        if frame.is_some() {
            self.shared.queued.fetch_sub(1, Ordering::AcqRel);
        }
        frame
    }

    /// The next frame if one is waiting.
    pub fn try_recv(&mut self) -> Option<Frame> {
        let frame = self.receiver.try_recv().ok();
        if frame.is_some() {
            self.shared.queued.fetch_sub(1, Ordering::AcqRel);
        }
        frame
    }

    /// Whether a frame had to be dropped because the client was not reading.
    pub fn overflowed(&self) -> bool {
        self.shared.overflowed.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_drops_and_says_so() {
        let (outbox, mut inbox) = outbox(2);
        for event in ["a", "b", "c"] {
            outbox.send(Frame::push(None, None, "realtime:x", event, Json::Null));
        }
        assert!(inbox.overflowed());
        assert_eq!(
            inbox.recv().await.map(|frame| frame.event),
            Some("a".to_owned())
        );
        assert_eq!(
            inbox.recv().await.map(|frame| frame.event),
            Some("b".to_owned())
        );
        // Room again after reading.
        outbox.send(Frame::push(None, None, "realtime:x", "d", Json::Null));
        assert_eq!(
            inbox.recv().await.map(|frame| frame.event),
            Some("d".to_owned())
        );
    }

    use dashboard_core::wire::json::Json;
}
