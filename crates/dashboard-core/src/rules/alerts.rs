//! Which status changes deserve a browser notification (issue 13): a worker turning Crashed or
//! Stopped at once, one turning Late only once it has been Late for a minute (a heartbeat a few
//! seconds behind is no reason to interrupt anyone). One notification per transition, naming the
//! worker; nothing at all while the page's own connection is down. A change seen meanwhile (the
//! polling fallback still reads the table) is told once the page is live again, if it still
//! holds.

use crate::rules::status::Status;
use crate::rules::transition::Transition;

/// How long a worker must have been Late before it is worth a notification (ms).
pub const LATE_FOR_MS: i64 = 60_000;

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The worker it is about (also its tag: a newer one replaces an older one).
    pub worker_name: String,
    /// "crawl-worker: Crashed".
    pub title: String,
    /// "Was Running."
    pub body: String,
}

impl Alert {
    fn of(worker_name: &str, to: Status, from: Status, late_minute: bool) -> Self {
        Self {
            worker_name: worker_name.to_owned(),
            title: format!("{worker_name}: {}", to.label()),
            body: if late_minute {
                "No heartbeat for more than a minute past its schedule.".to_owned()
            } else {
                format!("Was {}.", from.label())
            },
        }
    }
}

/// Workers Late and not notified yet, with when they turned Late (browser ms) and from what;
/// and Crashed or Stopped ones seen while the page was not live, with what they were before.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alerts {
    late_since: Vec<(String, i64, Status)>,
    held: Vec<(String, Status, Status)>,
}

impl Alerts {
    /// The notifications for `transitions` seen at `now_ms`; `live` is whether the page's own
    /// connection is up.
    pub fn on_transitions(
        &mut self,
        transitions: &[Transition],
        now_ms: i64,
        live: bool,
    ) -> Vec<Alert> {
        let mut alerts = Vec::new();
        for transition in transitions {
            let name = &transition.worker_name;
            self.late_since.retain(|(late, _, _)| late != name);
            // A change held while offline and followed by another is told as one: from what
            // the viewer last heard of to where it is now.
            let from = match self.held.iter().position(|(held, _, _)| held == name) {
                Some(index) => self.held.remove(index).2,
                None => transition.from,
            };
            match transition.to {
                Status::Crashed | Status::Stopped if live => {
                    alerts.push(Alert::of(name, transition.to, from, false));
                }
                Status::Crashed | Status::Stopped => {
                    self.held.push((name.clone(), transition.to, from));
                }
                Status::Late => self.late_since.push((name.clone(), now_ms, from)),
                _ => {}
            }
        }
        alerts
    }

