//! PostgREST horizontal filters (`col=[not.]op.value`), parsed once and used by both REST
//! (turned into SQL with bound values) and Realtime subscriptions (matched against change
//! records). Only the parsing and the in-memory match live here; SQL is built in `rest::sql`.

use serde_json::Value;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `<>`
    Neq,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `<`
    Lt,
    /// `<=`
    Lte,
    /// `LIKE` with `*` as wildcard
    Like,
    /// `ILIKE` with `*` as wildcard
    Ilike,
    /// `= ANY(list)`
    In,
    /// `IS NULL | TRUE | FALSE | UNKNOWN`
    Is,
}

/// The right-hand side of `is`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsValue {
    /// `is.null`
    Null,
    /// `is.true`
    True,
    /// `is.false`
    False,
    /// `is.unknown`
    Unknown,
}

/// The value a filter compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    /// One value, as text; the database casts it to the column's type.
    Text(String),
    /// `in.(a,b,"c,d")`
    List(Vec<String>),
    /// `is.null` and friends.
    Is(IsValue),
}

/// One parsed filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Column name.
    pub column: String,
    /// `not.` prefix.
    pub negated: bool,
    /// Operator.
    pub op: Op,
    /// Right-hand side.
    pub operand: Operand,
}

impl Filter {
    /// Parses the value part of `column=<expr>`, e.g. `eq.5`, `not.in.(a,b)`, `is.null`.
    pub fn parse(column: &str, expr: &str) -> Result<Self, String> {
        let failed = || format!("failed to parse filter ({expr})");
        let (negated, rest) = match expr.strip_prefix("not.") {
            Some(rest) => (true, rest),
            None => (false, expr),
        };
        let (op_name, value) = rest.split_once('.').ok_or_else(failed)?;
        let op = match op_name {
            "eq" => Op::Eq,
            "neq" => Op::Neq,
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            "like" => Op::Like,
            "ilike" => Op::Ilike,
            "in" => Op::In,
            "is" => Op::Is,
            _ => return Err(failed()),
        };
        let operand = match op {
            Op::In => Operand::List(parse_list(value).ok_or_else(failed)?),
            Op::Is => Operand::Is(match value.to_ascii_lowercase().as_str() {
                "null" => IsValue::Null,
                "true" => IsValue::True,
                "false" => IsValue::False,
                "unknown" => IsValue::Unknown,
                _ => return Err(failed()),
            }),
            _ => Operand::Text(value.to_owned()),
        };
        if column.is_empty() {
            return Err(failed());
        }
        Ok(Self {
            column: column.to_owned(),
            negated,
            op,
            operand,
        })
    }

