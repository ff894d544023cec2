//! Where the data comes from and the tunables, read once when a section mounts. The element's
//! `supabase-url` and `supabase-key` attributes win; otherwise the loader's defaults apply (the
//! build-time `SUPABASE_URL` and `SUPABASE_PUBLISHABLE_KEY`, or the legacy `SUPABASE_ANON_KEY`,
//! which scripts/write-loader.mjs writes into the deployment's loader and never into the npm
//! package's); debug builds fall back to the local stack and its publishable key. The wasm holds
//! no URL or key, so the deployment and the package ship the same compiled modules. Only a
//! public key (publishable, or the legacy anon JWT) ever belongs here: secret keys are refused.

use dashboard_core::rules::status::Thresholds;
use wasm_bindgen::JsValue;

/// Table the section shows.
pub const TABLE: &str = "hp_worker_status";
/// The history table (issue 13).
pub const HISTORY_TABLE: &str = "hp_worker_events";
/// Realtime channel topic.
pub const TOPIC: &str = "realtime:worker-status";
/// How often the shared clock ticks ("Last seen", Late and Stopped), in ms.
pub const CLOCK_TICK_MS: u32 = 1_000;
/// How often the channel state machine gets a `Tick`, in ms.
pub const CHANNEL_TICK_MS: u32 = 250;
/// Longest wait for the REST snapshot, in ms.
pub const SNAPSHOT_TIMEOUT_MS: u32 = 10_000;
/// Metadata lists longer than this start collapsed.
pub const METADATA_VISIBLE: usize = 4;

/// The loader's fallbacks for a missing attribute: `{ url, key, realtime }`, each a string,
/// empty when unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    /// For `supabase-url`.
    pub url: Option<String>,
    /// For `supabase-key`.
    pub key: Option<String>,
    /// For `realtime`.
    pub realtime: Option<String>,
}

impl Defaults {
    /// Reads the loader's `{ url, key, realtime }`; what is missing, blank or not a string is `None`.
    pub fn from_js(value: &JsValue) -> Self {
        let field = |name: &str| {
            crate::prefetch::loader_field(value, name)
                .and_then(|field| field.as_string())
                .filter(|text| !text.trim().is_empty())
        };
        Self {
            url: field("url"),
            key: field("key"),
            realtime: field("realtime"),
        }
    }
}

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Project URL without trailing slash.
    pub supabase_url: String,
    /// Public key: a publishable key (`sb_publishable_…`) or the legacy anon JWT.
    pub key: String,
    /// Late and Stopped thresholds.
    pub thresholds: Thresholds,
    /// Whether the page's title and icon show the problem count (`update-title`).
    pub update_title: bool,
    /// The metadata key the list is grouped by at first (`group-by`).
    pub group_by: Option<String>,
    /// The wall-screen view (`view="tv"`).
    pub tv: bool,
    /// Follow the table through Broadcast from the database (`realtime="broadcast"`, or
    /// `SUPABASE_REALTIME=broadcast` when building) instead of Postgres Changes (issue 14).
    pub broadcast: bool,
}

impl Config {
    /// The element's attributes, then the loader's defaults.
    pub fn resolve(element: &web_sys::Element, defaults: &Defaults) -> Self {
        let attribute = |name: &str| {
            element
                .get_attribute(name)
                .filter(|value| !value.trim().is_empty())
        };
        let mut config = Self::from_parts(
            attribute("supabase-url").or_else(|| defaults.url.clone()),
            attribute("supabase-key").or_else(|| defaults.key.clone()),
        );
        config.update_title = element
            .get_attribute("update-title")
            .is_some_and(|value| value != "false");
        config.group_by = attribute("group-by").map(|key| key.trim().to_owned());
        config.tv = attribute("view").is_some_and(|view| view.trim().eq_ignore_ascii_case("tv"));
        config.broadcast = attribute("realtime")
            .or_else(|| defaults.realtime.clone())
            .is_some_and(|mode| mode.trim().eq_ignore_ascii_case("broadcast"));
        config.thresholds = Thresholds::from_seconds(
            attribute("late-after").as_deref(),
            attribute("stopped-after").as_deref(),
        );
        config
    }

