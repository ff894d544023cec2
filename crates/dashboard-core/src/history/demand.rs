//! Whose history to hold: the workers a view shows (a strip on screen, an open detail) are
//! loaded on demand, a batch at a time; the ones nobody shows any more are forgotten once more
//! than a few hundred pile up. So the history in memory follows the screen, not the fleet: with
//! 10,000 workers and a week of events each, only the rows on screen (and recently on screen)
//! are asked for and kept.

/// How many workers nobody shows any more keep their history (scrolling back shows it at once).
pub const KEEP_UNSHOWN: usize = 300;
/// How many workers one history request names (the names travel in the URL).
pub const BATCH: usize = 40;

/// Where one worker's history stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// Not asked for yet (wanted, or not).
    Absent,
    /// Asked for; the answer is not in.
    Loading,
    /// Loaded (and followed live since).
    Loaded,
}

/// One worker that is shown, or whose history is held.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    /// How many views show it.
    shown: u32,
    held: Held,
    /// To be asked for with the next batch.
    pending: bool,
    /// When it was last wanted or hidden: the order of the batches, and of forgetting.
    stamp: u64,
}

/// The demand for history, per worker. A few hundred entries at most (what is shown and what
/// was shown lately), so a list searched in order is enough.
#[derive(Debug, Clone, Default)]
pub struct HistoryDemand {
    entries: Vec<Entry>,
    clock: u64,
}

impl HistoryDemand {
    /// A view starts showing `name`. Returns whether a load must be scheduled.
    pub fn show(&mut self, name: &str) -> bool {
        let stamp = self.tick();
        let entry = match self.find(name) {
            Some(at) => &mut self.entries[at],
            None => {
                self.entries.push(Entry {
                    name: name.to_owned(),
                    shown: 0,
                    held: Held::Absent,
                    pending: false,
                    stamp,
                });
                let last = self.entries.len() - 1;
                &mut self.entries[last]
            }
        };
        entry.shown += 1;
        if entry.held == Held::Absent && !entry.pending {
            entry.pending = true;
            entry.stamp = stamp;
            true
        } else {
            false
        }
    }

    /// A view stops showing `name`. Returns the workers whose history is to be forgotten.
    pub fn hide(&mut self, name: &str) -> Vec<String> {
        let stamp = self.tick();
        let Some(at) = self.find(name) else {
            return Vec::new();
        };
        let entry = &mut self.entries[at];
        entry.shown = entry.shown.saturating_sub(1);
        if entry.shown > 0 {
            return Vec::new();
        }
        entry.pending = false;
        entry.stamp = stamp;
        if entry.held == Held::Absent {
            self.entries.swap_remove(at);
        }
        let mut forgotten = Vec::new();
        while self.entries.iter().filter(|entry| entry.shown == 0).count() > KEEP_UNSHOWN {
            let oldest = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, entry)| entry.shown == 0)
                .min_by_key(|(_, entry)| entry.stamp)
                .map(|(at, _)| at);
            if let Some(at) = oldest {
                forgotten.push(self.entries.swap_remove(at).name);
            }
        }
        forgotten
    }

    /// The next batch to ask for (at most `BATCH` names, longest wanted first), marked as
    /// loading (those loaded before stay loaded: they are being refreshed).
    pub fn next_batch(&mut self) -> Vec<String> {
        let mut pending: Vec<&mut Entry> = self
            .entries
            .iter_mut()
            .filter(|entry| entry.pending)
            .collect();
        pending.sort_by_key(|entry| entry.stamp);
        pending
            .into_iter()
            .take(BATCH)
            .map(|entry| {
                entry.pending = false;
                if entry.held == Held::Absent {
                    entry.held = Held::Loading;
                }
                entry.name.clone()
            })
            .collect()
    }

    /// A batch's answer arrived: those still held are loaded.
    pub fn loaded(&mut self, names: &[String]) {
        for entry in &mut self.entries {
            if entry.held != Held::Absent && names.contains(&entry.name) {
                entry.held = Held::Loaded;
            }
        }
    }

    /// A batch could not be loaded: its workers are asked for again with the next batch (those
    /// loaded before keep what they had).
    pub fn failed(&mut self, names: &[String]) {
        let stamp = self.tick();
        for entry in &mut self.entries {
            if entry.held == Held::Loading && names.contains(&entry.name) {
                entry.held = Held::Absent;
                entry.pending = entry.shown > 0;
                entry.stamp = stamp;
            }
        }
        self.entries
            .retain(|entry| entry.held != Held::Absent || entry.pending);
    }

    /// After a reconnection: everything shown is asked for again. What is loaded stays loaded
    /// (drawn) meanwhile; the answer is merged. Returns whether a load must be scheduled.
    pub fn reload_shown(&mut self) -> bool {
        let stamp = self.tick();
        let mut any = false;
        for entry in &mut self.entries {
            if entry.shown > 0 && entry.held != Held::Loading && !entry.pending {
                entry.pending = true;
                entry.stamp = stamp;
                any = true;
            }
        }
        any
    }

    /// Where `name`'s history stands.
    pub fn held(&self, name: &str) -> Held {
        self.find(name)
            .map_or(Held::Absent, |at| self.entries[at].held)
    }

    /// Whether a live event for `name` is kept: only for workers whose history is held or asked
    /// for (the others' events are in the table, and come with their load).
    pub fn follows(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// How many workers' history is held.
    #[cfg(test)]
    fn held_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|entry| entry.held != Held::Absent)
            .count()
    }

    fn find(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|entry| entry.name == name)
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }
}

