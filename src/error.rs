//! Load failures and how each is shown: plain words and what to do. Live-connection trouble is
//! not an error but state (see `state::clock::Clock::connection`).

/// Why the REST snapshot failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No answer: network down, server stopped, CORS.
    #[error("network error: {0}")]
    Network(String),
    /// 401/403: the key was refused.
    #[error("HTTP {status}: {message}")]
    Unauthorized {
        /// HTTP status.
        status: u16,
        /// Server message.
        message: String,
    },
    /// 404: the table is not there.
    #[error("HTTP 404: {0}")]
    NotFound(String),
    /// Any other non-2xx.
    #[error("HTTP {status}: {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// Server message.
        message: String,
    },
    /// A 2xx whose body is not a JSON array.
    #[error("unexpected response: {0}")]
    BadResponse(String),
    /// No answer in time.
    #[error("no answer within {0} s")]
    Timeout(u32),
}

impl ApiError {
    /// The headline shown to a person.
    pub fn headline(&self) -> &'static str {
        match self {
            Self::Network(_) | Self::Timeout(_) => "Can't reach the status service",
            Self::Unauthorized { .. } => "The status service refused our key",
            Self::NotFound(_) => "The worker status table was not found",
            Self::Server { .. } => "The status service had a problem",
            Self::BadResponse(_) => "The status service sent something unexpected",
        }
    }

    /// What to do about it.
    pub fn advice(&self) -> &'static str {
        match self {
            Self::Network(_) | Self::Timeout(_) => {
                "Check the network or whether the service is running. We retry automatically; you can also retry now."
            }
            Self::Unauthorized { .. } => {
                "Check that the key (the supabase-key attribute, or SUPABASE_PUBLISHABLE_KEY when building) is this project's publishable key."
            }
            Self::NotFound(_) => {
                "Run the migration in supabase/migrations on this project, then retry."
            }
            Self::Server { .. } | Self::BadResponse(_) => {
                "Retry in a moment. If it persists, check the project's logs."
            }
        }
    }
}

/// A thrown JavaScript value in words: `Name: message` for errors, the text for strings. (Not
/// `{:?}`: the release build compiles `Debug` formatting out.)
pub fn thrown_text(thrown: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    match thrown.dyn_ref::<js_sys::Error>() {
        Some(error) => format!(
            "{}: {}",
            String::from(error.name()),
            String::from(error.message())
        ),
        None => thrown
            .as_string()
            .unwrap_or_else(|| "unknown error".to_owned()),
    }
}
