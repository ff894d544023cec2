//! The alert counts the section may read (`public.hp_alert_health`, one row refreshed by every
//! run of the alert drain): how many alerts could not be delivered, and how many alert routes are
//! failing. Read leniently: a missing or malformed row says nothing rather than something wrong.

use crate::wire::json::Json;

/// How often the section asks again (the drain refreshes the row every 10 s).
pub const ALERT_HEALTH_EVERY_MS: u32 = 60_000;

/// The query the section sends (the path after `/rest/v1/`).
pub const ALERT_HEALTH_QUERY: &str = "hp_alert_health?select=undeliverable,failing_routes&limit=1";

/// The counts of `public.hp_alert_health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AlertHealth {
    /// Alerts in dead messages, or waiting on a broken or long-failing route.
    pub undeliverable: u64,
    /// Routes broken, or failing for over an hour.
    pub failing_routes: u64,
}

impl AlertHealth {
    /// Reads the REST answer (an array of at most one row); `None` for no row or an unusable one.
    pub fn from_body(body: &str) -> Option<Self> {
        let json = Json::parse(body).ok()?;
        let row = json.as_array()?.first()?;
        let count = |key: &str| row.get(key).and_then(Json::as_i64).map(|n| n.max(0) as u64);
        Some(Self {
            undeliverable: count("undeliverable")?,
            failing_routes: count("failing_routes")?,
        })
    }

    /// What the section says, or nothing when alerts are getting through.
    pub fn notice(&self) -> Option<String> {
        let alerts = match self.undeliverable {
            0 => None,
            1 => Some("1 alert could not be delivered".to_owned()),
            n => Some(format!("{n} alerts could not be delivered")),
        };
        let routes = match self.failing_routes {
            0 => None,
            1 => Some("1 alert route is failing".to_owned()),
            n => Some(format!("{n} alert routes are failing")),
        };
        let said = match (alerts, routes) {
            (None, None) => return None,
            (Some(alerts), Some(routes)) => format!("{alerts}; {routes}"),
            (Some(one), None) | (None, Some(one)) => one,
        };
        Some(format!(
            "{said}. Workers going down may not reach Slack, email or your webhook: whoever runs the alerts can see why in supabase/check.sql."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_is_read_and_anything_else_says_nothing() {
        assert_eq!(
            AlertHealth::from_body(r#"[{"undeliverable": 3, "failing_routes": 1}]"#),
            Some(AlertHealth {
                undeliverable: 3,
                failing_routes: 1
            })
        );
        for body in [
            "[]",
            "{}",
            "not json",
            r#"[{"undeliverable": "3"}]"#,
            r#"[{"undeliverable": 1}]"#,
        ] {
            assert_eq!(AlertHealth::from_body(body), None, "{body}");
        }
    }

    #[test]
    fn the_notice_counts_alerts_and_routes_and_is_silent_when_all_is_well() {
        assert_eq!(AlertHealth::default().notice(), None);
        let one = AlertHealth {
            undeliverable: 1,
            failing_routes: 0,
        }
        .notice()
        .unwrap_or_default();
        assert!(one.starts_with("1 alert could not be delivered. "), "{one}");
        let both = AlertHealth {
            undeliverable: 12,
            failing_routes: 2,
        }
        .notice()
        .unwrap_or_default();
        assert!(
            both.starts_with("12 alerts could not be delivered; 2 alert routes are failing. "),
            "{both}"
        );
        let routes = AlertHealth {
            undeliverable: 0,
            failing_routes: 1,
        }
        .notice()
        .unwrap_or_default();
        assert!(routes.starts_with("1 alert route is failing. "), "{routes}");
    }
}
