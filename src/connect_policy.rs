//! The host page's Content-Security-Policy refusing the section's connections: a
//! `securitypolicyviolation` of `connect-src` for the Supabase project's origin (REST) or its
//! WebSocket twin. The error panel then names the origins to add, instead of a generic network
//! error (a refused `fetch` looks like any other failed one).

use crate::config::Config;

/// The origins the section connects to for `config`: `https://host` and `wss://host` (or
/// `http`/`ws` for a local stack). `None` for a URL without a scheme and host.
pub fn origins(config: &Config) -> Option<(String, String)> {
    let url = &config.supabase_url;
    let (socket, rest) = if let Some(rest) = url.strip_prefix("https://") {
        ("wss://", rest)
    } else {
        ("ws://", url.strip_prefix("http://")?)
    };
    let host = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if host.is_empty() {
        return None;
    }
    let origin = url[..url.len() - rest.len() + host.len()].to_owned();
    Some((origin, socket.to_owned() + host))
}

/// Whether a violation of `directive` that blocked `blocked_uri` refused a connection to one of
/// `origins`.
pub fn is_ours(directive: &str, blocked_uri: &str, (rest, socket): &(String, String)) -> bool {
    directive == "connect-src"
        && [rest, socket].into_iter().any(|origin| {
            blocked_uri
                .strip_prefix(origin.as_str())
                .is_some_and(|after| matches!(after.bytes().next(), None | Some(b'/' | b'?')))
        })
}

/// Calls `on_refused` with `config`'s origins when the page's policy refuses one of its
/// connections, until the section unmounts.
pub fn watch(config: &Config, on_refused: impl Fn((String, String)) + 'static) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Some(ours) = origins(config) else {
        return;
    };
    let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
        move |event: web_sys::Event| {
            // Only this event is listened to: its type is known.
            let violation = event.unchecked_ref::<web_sys::SecurityPolicyViolationEvent>();
            if is_ours(
                &violation.effective_directive(),
                &violation.blocked_uri(),
                &ours,
            ) {
                on_refused(ours.clone());
            }
        },
    );
    crate::lifetime::listen_until_unmount(
        document.into(),
        "securitypolicyviolation",
        &web_sys::AddEventListenerOptions::new(),
        listener,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> Config {
        Config::from_parts(Some(url.to_owned()), Some("sb_publishable_x".to_owned()))
    }

    #[test]
    fn the_project_and_its_websocket_are_ours_and_nothing_else_is() {
        let custom = origins(&config("https://api.example.com/")).unwrap_or_default();
        assert_eq!(
            custom,
            (
                "https://api.example.com".to_owned(),
                "wss://api.example.com".to_owned()
            )
        );
        assert!(is_ours(
            "connect-src",
            "https://api.example.com/rest/v1/hp_worker_status?select=*",
            &custom
        ));
        assert!(is_ours(
            "connect-src",
            "wss://api.example.com/realtime/v1/websocket",
            &custom
        ));
        assert!(is_ours("connect-src", "https://api.example.com", &custom));
        assert!(!is_ours(
            "connect-src",
            "https://api.example.com.evil.test/x",
            &custom
        ));
        assert!(!is_ours(
            "script-src-elem",
            "https://api.example.com/x.js",
            &custom
        ));
        assert!(!is_ours(
            "connect-src",
            "https://other.example.com/",
            &custom
        ));
        let local = origins(&config("http://127.0.0.1:54321")).unwrap_or_default();
        assert!(is_ours(
            "connect-src",
            "ws://127.0.0.1:54321/realtime/v1/websocket?apikey=k",
            &local
        ));
        assert_eq!(origins(&config("api.example.com")), None);
    }
}
