//! A worker's status changing, as a sentence for screen readers (issue 13): one sentence per
//! transition, naming the worker, never the ticking clock. A burst (a whole fleet turning Late at
//! once) is named up to a few workers and then counted, so the announcement stays listenable.

use crate::rules::status::Status;

/// Workers named in one announcement before the rest are counted.
pub const NAMED_AT_MOST: usize = 5;

/// One worker's status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Which worker.
    pub worker_name: String,
    /// Its status before.
    pub from: Status,
    /// Its status now.
    pub to: Status,
}

impl Transition {
    /// "crawl-worker is now Stopped (was Running)."
    pub fn sentence(&self) -> String {
        format!(
            "{} is now {} (was {}).",
            self.worker_name,
            self.to.label(),
            self.from.label()
        )
    }
}

/// What to announce for a batch of transitions; empty when there are none.
pub fn announcement(transitions: &[Transition]) -> String {
    let mut sentences: Vec<String> = transitions
        .iter()
        .take(NAMED_AT_MOST)
        .map(Transition::sentence)
        .collect();
    if transitions.len() > NAMED_AT_MOST {
        let rest = transitions.len() - NAMED_AT_MOST;
        sentences.push(format!(
            "{rest} more worker{} changed status.",
            if rest == 1 { "" } else { "s" }
        ));
    }
    sentences.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(name: &str, from: Status, to: Status) -> Transition {
        Transition {
            worker_name: name.to_owned(),
            from,
            to,
        }
    }

    #[test]
    fn one_sentence_per_transition_naming_the_worker() {
        let text = announcement(&[
            change("crawl-worker", Status::Running, Status::Stopped),
            change("x-autopost", Status::Late, Status::Running),
        ]);
        assert_eq!(
            text,
            "crawl-worker is now Stopped (was Running). x-autopost is now Running (was Late)."
        );
        assert_eq!(announcement(&[]), "");
    }

    #[test]
    fn a_burst_names_five_and_counts_the_rest() {
        let burst: Vec<Transition> = (0..12)
            .map(|i| change(&format!("w{i}"), Status::Running, Status::Late))
            .collect();
        let text = announcement(&burst);
        assert!(text.starts_with("w0 is now Late (was Running)."));
        assert!(text.ends_with("7 more workers changed status."));
        assert!(!text.contains("w5 "));
    }
}
