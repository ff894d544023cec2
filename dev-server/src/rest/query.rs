//! Reads a PostgREST query string: `select`, `order`, `limit`, `offset`, `on_conflict`,
//! `columns`, and every other key as a filter on that column. `+` decodes to a space, as
//! PostgREST does. Validation against the table happens in the database (unknown columns give
//! PostgreSQL's own 42703), except where PostgREST itself refuses.

use crate::error::ApiError;
use crate::filter::Filter;

/// Query keys that are not filters.
const RESERVED: [&str; 6] = [
    "select",
    "order",
    "limit",
    "offset",
    "on_conflict",
    "columns",
];

/// What the client selects.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Select {
    /// `*` (or no `select`).
    #[default]
    All,
    /// An explicit column list.
    Columns(Vec<String>),
}

/// One `order` term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTerm {
    /// Column name.
    pub column: String,
    /// `.desc`
    pub descending: bool,
    /// `.nullsfirst` (`Some(true)`) / `.nullslast` (`Some(false)`).
    pub nulls_first: Option<bool>,
}

/// A parsed query string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// `select`
    pub select: Select,
    /// `order`, in priority order.
    pub order: Vec<OrderTerm>,
    /// Every filter, ANDed.
    pub filters: Vec<Filter>,
    /// `limit`
    pub limit: Option<i64>,
    /// `offset`
    pub offset: Option<i64>,
    /// `on_conflict`
    pub on_conflict: Option<Vec<String>>,
    /// `columns`
    pub columns: Option<Vec<String>>,
}

impl Query {
    /// Parses a raw (still percent-encoded) query string.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let mut query = Self::default();
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            match key.as_ref() {
                "select" => query.select = parse_select(&value)?,
                "order" => query.order = parse_order(&value)?,
                "limit" => query.limit = Some(parse_count("limit", &value)?),
                "offset" => query.offset = Some(parse_count("offset", &value)?),
                "on_conflict" => query.on_conflict = Some(column_list(&value)),
                "columns" => query.columns = Some(column_list(&value)),
                // Kong accepts the key as a query parameter and leaves it there; it is no column.
                "apikey" => {}
                column => {
                    let filter = Filter::parse(column, &value).map_err(|message| {
                        ApiError::bad_query(message, format!("in query parameter {column}"))
                    })?;
                    query.filters.push(filter);
                }
            }
        }
        Ok(query)
    }

    /// Whether a key is one of PostgREST's own parameters.
    pub fn is_reserved(key: &str) -> bool {
        RESERVED.contains(&key)
    }
}

fn parse_select(value: &str) -> Result<Select, ApiError> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() || compact == "*" {
        return Ok(Select::All);
    }
    let columns = column_list(&compact);
    if let Some(bad) = columns
        .iter()
        .find(|c| c.is_empty() || c.contains(['(', ')', ':', '!', '*']))
    {
        return Err(ApiError::bad_query(
            format!("failed to parse select parameter ({value})"),
            format!("the local gateway supports plain column lists only; got \"{bad}\""),
        ));
    }
    Ok(Select::Columns(columns))
}

fn parse_order(value: &str) -> Result<Vec<OrderTerm>, ApiError> {
    value
        .split(',')
        .filter(|term| !term.trim().is_empty())
        .map(|term| {
            let mut parts = term.trim().split('.');
            let column = parts.next().unwrap_or_default().to_owned();
            let mut order = OrderTerm { column, descending: false, nulls_first: None };
            for modifier in parts {
                match modifier {
                    "asc" => order.descending = false,
                    "desc" => order.descending = true,
                    "nullsfirst" => order.nulls_first = Some(true),
                    "nullslast" => order.nulls_first = Some(false),
                    _ => {
                        return Err(ApiError::bad_query(
                            format!("failed to parse order ({value})"),
                            format!("unexpected \"{modifier}\" expecting \"asc\", \"desc\", \"nullsfirst\" or \"nullslast\""),
                        ));
                    }
                }
            }
            Ok(order)
        })
        .collect()
}

fn parse_count(name: &str, value: &str) -> Result<i64, ApiError> {
    value
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| {
            ApiError::bad_query(
                format!("failed to parse {name} parameter ({value})"),
                "expecting a non-negative integer",
            )
        })
}

/// `a,b` or `"a","b"` → `["a", "b"]` (supabase-js quotes `columns`).
fn column_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|part| part.trim().trim_matches('"').to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{Op, Operand};

    #[test]
    fn the_dashboard_snapshot_query_parses() {
        let query = Query::parse("select=*&order=display_order.asc.nullslast,worker_name").unwrap();
        assert_eq!(query.select, Select::All);
        assert_eq!(
            query.order,
            vec![
                OrderTerm {
                    column: "display_order".into(),
                    descending: false,
                    nulls_first: Some(false)
                },
                OrderTerm {
                    column: "worker_name".into(),
                    descending: false,
                    nulls_first: None
                },
            ]
        );
    }

    #[test]
    fn filters_limit_offset_and_upsert_keys_parse() {
        let query = Query::parse(
            "worker_name=eq.x-autopost&jobs_processed=gte.10&limit=5&offset=2&on_conflict=worker_name&columns=%22a%22%2C%22b%22",
        )
        .unwrap();
        assert_eq!(query.filters.len(), 2);
        assert_eq!(query.filters[1].op, Op::Gte);
        assert_eq!((query.limit, query.offset), (Some(5), Some(2)));
        assert_eq!(query.on_conflict, Some(vec!["worker_name".to_owned()]));
        assert_eq!(query.columns, Some(vec!["a".to_owned(), "b".to_owned()]));
    }

    #[test]
    fn plus_is_a_space_and_percent_escapes_decode() {
        let query = Query::parse("description=eq.Web+crawling&worker_name=in.%28a%2Cb%29").unwrap();
        assert_eq!(
            query.filters[0].operand,
            Operand::Text("Web crawling".into())
        );
        assert_eq!(
            query.filters[1].operand,
            Operand::List(vec!["a".into(), "b".into()])
        );
    }

    #[test]
    fn malformed_parameters_are_pgrst100() {
        for raw in [
            "limit=-1",
            "offset=x",
            "order=a.sideways",
            "status=equals.1",
            "select=a(b)",
        ] {
            let error = Query::parse(raw).unwrap_err();
            assert_eq!(error.body()["code"], "PGRST100", "{raw}");
        }
    }
}
