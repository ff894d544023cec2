//! The events known, per worker, oldest first: loaded pages merged with live inserts, none twice.

use rustc_hash::FxHashMap as HashMap;

use super::WorkerEvent;

/// The events known, per worker, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    by_worker: HashMap<String, Vec<WorkerEvent>>,
}

impl History {
    /// Replaces everything with `events` (a fresh load).
    pub fn replace(&mut self, events: Vec<WorkerEvent>) {
        self.by_worker.clear();
        for event in events {
            self.by_worker
                .entry(event.worker_name.clone())
                .or_default()
                .push(event);
        }
        for events in self.by_worker.values_mut() {
            events.sort_by_key(|event| (event.occurred_ms, event.id));
            events.dedup_by_key(|event| event.id);
        }
    }

    /// Adds loaded events to those known (live ones recorded meanwhile stay); known ones are
    /// ignored.
    pub fn merge(&mut self, events: Vec<WorkerEvent>) {
        for event in events {
            self.insert(event);
        }
    }

    /// Adds one event (live); one already known is ignored. Returns whether it was new.
    pub fn insert(&mut self, event: WorkerEvent) -> bool {
        let events = self.by_worker.entry(event.worker_name.clone()).or_default();
        if events.iter().any(|known| known.id == event.id) {
            return false;
        }
        let at = events
            .partition_point(|known| (known.occurred_ms, known.id) < (event.occurred_ms, event.id));
        events.insert(at, event);
        true
    }

    /// Drops what is known of these workers (nobody shows them any more).
    pub fn forget(&mut self, worker_names: &[String]) {
        for name in worker_names {
            self.by_worker.remove(name);
        }
    }

    /// A worker's events, oldest first.
    pub fn of(&self, worker_name: &str) -> &[WorkerEvent] {
        self.by_worker.get(worker_name).map_or(&[], Vec::as_slice)
    }
}
