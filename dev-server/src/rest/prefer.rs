//! The `Prefer` header: every header value is split on commas and trimmed, and the first
//! recognised value of each kind wins (PostgREST `Preferences.hs`). Unknown values are ignored.

use axum::http::HeaderMap;

/// What the response should contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Return {
    /// No body (PostgREST's default for writes).
    #[default]
    Minimal,
    /// The affected rows as a JSON array.
    Representation,
    /// Headers only.
    HeadersOnly,
}

/// What to do on a primary-key conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// `ON CONFLICT DO UPDATE`
    MergeDuplicates,
    /// `ON CONFLICT DO NOTHING`
    IgnoreDuplicates,
}

/// The preferences of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    /// `return=`
    pub r#return: Option<Return>,
    /// `resolution=`
    pub resolution: Option<Resolution>,
    /// `count=exact` (planned and estimated are answered exactly too).
    pub count_exact: bool,
    /// `missing=default`
    pub missing_default: bool,
    /// `Accept: application/vnd.pgrst.object+json`: one object instead of an array (set by the
    /// caller from the Accept header, kept here because it shapes the response like a preference).
    pub singular: bool,
    /// The recognised values, in order, for `Preference-Applied`.
    pub applied: Vec<&'static str>,
}

impl Preferences {
    /// The `Prefer` headers, and whether `Accept` asks for one object
    /// (`application/vnd.pgrst.object+json`).
    pub fn of_request(headers: &HeaderMap) -> Self {
        let mut preferences = Self::from_headers(headers);
        preferences.singular = headers
            .get(axum::http::header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("application/vnd.pgrst.object+json"));
        preferences
    }

    /// Reads every `Prefer` header.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut preferences = Self::default();
        let values = headers
            .get_all("prefer")
            .iter()
            .filter_map(|value| value.to_str().ok());
        for item in values.flat_map(|value| value.split(',')).map(str::trim) {
            match item {
                "return=minimal" | "return=representation" | "return=headers-only"
                    if preferences.r#return.is_none() =>
                {
                    let (value, name) = match item {
                        "return=representation" => {
                            (Return::Representation, "return=representation")
                        }
                        "return=headers-only" => (Return::HeadersOnly, "return=headers-only"),
                        _ => (Return::Minimal, "return=minimal"),
                    };
                    preferences.r#return = Some(value);
                    preferences.applied.push(name);
                }
                "resolution=merge-duplicates" if preferences.resolution.is_none() => {
                    preferences.resolution = Some(Resolution::MergeDuplicates);
                    preferences.applied.push("resolution=merge-duplicates");
                }
                "resolution=ignore-duplicates" if preferences.resolution.is_none() => {
                    preferences.resolution = Some(Resolution::IgnoreDuplicates);
                    preferences.applied.push("resolution=ignore-duplicates");
                }
                "count=exact" | "count=planned" | "count=estimated" if !preferences.count_exact => {
                    preferences.count_exact = true;
                    preferences.applied.push("count=exact");
                }
                "missing=default" if !preferences.missing_default => {
                    preferences.missing_default = true;
                    preferences.applied.push("missing=default");
                }
                _ => {}
            }
        }
        preferences
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_joined_and_repeated_headers_are_read_first_wins() {
        let mut headers = HeaderMap::new();
        headers.append(
            "prefer",
            "resolution=merge-duplicates,return=representation"
                .parse()
                .unwrap(),
        );
        headers.append("prefer", "return=minimal, count=exact".parse().unwrap());
        let preferences = Preferences::from_headers(&headers);
        assert_eq!(preferences.resolution, Some(Resolution::MergeDuplicates));
        assert_eq!(preferences.r#return, Some(Return::Representation));
        assert!(preferences.count_exact);
        assert_eq!(
            preferences.applied,
            [
                "resolution=merge-duplicates",
                "return=representation",
                "count=exact"
            ]
        );
    }
}
