//! JSON as the dashboard reads and writes it: a small value type, a strict parser and a compact
//! writer, made for the browser bundle (serde_json, its float machinery and its map cost about a
//! tenth of the release wasm; see README, "What the bundle weighs").
//!
//! Numbers keep their source text: the dashboard only ever needs integers from them (counts,
//! refs), shows everything else as it arrived, and so carries no float parser or printer.
//! Objects keep their keys in arrival order; a repeated key's last value wins, as in serde_json.
//! Hostile input is an error with a position, never a panic: nesting is capped, lone UTF-16
//! surrogates become U+FFFD, control characters in strings are refused.

use std::ops::Index;

use self::parse::Parser;
use self::write::write_string;

mod parse;
mod write;

/// How deep arrays and objects may nest (serde_json's own default limit is 128).
pub const MAX_DEPTH: usize = 128;

/// A JSON object: key/value pairs in arrival order.
pub type Object = Vec<(String, Json)>;

/// One JSON value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Json {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its (validated) source text.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Self>),
    /// An object.
    Object(Object),
}

/// Why a text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason} at byte {position}")]
pub struct JsonError {
    /// What was wrong.
    pub reason: &'static str,
    /// Where, in bytes from the start.
    pub position: usize,
}

static NULL: Json = Json::Null;

impl Json {
    /// Parses a whole text: one value, surrounded by nothing but whitespace.
    pub fn parse(text: &str) -> Result<Self, JsonError> {
        Parser::whole(text)
    }

    /// Parses bytes that must be UTF-8 JSON.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Self, JsonError> {
        let text = std::str::from_utf8(bytes).map_err(|error| JsonError {
            reason: "not UTF-8",
            position: error.valid_up_to(),
        })?;
        Self::parse(text)
    }

    /// An object from pairs.
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Self)>) -> Self {
        Self::Object(
            pairs
                .into_iter()
                .map(|(key, value)| (key.into(), value))
                .collect(),
        )
    }

    /// A string value.
    pub fn string(text: impl Into<String>) -> Self {
        Self::String(text.into())
    }

    /// An integer value.
    pub fn integer(number: i64) -> Self {
        Self::Number(number.to_string())
    }

    /// The member `key` of an object (the last one if repeated); `None` for other values.
    pub fn get(&self, key: &str) -> Option<&Self> {
        self.as_object()?
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    /// Removes and returns the member `key` of an object (every copy of it; the last one wins).
    pub fn take(&mut self, key: &str) -> Option<Self> {
        let Self::Object(pairs) = self else {
            return None;
        };
        let mut found = None;
        pairs.retain_mut(|(name, value)| {
            if name == key {
                found = Some(std::mem::take(value));
                false
            } else {
                true
            }
        });
        found
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// A number written as an integer that fits in `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Number(text) => text.parse().ok(),
            _ => None,
        }
    }

    /// A boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The items of an array.
    pub fn as_array(&self) -> Option<&[Self]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The pairs of an object.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Self::Object(pairs) => Some(pairs),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Appends compact JSON text to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(true) => out.push_str("true"),
            Self::Bool(false) => out.push_str("false"),
            Self::Number(text) => out.push_str(text),
            Self::String(text) => write_string(text, out),
            Self::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Self::Object(pairs) => {
                out.push('{');
                for (index, (key, value)) in pairs.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl From<&str> for Json {
    fn from(text: &str) -> Self {
        Self::String(text.to_owned())
    }
}

impl From<String> for Json {
    fn from(text: String) -> Self {
        Self::String(text)
    }
}

impl From<bool> for Json {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl<T: Into<Self>> From<Option<T>> for Json {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Into::into)
    }
}

/// `value["key"]`: the member, or `null` when absent or not an object.
impl Index<&str> for Json {
    type Output = Self;
    fn index(&self, key: &str) -> &Self {
        self.get(key).unwrap_or(&NULL)
    }
}

/// `value[i]`: the item, or `null` when absent or not an array.
impl Index<usize> for Json {
    type Output = Self;
    fn index(&self, index: usize) -> &Self {
        self.as_array()
            .and_then(|items| items.get(index))
            .unwrap_or(&NULL)
    }
}

