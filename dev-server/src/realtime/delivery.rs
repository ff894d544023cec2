//! Turns one WAL change into `postgres_changes` frames for the channels it concerns, with
//! Realtime's rules (reference §5): INSERT and UPDATE reach a channel only if its role, with its
//! claims, can SELECT the row at poll time; the record is cast by the database to the column
//! types; DELETE skips RLS and carries only the primary key when RLS is on; filters match on the
//! new record (or the old key for DELETE).

use std::collections::HashMap;

use dashboard_core::wire::frame::Frame;
use dashboard_core::wire::protocol::event;
use serde_json::{Map, Value, json};
use tokio_postgres::Client;

use crate::realtime::hub::{ChangeKind, Interested};
use crate::realtime::wal_change::{WalChange, WalColumn};
use crate::schema::{Table, quote_ident};
use crate::state::AppState;

/// Delivers `change` to every interested channel. Failures are logged, never raised: one bad
/// change must not stop the stream.
pub async fn deliver(
    client: &Client,
    state: &AppState,
    change: &WalChange,
    typnames: &HashMap<u32, String>,
) {
    let interested = state
        .hub
        .interested(&change.schema, &change.table, change.kind);
    if interested.is_empty() {
        return;
    }
    let table = if change.schema == "public" {
        state.table_now(&change.table).await
    } else {
        None
    };
    let Some(table) = table else {
        tracing::debug!(schema = %change.schema, table = %change.table, "realtime: change on a table outside public skipped");
        return;
    };
    let columns = column_list(&table, change, typnames);
    let mut data = json!({
        "schema": change.schema,
        "table": change.table,
        "commit_timestamp": change.commit_timestamp,
        "type": change.kind.as_str(),
        "columns": columns,
        "errors": null,
    });
    if table.primary_key.is_empty() {
        data["errors"] = json!(["Error 400: Bad Request, no primary key"]);
        for channel in &interested {
            send(channel, change.kind, None, data.clone());
        }
        return;
    }
    match change.kind {
        ChangeKind::Delete => {
            let rls = row_level_security_enabled(client, &table)
                .await
                .unwrap_or(true);
            let old = old_record(&table, change, rls);
            data["old_record"] = Value::Object(old.clone());
            for channel in &interested {
                send(channel, change.kind, Some(&old), data.clone());
            }
        }
        ChangeKind::Insert | ChangeKind::Update => {
            // One RLS check per distinct set of claims, as Realtime groups subscribers.
            let mut groups: HashMap<String, Vec<&Interested>> = HashMap::new();
            for channel in &interested {
                groups
                    .entry(channel.subscription.claims.json.to_string())
                    .or_default()
                    .push(channel);
            }
            for channels in groups.values() {
                let claims = &channels[0].subscription.claims;
                let record = match visible_record(
                    client,
                    &table,
                    change,
                    &claims.role,
                    &claims.json.to_string(),
                )
                .await
                {
                    Ok(Some(record)) => record,
                    Ok(None) => {
                        tracing::debug!(role = %claims.role, table = %table.name, "realtime: row not visible to role; not delivered");
                        continue;
                    }
                    Err(error) => {
                        tracing::warn!(%error, role = %claims.role, "realtime: RLS check failed; not delivered");
                        continue;
                    }
                };
                let mut data = data.clone();
                data["record"] = Value::Object(record.clone());
                if change.kind == ChangeKind::Update {
                    data["old_record"] = Value::Object(old_record(&table, change, true));
                }
                for channel in channels {
                    send(channel, change.kind, Some(&record), data.clone());
                }
            }
        }
    }
}

/// Sends to one channel if any of its bindings matches (event, and filter on `values`).
fn send(channel: &Interested, kind: ChangeKind, values: Option<&Map<String, Value>>, data: Value) {
    let (schema, table) = (
        data["schema"].as_str().unwrap_or(""),
        data["table"].as_str().unwrap_or(""),
    );
    let ids: Vec<u32> = channel
        .subscription
        .bindings
        .iter()
        .filter(|binding| binding.covers(schema, table, kind))
        .filter(|binding| match (&binding.filter, values) {
            (None, _) => true,
            (Some(filter), Some(values)) => filter.matches(values),
            (Some(_), None) => false,
        })
        .map(|binding| binding.id)
        .collect();
    if ids.is_empty() {
        return;
    }
    let payload = json!({ "ids": ids, "data": data });
    let frame = Frame::push(
        None,
        None,
        &channel.key.topic,
        event::POSTGRES_CHANGES,
        payload,
    );
    tracing::debug!(topic = %channel.key.topic, socket = channel.key.socket, kind = kind.as_str(), "realtime: change delivered");
    // A closed queue means the session just ended; nothing to do.
    channel.subscription.outbox.send(frame);
}