    /// Fills gaps with the local stack's defaults in debug builds only.
    pub fn from_parts(url: Option<String>, key: Option<String>) -> Self {
        let default = |value: &'static str| {
            if cfg!(debug_assertions) {
                value.to_owned()
            } else {
                String::new()
            }
        };
        Self {
            supabase_url: url
                .unwrap_or_else(|| default(dashboard_core::local_stack::URL))
                .trim()
                .trim_end_matches('/')
                .to_owned(),
            key: key
                .unwrap_or_else(|| default(dashboard_core::local_stack::PUBLISHABLE_KEY))
                .trim()
                .to_owned(),
            thresholds: Thresholds::default(),
            update_title: false,
            group_by: None,
            tv: false,
            broadcast: false,
        }
    }

    /// What is wrong with the configuration, in words for the page, if anything.
    pub fn problem(&self) -> Option<String> {
        if !(self.supabase_url.starts_with("http://") || self.supabase_url.starts_with("https://"))
        {
            return Some("No Supabase URL is configured. Set the supabase-url attribute, or SUPABASE_URL when building.".to_owned());
        }
        if self.key.is_empty() {
            return Some("No Supabase key is configured. Set the supabase-key attribute to the project's publishable key (sb_publishable_…), or SUPABASE_PUBLISHABLE_KEY when building.".to_owned());
        }
        if self.key.starts_with("sb_secret_")
            || key_role(&self.key).as_deref() == Some("service_role")
        {
            return Some("The configured key is a secret key, which must never reach a browser: anyone could read it and write to the database. Use the project's publishable key (sb_publishable_…, or the legacy anon key) instead, and rotate the secret key if this page was public.".to_owned());
        }
        None
    }

    /// `wss://…/realtime/v1/websocket?apikey=…&vsn=2.0.0`, as supabase-js opens it.
    pub fn websocket_url(&self) -> String {
        let base = self.supabase_url.replacen("http", "ws", 1);
        format!(
            "{base}{}?apikey={}&vsn=2.0.0",
            dashboard_core::wire::protocol::WEBSOCKET_PATH,
            self.key
        )
    }
}

/// The `role` claim of a JWT key (no verification: only to refuse obvious misconfiguration).
fn key_role(key: &str) -> Option<String> {
    let payload = key.split('.').nth(1)?;
    let bytes = base64_url_decode(payload)?;
    let json = dashboard_core::wire::json::Json::parse_bytes(&bytes).ok()?;
    json.get("role")?.as_str().map(str::to_owned)
}

fn base64_url_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for byte in text.bytes().filter(|b| *b != b'=') {
        let value = ALPHABET.iter().position(|c| *c == byte)? as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashboard_core::local_stack::{ANON_KEY, PUBLISHABLE_KEY, SECRET_KEY, SERVICE_ROLE_KEY};

    #[test]
    fn debug_builds_default_to_the_local_stack_and_its_publishable_key() {
        let config = Config::from_parts(None, None);
        assert_eq!(config.supabase_url, "http://127.0.0.1:54321");
        assert_eq!(config.key, PUBLISHABLE_KEY);
        assert_eq!(config.problem(), None);
        assert_eq!(
            config.websocket_url(),
            format!(
                "ws://127.0.0.1:54321/realtime/v1/websocket?apikey={PUBLISHABLE_KEY}&vsn=2.0.0"
            )
        );
    }

    #[test]
    fn publishable_and_legacy_anon_keys_are_accepted() {
        for key in [PUBLISHABLE_KEY, ANON_KEY] {
            let config = Config::from_parts(Some("https://x.supabase.co".into()), Some(key.into()));
            assert_eq!(config.problem(), None, "{key}");
        }
    }

    #[test]
    fn secret_keys_are_refused_with_what_to_use() {
        for key in [SECRET_KEY, SERVICE_ROLE_KEY] {
            let config =
                Config::from_parts(Some("https://x.supabase.co/".into()), Some(key.into()));
            assert_eq!(config.supabase_url, "https://x.supabase.co");
            let problem = config.problem().unwrap_or_default();
            assert!(problem.contains("secret key"), "{key}: {problem}");
            assert!(problem.contains("sb_publishable_"), "{key}: {problem}");
        }
    }

    #[test]
    fn https_becomes_wss() {
        let config =
            Config::from_parts(Some("https://x.supabase.co".into()), Some(ANON_KEY.into()));
        assert!(
            config
                .websocket_url()
                .starts_with("wss://x.supabase.co/realtime/v1/websocket?apikey=")
        );
    }
}
