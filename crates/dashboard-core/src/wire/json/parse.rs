//! The strict parser: one pass over the text, positions in every error, nesting capped at
//! `MAX_DEPTH`, lone surrogates replaced, control characters in strings refused.

use super::{Json, JsonError, MAX_DEPTH};

pub(super) struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    /// A whole text: one value, surrounded by nothing but whitespace.
    pub(super) fn whole(text: &str) -> Result<Json, JsonError> {
        let mut parser = Parser { text, at: 0 };
        let value = parser.value(0)?;
        parser.skip_whitespace();
        if parser.at < text.len() {
            return Err(parser.error("trailing characters"));
        }
        Ok(value)
    }

    fn error(&self, reason: &'static str) -> JsonError {
        JsonError {
            reason,
            position: self.at,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8, reason: &'static str) -> Result<(), JsonError> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        self.skip_whitespace();
        match self.peek() {
            None => Err(self.error("unexpected end")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
        }
    }

    fn literal(&mut self, word: &'static str, value: Json) -> Result<Json, JsonError> {
        if self.text.as_bytes()[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        Ok(Json::Number(self.slice(start)?.to_owned()))
    }

    /// The text from `start` to here; every stop is at an ASCII byte, so a char boundary.
    fn slice(&self, start: usize) -> Result<&str, JsonError> {
        self.text
            .get(start..self.at)
            .ok_or_else(|| self.error("invalid UTF-8 boundary"))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.push_str(self.slice(start)?);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.error("control character in a string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let Some(byte) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.at += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(self.error("invalid escape")),
        };
        out.push(c);
        Ok(())
    }

    /// After `\u`: four hex digits, combined with a following low surrogate when they are a
    /// high one. A lone surrogate (which JavaScript's `JSON.stringify` can produce) is U+FFFD.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) && self.text.as_bytes()[self.at..].starts_with(b"\\u")
        {
            let rewind = self.at;
            self.at += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Ok(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            self.at = rewind;
        }
        Ok(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(byte @ b'0'..=b'9') => byte - b'0',
                Some(byte @ b'a'..=b'f') => byte - b'a' + 10,
                Some(byte @ b'A'..=b'F') => byte - b'A' + 10,
                _ => return Err(self.error("invalid \\u escape")),
            };
            code = code * 16 + u32::from(digit);
            self.at += 1;
        }
        Ok(code)
    }

    fn array(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.at += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.at += 1;
        let mut pairs = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(pairs));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key"));
            }
            let key = self.string()?;
            self.expect(b':', "expected `:`")?;
            let value = self.value(depth)?;
            pairs.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(pairs));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }
}

/// Conversions for the dev server, which builds and reads payloads with serde_json.
#[cfg(feature = "serde_json")]
mod serde_interop {
    use super::Json;

    impl From<serde_json::Value> for Json {
        fn from(value: serde_json::Value) -> Self {
            match value {
                serde_json::Value::Null => Self::Null,
                serde_json::Value::Bool(value) => Self::Bool(value),
                serde_json::Value::Number(number) => Self::Number(number.to_string()),
                serde_json::Value::String(text) => Self::String(text),
                serde_json::Value::Array(items) => {
                    Self::Array(items.into_iter().map(Self::from).collect())
                }
                serde_json::Value::Object(map) => Self::Object(
                    map.into_iter()
                        .map(|(key, value)| (key, Self::from(value)))
                        .collect(),
                ),
            }
        }
    }

    /// Lets the dev server's tests compare payloads with `json!` values.
    impl PartialEq<serde_json::Value> for Json {
        fn eq(&self, other: &serde_json::Value) -> bool {
            use serde_json::Value;
            match (self, other) {
                (Self::Null, Value::Null) => true,
                (Self::Bool(ours), Value::Bool(theirs)) => ours == theirs,
                (Self::Number(ours), Value::Number(theirs)) => ours
                    .parse::<serde_json::Number>()
                    .is_ok_and(|ours| ours == *theirs),
                (Self::String(ours), Value::String(theirs)) => ours == theirs,
                (Self::Array(ours), Value::Array(theirs)) => {
                    ours.len() == theirs.len() && ours.iter().zip(theirs).all(|(a, b)| a == b)
                }
                (Self::Object(_), Value::Object(theirs)) => {
                    let Some(pairs) = self.as_object() else {
                        return false;
                    };
                    pairs.iter().all(|(key, _)| theirs.contains_key(key))
                        && theirs
                            .iter()
                            .all(|(key, value)| self.get(key).is_some_and(|ours| ours == value))
                }
                _ => false,
            }
        }
    }

    impl From<Json> for serde_json::Value {
        fn from(value: Json) -> Self {
            match value {
                Json::Null => Self::Null,
                Json::Bool(value) => Self::Bool(value),
                // Validated by the parser (or made by `Json::integer`), so it reads back.
                Json::Number(text) => serde_json::from_str(&text).unwrap_or(Self::Null),
                Json::String(text) => Self::String(text),
                Json::Array(items) => Self::Array(items.into_iter().map(Self::from).collect()),
                Json::Object(pairs) => Self::Object(
                    pairs
                        .into_iter()
                        .map(|(key, value)| (key, Self::from(value)))
                        .collect(),
                ),
            }
        }
    }
}