/// `[{"name", "type"}]` in column order, with `pg_type.typname`s.
fn column_list(table: &Table, change: &WalChange, typnames: &HashMap<u32, String>) -> Value {
    if change.kind == ChangeKind::Delete || change.columns.is_empty() {
        return table
            .columns
            .iter()
            .map(|c| json!({"name": c.name, "type": c.typname}))
            .collect();
    }
    change
        .columns
        .iter()
        .map(|c| json!({"name": c.name, "type": typnames.get(&c.type_oid).cloned().unwrap_or_else(|| c.type_name.clone())}))
        .collect()
}

/// The replica-identity values; only the primary key when `pk_only` (RLS on: Realtime cannot
/// secure the rest of a deleted row).
fn old_record(table: &Table, change: &WalChange, pk_only: bool) -> Map<String, Value> {
    let source = if change.identity.is_empty() {
        &change.columns
    } else {
        &change.identity
    };
    source
        .iter()
        .filter(|column| !pk_only || table.primary_key.contains(&column.name))
        .map(|column| (column.name.clone(), wal_value(column)))
        .collect()
}

/// json/jsonb arrive as JSON text inside a string; everything else is already JSON.
fn wal_value(column: &WalColumn) -> Value {
    match (&column.value, column.type_name.as_str()) {
        (Value::String(text), "json" | "jsonb") => {
            serde_json::from_str(text).unwrap_or_else(|_| column.value.clone())
        }
        _ => column.value.clone(),
    }
}

/// The record as `role` sees it now, cast to the column types by the database; `None` when the
/// role cannot see the row (RLS) or it is gone. Columns missing from the WAL (unchanged TOAST)
/// are taken from the current row.
async fn visible_record(
    client: &Client,
    table: &Table,
    change: &WalChange,
    role: &str,
    claims: &str,
) -> Result<Option<Map<String, Value>>, tokio_postgres::Error> {
    let relation = format!("\"public\".{}", quote_ident(&table.name));
    let join = table
        .primary_key
        .iter()
        .map(|column| format!("_t.{0} = _r.{0}", quote_ident(column)))
        .collect::<Vec<_>>()
        .join(" and ");
    let sql = format!(
        "select (to_jsonb(_t.*) || coalesce((select jsonb_object_agg(e.key, e.value) from jsonb_each(to_jsonb(_r.*)) e \
                 where e.key = any($2::text[])), '{{}}'::jsonb))::text \
         from json_populate_record(null::{relation}, $1::text::json) _r join {relation} _t on {join}"
    );
    let values: Map<String, Value> = change
        .columns
        .iter()
        .map(|c| (c.name.clone(), wal_value(c)))
        .collect();
    let names: Vec<String> = change.columns.iter().map(|c| c.name.clone()).collect();
    let values = Value::Object(values).to_string();
    client
        .batch_execute("begin isolation level read committed read only")
        .await?;
    let outcome = async {
        client
            .execute(
                "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
                &[&role, &claims],
            )
            .await?;
        client.query_opt(&sql, &[&values, &names]).await
    }
    .await;
    let _ = client
        .batch_execute(if outcome.is_ok() {
            "commit"
        } else {
            "rollback"
        })
        .await;
    Ok(outcome?
        .map(|row| row.get::<_, String>(0))
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|value| match value {
            Value::Object(object) => Some(object),
            _ => None,
        }))
}

async fn row_level_security_enabled(
    client: &Client,
    table: &Table,
) -> Result<bool, tokio_postgres::Error> {
    let relation = format!("\"public\".{}", quote_ident(&table.name));
    let row = client
        .query_one(
            "select relrowsecurity from pg_class where oid = $1::text::regclass",
            &[&relation],
        )
        .await?;
    Ok(row.get(0))
}