impl PartialEq<&str> for Json {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<i64> for Json {
    fn eq(&self, other: &i64) -> bool {
        self.as_i64() == Some(*other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_realtime_frame_round_trips_with_its_key_order() {
        let text = r#"[null,"26","realtime:x","postgres_changes",{"ids":[1,2],"data":{"type":"UPDATE","record":{"jobs_processed":142,"ratio":1.50,"ok":true,"e":-2.5E+3,"metadata":{}},"errors":null}}]"#;
        let value = Json::parse(text).unwrap();
        assert_eq!(value.to_json(), text);
        assert_eq!(value[4]["data"]["record"]["jobs_processed"], 142);
        assert_eq!(value[4]["data"]["type"], "UPDATE");
        assert!(value[4]["data"]["errors"].is_null());
        assert!(value[4]["nothing"]["deeper"].is_null());
    }

    #[test]
    fn strings_unescape_and_escape_back() {
        let value = Json::parse(r#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00\u0001""#).unwrap();
        assert_eq!(value.as_str(), Some("a\"b\\c/d\n\té😀\u{1}"));
        assert_eq!(value.to_json(), r#""a\"b\\c/d\n\té😀\u0001""#);
        assert_eq!(
            Json::parse(r#""<script>alert(1)</script>""#).unwrap(),
            "<script>alert(1)</script>"
        );
    }

    #[test]
    fn lone_surrogates_become_the_replacement_character() {
        assert_eq!(Json::parse(r#""\ud800x""#).unwrap(), "\u{fffd}x");
        assert_eq!(Json::parse(r#""\udc00""#).unwrap(), "\u{fffd}");
        assert_eq!(Json::parse(r#""\ud800\u0041""#).unwrap(), "\u{fffd}A");
    }

    #[test]
    fn a_repeated_key_takes_its_last_value() {
        let mut value = Json::parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(value["a"], 3);
        assert_eq!(value.take("a"), Some(Json::integer(3)));
        assert_eq!(value.to_json(), r#"{"b":2}"#);
    }

    #[test]
    fn integers_read_only_when_exact() {
        assert_eq!(
            Json::parse("9223372036854775807").unwrap().as_i64(),
            Some(i64::MAX)
        );
        assert_eq!(Json::parse("9223372036854775808").unwrap().as_i64(), None);
        assert_eq!(Json::parse("142.0").unwrap().as_i64(), None);
        assert_eq!(Json::parse("-0").unwrap().as_i64(), Some(0));
    }

    #[test]
    fn malformed_texts_are_errors_with_a_position() {
        for (text, reason) in [
            ("", "unexpected end"),
            ("{", "expected a key"),
            ("[1,]", "expected a value"),
            ("[1 2]", "expected `,` or `]`"),
            (r#"{"a" 1}"#, "expected `:`"),
            (r#"{"a":1,}"#, "expected a key"),
            ("01", "trailing characters"),
            ("1.", "invalid number"),
            ("-", "invalid number"),
            ("1e", "invalid number"),
            ("tru", "expected a value"),
            ("\"abc", "unterminated string"),
            ("\"a\u{1}\"", "control character in a string"),
            (r#""\x""#, "invalid escape"),
            (r#""\u12g4""#, "invalid \\u escape"),
            ("[] []", "trailing characters"),
            ("NaN", "expected a value"),
        ] {
            let error = Json::parse(text).unwrap_err();
            assert_eq!(error.reason, reason, "{text:?}");
            assert!(error.position <= text.len());
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert_eq!(Json::parse(&deep).unwrap_err().reason, "nested too deeply");
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(Json::parse(&fine).is_ok());
    }

    #[test]
    fn whitespace_and_unicode_keys_are_fine() {
        let value = Json::parse(" {\n\t\"ключ\" : [ true , false , null ] } \r\n").unwrap();
        assert_eq!(value.to_json(), r#"{"ключ":[true,false,null]}"#);
        assert_eq!(Json::parse_bytes(b"\xff").unwrap_err().reason, "not UTF-8");
    }

    #[test]
    fn agrees_with_serde_json_on_generated_documents() {
        // A small deterministic generator: every document serde_json writes, we read and write
        // back byte for byte (numbers keep their text), and serde_json reads what we write.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2_000 {
            let value = generate(&mut next, 0);
            let text = value.to_string();
            let ours = Json::parse(&text).unwrap();
            assert_eq!(ours.to_json(), text);
            assert!(serde_json::from_str::<serde_json::Value>(&ours.to_json()).is_ok());
        }
    }

    fn generate(next: &mut impl FnMut() -> u64, depth: u32) -> serde_json::Value {
        use serde_json::Value;
        let pick = next() % if depth > 3 { 5 } else { 7 };
        match pick {
            0 => Value::Null,
            1 => Value::Bool(next().is_multiple_of(2)),
            2 => Value::from(next() as i64),
            3 => Value::from((next() % 1_000_000) as f64 / 7.0),
            4 => Value::String(
                (0..next() % 8)
                    .filter_map(|_| char::from_u32((next() % 0x11_0000) as u32))
                    .collect(),
            ),
            5 => Value::Array((0..next() % 4).map(|_| generate(next, depth + 1)).collect()),
            _ => Value::Object(
                (0..next() % 4)
                    .map(|i| (format!("k{i}"), generate(next, depth + 1)))
                    .collect(),
            ),
        }
    }
}