    /// Whether a change record (column → JSON value) passes this filter. Values compare as
    /// numbers when both sides are numeric, else as text; a missing or null value matches only
    /// `is.null`, as in SQL where comparisons with NULL are never true.
    pub fn matches(&self, record: &serde_json::Map<String, Value>) -> bool {
        let value = record.get(&self.column).unwrap_or(&Value::Null);
        let result = match (&self.operand, value) {
            (Operand::Is(IsValue::Null | IsValue::Unknown), value) => value.is_null(),
            (Operand::Is(IsValue::True), value) => value == &Value::Bool(true),
            (Operand::Is(IsValue::False), value) => value == &Value::Bool(false),
            (_, Value::Null) => return false,
            (Operand::List(items), value) => items
                .iter()
                .any(|item| compare(value, item) == Some(std::cmp::Ordering::Equal)),
            (Operand::Text(text), value) => {
                let ordering = compare(value, text);
                match self.op {
                    Op::Eq => ordering == Some(std::cmp::Ordering::Equal),
                    Op::Neq => ordering.is_some_and(|o| o != std::cmp::Ordering::Equal),
                    Op::Gt => ordering == Some(std::cmp::Ordering::Greater),
                    Op::Gte => ordering.is_some_and(|o| o != std::cmp::Ordering::Less),
                    Op::Lt => ordering == Some(std::cmp::Ordering::Less),
                    Op::Lte => ordering.is_some_and(|o| o != std::cmp::Ordering::Greater),
                    Op::Like => like(&text_of(value), text, false),
                    Op::Ilike => like(&text_of(value), text, true),
                    Op::In | Op::Is => false,
                }
            }
        };
        result != self.negated
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn compare(value: &Value, text: &str) -> Option<std::cmp::Ordering> {
    match value {
        Value::Number(number) => number.as_f64()?.partial_cmp(&text.parse::<f64>().ok()?),
        Value::Bool(flag) => Some(flag.to_string().as_str().cmp(text)),
        Value::String(own) => Some(own.as_str().cmp(text)),
        _ => None,
    }
}

/// `*` matches any run of characters (PostgREST's stand-in for `%`).
fn like(value: &str, pattern: &str, case_insensitive: bool) -> bool {
    let (value, pattern) = if case_insensitive {
        (value.to_lowercase(), pattern.to_lowercase())
    } else {
        (value.to_owned(), pattern.to_owned())
    };
    let parts: Vec<&str> = pattern.split(['*', '%']).collect();
    let mut rest = value.as_str();
    for (index, part) in parts.iter().enumerate() {
        if index == 0 {
            let Some(after) = rest.strip_prefix(part) else {
                return false;
            };
            rest = after;
        } else if index == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(position) = rest.find(part) else {
                return false;
            };
            rest = &rest[position + part.len()..];
        }
    }
    rest.is_empty()
}

/// `(a,b,"c,d")` → `["a", "b", "c,d"]`.
fn parse_list(text: &str) -> Option<Vec<String>> {
    let inner = text.strip_prefix('(')?.strip_suffix(')')?;
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => current.push(chars.next()?),
            ',' if !quoted => items.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if quoted {
        return None;
    }
    if !inner.is_empty() {
        items.push(current);
    }
    Some(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(value: Value) -> serde_json::Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn operators_parse_with_negation_lists_and_is() {
        let filter = Filter::parse("worker_name", "eq.x-autopost").unwrap();
        assert_eq!(
            (filter.op, filter.operand),
            (Op::Eq, Operand::Text("x-autopost".into()))
        );
        let filter = Filter::parse("status", "not.in.(running,\"a,b\")").unwrap();
        assert!(filter.negated);
        assert_eq!(
            filter.operand,
            Operand::List(vec!["running".into(), "a,b".into()])
        );
        assert_eq!(
            Filter::parse("c", "is.NULL").unwrap().operand,
            Operand::Is(IsValue::Null)
        );
        // A dot inside the value stays in the value.
        assert_eq!(
            Filter::parse("c", "eq.1.5").unwrap().operand,
            Operand::Text("1.5".into())
        );
    }

    #[test]
    fn bad_filters_are_refused_with_postgrest_wording() {
        assert_eq!(
            Filter::parse("c", "equals.5").unwrap_err(),
            "failed to parse filter (equals.5)"
        );
        assert!(Filter::parse("c", "5").is_err());
        assert!(Filter::parse("c", "in.(a").is_err());
        assert!(Filter::parse("c", "is.maybe").is_err());
        assert!(Filter::parse("", "eq.1").is_err());
    }

    #[test]
    fn records_match_by_number_or_text() {
        let row = record(
            json!({"worker_name":"x-autopost","jobs_processed":142,"metadata":{},"last_heartbeat":null}),
        );
        assert!(
            Filter::parse("worker_name", "eq.x-autopost")
                .unwrap()
                .matches(&row)
        );
        assert!(
            !Filter::parse("worker_name", "eq.other")
                .unwrap()
                .matches(&row)
        );
        assert!(
            Filter::parse("jobs_processed", "gt.100")
                .unwrap()
                .matches(&row)
        );
        assert!(
            Filter::parse("jobs_processed", "eq.142.0")
                .unwrap()
                .matches(&row)
        );
        assert!(
            Filter::parse("worker_name", "in.(a,x-autopost)")
                .unwrap()
                .matches(&row)
        );
        assert!(
            Filter::parse("worker_name", "like.x-*")
                .unwrap()
                .matches(&row)
        );
        assert!(
            Filter::parse("worker_name", "ilike.*AUTO*")
                .unwrap()
                .matches(&row)
        );
        assert!(
            Filter::parse("last_heartbeat", "is.null")
                .unwrap()
                .matches(&row)
        );
        assert!(
            !Filter::parse("last_heartbeat", "eq.null")
                .unwrap()
                .matches(&row),
            "null never equals"
        );
        assert!(!Filter::parse("missing", "neq.x").unwrap().matches(&row));
    }
}
