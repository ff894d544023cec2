//! The body of a write: JSON, an object or an array of objects with the same keys, naming
//! columns the table has (PostgREST's PGRST102 and PGRST204 otherwise).

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::schema::Table;

/// The body as JSON.
pub fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|error| {
        ApiError::bad_body("Empty or invalid json").with_details(error.to_string())
    })
}

/// An object or an array of objects, as a list of objects.
pub fn parse_rows(body: &[u8]) -> Result<Vec<Value>, ApiError> {
    match parse_json(body)? {
        object @ Value::Object(_) => Ok(vec![object]),
        Value::Array(items) if items.iter().all(Value::is_object) => Ok(items),
        _ => Err(ApiError::bad_body("Empty or invalid json")
            .with_details("expected an object or an array of objects")),
    }
}

/// The columns of the payload; PostgREST requires every object of an array to have the same keys
/// when no `columns` parameter says which to take.
pub fn payload_columns(rows: &[Value]) -> Result<Vec<String>, ApiError> {
    let keys = |row: &Value| -> Vec<String> {
        row.as_object()
            .map(Map::keys)
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    };
    let first = rows.first().map(keys).unwrap_or_default();
    let mut sorted_first = first.clone();
    sorted_first.sort();
    for row in rows.iter().skip(1) {
        let mut other = keys(row);
        other.sort();
        if other != sorted_first {
            return Err(ApiError::bad_body("All object keys must match"));
        }
    }
    Ok(first)
}

/// Every column named exists in `table`.
pub fn check_columns(table: &Table, columns: &[String]) -> Result<(), ApiError> {
    match columns.iter().find(|column| table.column(column).is_none()) {
        Some(column) => Err(ApiError::unknown_column(column, &table.name)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn array_bodies_need_matching_keys() {
        let rows = vec![json!({"a":1,"b":2}), json!({"b":3,"a":4})];
        assert_eq!(payload_columns(&rows).unwrap(), ["a", "b"]);
        let mismatched = vec![json!({"a":1}), json!({"b":2})];
        assert_eq!(
            payload_columns(&mismatched).unwrap_err().body()["message"],
            "All object keys must match"
        );
    }

    #[test]
    fn bodies_must_be_objects_or_arrays_of_objects() {
        assert!(parse_rows(b"{\"a\":1}").is_ok());
        assert!(parse_rows(b"[{\"a\":1}]").is_ok());
        assert_eq!(parse_rows(b"[1]").unwrap_err().body()["code"], "PGRST102");
        assert_eq!(
            parse_rows(b"not json").unwrap_err().body()["code"],
            "PGRST102"
        );
    }
}