    /// The notifications due at `now_ms`: changes held while offline that, by `status_of`,
    /// still hold, and workers Late for a minute and Late still. Each is shown once. While the
    /// connection is down nothing is due; the waiting ones wait.
    pub fn on_tick(
        &mut self,
        now_ms: i64,
        live: bool,
        status_of: impl Fn(&str) -> Option<Status>,
    ) -> Vec<Alert> {
        if !live {
            return Vec::new();
        }
        let mut due: Vec<Alert> = std::mem::take(&mut self.held)
            .into_iter()
            .filter(|(name, to, _)| status_of(name) == Some(*to))
            .map(|(name, to, from)| Alert::of(&name, to, from, false))
            .collect();
        self.late_since.retain(|(name, since, from)| {
            if status_of(name) != Some(Status::Late) {
                false
            } else if now_ms - since >= LATE_FOR_MS {
                due.push(Alert::of(name, Status::Late, *from, true));
                false
            } else {
                true
            }
        });
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(name: &str, from: Status, to: Status) -> Transition {
        Transition {
            worker_name: name.to_owned(),
            from,
            to,
        }
    }

    #[test]
    fn crashed_and_stopped_at_once_late_after_a_minute_running_never() {
        let mut alerts = Alerts::default();
        let shown = alerts.on_transitions(
            &[
                turn("a", Status::Running, Status::Crashed),
                turn("b", Status::Running, Status::Stopped),
                turn("c", Status::Running, Status::Late),
                turn("d", Status::Crashed, Status::Running),
            ],
            0,
            true,
        );
        let titles: Vec<&str> = shown.iter().map(|alert| alert.title.as_str()).collect();
        assert_eq!(titles, ["a: Crashed", "b: Stopped"]);
        assert_eq!(shown[0].body, "Was Running.");
        assert!(
            alerts
                .on_tick(59_999, true, |_| Some(Status::Late))
                .is_empty(),
            "Late, but not for a minute yet"
        );
        let late = alerts.on_tick(60_000, true, |_| Some(Status::Late));
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].title, "c: Late");
        assert!(
            alerts
                .on_tick(200_000, true, |_| Some(Status::Late))
                .is_empty(),
            "one per transition"
        );
    }

    #[test]
    fn late_for_less_than_a_minute_is_forgotten() {
        let mut alerts = Alerts::default();
        alerts.on_transitions(&[turn("c", Status::Running, Status::Late)], 0, true);
        alerts.on_transitions(&[turn("c", Status::Late, Status::Running)], 30_000, true);
        assert!(
            alerts
                .on_tick(90_000, true, |_| Some(Status::Late))
                .is_empty()
        );
        // Late to Stopped: the Stopped one is shown, the Late one no longer.
        alerts.on_transitions(&[turn("c", Status::Running, Status::Late)], 100_000, true);
        let stopped =
            alerts.on_transitions(&[turn("c", Status::Late, Status::Stopped)], 110_000, true);
        assert_eq!(stopped.len(), 1);
        assert!(
            alerts
                .on_tick(500_000, true, |_| Some(Status::Late))
                .is_empty()
        );
    }

    #[test]
    fn nothing_while_the_page_is_offline() {
        let mut alerts = Alerts::default();
        assert!(
            alerts
                .on_transitions(&[turn("x", Status::Running, Status::Crashed)], 0, false)
                .is_empty()
        );
        alerts.on_transitions(&[turn("x", Status::Running, Status::Crashed)], 0, false);
        alerts.on_transitions(&[turn("x", Status::Running, Status::Crashed)], 0, true);
        alerts.on_transitions(&[turn("a", Status::Running, Status::Crashed)], 0, false);
        alerts.on_transitions(&[turn("c", Status::Running, Status::Late)], 0, true);
        alerts.on_transitions(&[turn("d", Status::Running, Status::Late)], 0, true);
        assert!(
            alerts
                .on_tick(70_000, false, |_| Some(Status::Late))
                .is_empty()
        );
        // Back: c is Late still and is due; d recovered while the page was away.
        let due = alerts.on_tick(80_000, true, |name| {
            Some(if name == "c" {
                Status::Late
            } else {
                Status::Running
            })
        });
        let titles: Vec<&str> = due.iter().map(|alert| alert.title.as_str()).collect();
        assert_eq!(titles, ["c: Late"]);
        assert!(
            alerts
                .on_tick(200_000, true, |_| Some(Status::Late))
                .is_empty()
        );
    }

    #[test]
    fn a_crash_seen_while_offline_is_told_once_live_if_it_still_holds() {
        let mut alerts = Alerts::default();
        alerts.on_transitions(
            &[
                turn("a", Status::Running, Status::Crashed),
                turn("b", Status::Running, Status::Stopped),
                turn("c", Status::Running, Status::Crashed),
            ],
            0,
            false,
        );
        // Offline still: nothing. c then Stopped: told as Running to Stopped.
        assert!(
            alerts
                .on_tick(1_000, false, |_| Some(Status::Crashed))
                .is_empty()
        );
        alerts.on_transitions(&[turn("c", Status::Crashed, Status::Stopped)], 2_000, false);
        let status = |name: &str| {
            Some(match name {
                "a" => Status::Crashed,
                "b" => Status::Running,
                _ => Status::Stopped,
            })
        };
        let due = alerts.on_tick(3_000, true, status);
        let told: Vec<(&str, &str)> = due
            .iter()
            .map(|alert| (alert.title.as_str(), alert.body.as_str()))
            .collect();
        assert_eq!(
            told,
            [
                ("a: Crashed", "Was Running."),
                ("c: Stopped", "Was Running.")
            ],
            "b recovered before the page was back"
        );
        assert!(alerts.on_tick(4_000, true, status).is_empty(), "once");
    }
}