/// The names as a PostgREST `in.(…)` list: each quoted, with `"` and `\\` escaped, so commas,
/// dots, parentheses and quotes in a name stay part of it. (Percent-encoding is the caller's.)
pub fn in_list(names: &[String]) -> String {
    let mut list = String::from("(");
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        list.push('"');
        for c in name.chars() {
            if c == '"' || c == '\\' {
                list.push('\\');
            }
            list.push(c);
        }
        list.push('"');
    }
    list.push(')');
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(range: std::ops::Range<usize>) -> Vec<String> {
        range.map(|i| format!("w{i}")).collect()
    }

    #[test]
    fn names_are_quoted_for_postgrest_lists() {
        let names = ["plain".to_owned(), r#"a,b.(c) "q" \ d"#.to_owned()];
        assert_eq!(in_list(&names), r#"("plain","a,b.(c) \"q\" \\ d")"#);
    }

    #[test]
    fn shown_workers_are_asked_for_in_batches_once() {
        let mut demand = HistoryDemand::default();
        for name in names(0..100) {
            demand.show(&name);
        }
        assert!(!demand.show("w0"), "a worker shown twice is asked for once");
        let first = demand.next_batch();
        assert_eq!(first, names(0..BATCH));
        assert_eq!(demand.held("w0"), Held::Loading);
        assert_eq!(demand.next_batch(), names(BATCH..2 * BATCH));
        assert_eq!(demand.next_batch(), names(2 * BATCH..100));
        assert!(demand.next_batch().is_empty());
        demand.loaded(&first);
        assert_eq!(demand.held("w0"), Held::Loaded);
        assert_eq!(demand.held(&format!("w{BATCH}")), Held::Loading);
    }

    #[test]
    fn a_failed_batch_is_asked_for_again_unless_no_longer_shown() {
        let mut demand = HistoryDemand::default();
        demand.show("a");
        demand.show("b");
        let batch = demand.next_batch();
        demand.hide("b");
        demand.failed(&batch);
        assert_eq!(demand.held("a"), Held::Absent);
        assert_eq!(demand.next_batch(), vec!["a".to_owned()]);
    }

    #[test]
    fn hidden_workers_are_forgotten_only_past_the_keep_limit_oldest_first() {
        let mut demand = HistoryDemand::default();
        let all = names(0..KEEP_UNSHOWN + 5);
        for name in &all {
            demand.show(name);
        }
        while !demand.next_batch().is_empty() {}
        demand.loaded(&all);
        let mut forgotten = Vec::new();
        for name in &all {
            forgotten.extend(demand.hide(name));
        }
        assert_eq!(forgotten, names(0..5));
        assert_eq!(demand.held("w0"), Held::Absent);
        assert_eq!(demand.held("w5"), Held::Loaded);
        assert_eq!(demand.held_count(), KEEP_UNSHOWN);
        // Shown again: held ones come back at once, forgotten ones are asked for.
        assert!(!demand.show("w5"));
        assert!(demand.show("w0"));
        assert_eq!(demand.next_batch(), vec!["w0".to_owned()]);
    }

    #[test]
    fn a_worker_shown_twice_stays_until_both_views_go() {
        let mut demand = HistoryDemand::default();
        demand.show("a");
        demand.show("a");
        demand.next_batch();
        demand.loaded(&["a".to_owned()]);
        demand.hide("a");
        assert!(demand.follows("a"));
        assert!(demand.hide("a").is_empty());
        assert!(demand.follows("a"), "kept among the recently shown");
        assert!(!demand.follows("never-shown"));
    }

    #[test]
    fn a_reconnection_asks_again_for_what_is_shown_and_keeps_it_drawn() {
        let mut demand = HistoryDemand::default();
        demand.show("a");
        demand.show("b");
        let batch = demand.next_batch();
        demand.loaded(&batch);
        demand.hide("b");
        assert!(demand.reload_shown());
        assert_eq!(
            demand.held("a"),
            Held::Loaded,
            "still drawn while asked for again"
        );
        assert_eq!(
            demand.next_batch(),
            vec!["a".to_owned()],
            "b is not shown: not asked for"
        );
        demand.failed(&["a".to_owned()]);
        assert_eq!(
            demand.held("a"),
            Held::Loaded,
            "a failed reload keeps what was loaded"
        );
    }
}
