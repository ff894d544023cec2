//! Reads changes the way Supabase Realtime does: a temporary logical slot with wal2json, polled
//! about every 100 ms, limited to the tables of the `supabase_realtime` publication and to
//! `realtime.messages` (Realtime's own `supabase_realtime_messages_publication`). Each change is
//! read by `wal_change` and handed to `delivery`, or to `broadcast` for a message. The connection is the admin one (slots need replication rights);
//! when it breaks, the poller reconnects with a new slot and says it is not ready meanwhile.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio_postgres::Client;

use crate::realtime::wal_change::parse_change;
use crate::realtime::{broadcast, delivery};
use crate::state::AppState;

/// Changes read per call, as Realtime's `poll_max_changes`.
const MAX_CHANGES_PER_POLL: i32 = 100;
/// Wait before reconnecting after the database connection failed.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// Runs forever: connect, create the slot, poll, deliver; reconnect on failure.
pub async fn run_poller(state: AppState) {
    static SLOT_NUMBER: AtomicU64 = AtomicU64::new(0);
    loop {
        let client = match throwaway_db::connect(&state.admin_url).await {
            Ok(client) => client,
            Err(error) => {
                tracing::warn!(%error, "realtime: cannot reach the database; retrying");
                tokio::time::sleep(RECONNECT_DELAY).await;
                continue;
            }
        };
        let slot = format!(
            "realtime_gateway_{}_{}",
            std::process::id(),
            SLOT_NUMBER.fetch_add(1, Ordering::Relaxed)
        );
        let mut poller = Poller {
            client,
            slot,
            slot_created: false,
            typnames: HashMap::new(),
        };
        let mut ticker = tokio::time::interval(state.config.poll_interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(error) = poller.poll(&state).await {
                tracing::warn!(%error, "realtime: polling failed; reconnecting");
                break;
            }
        }
        state.realtime_ready.send_replace(false);
        tokio::time::sleep(RECONNECT_DELAY).await;
    }
}

struct Poller {
    client: Client,
    slot: String,
    slot_created: bool,
    typnames: HashMap<u32, String>,
}

impl Poller {
    async fn poll(&mut self, state: &AppState) -> Result<(), tokio_postgres::Error> {
        let published = published_tables(&self.client).await?;
        if published.is_empty() {
            // Realtime idles without a slot while the publication is empty.
            return Ok(());
        }
        if !self.slot_created {
            self.client
                .execute(
                    "select pg_create_logical_replication_slot($1, 'wal2json', true)",
                    &[&self.slot],
                )
                .await?;
            self.slot_created = true;
            self.load_typnames().await?;
            state.realtime_ready.send_replace(true);
            tracing::info!(slot = %self.slot, "realtime: replication slot ready");
        }
        // Broadcast from the database: the messages table, through Realtime's own publication.
        let messages = message_tables(&self.client).await?;
        let add_tables = published
            .iter()
            .chain(&messages)
            .map(|(schema, table)| format!("{}.{}", escape_name(schema), escape_name(table)))
            .collect::<Vec<_>>()
            .join(",");
        loop {
            let rows = self
                .client
                .query(
                    "select data from pg_logical_slot_get_changes($1, null, $2,
                        'format-version', '2', 'include-timestamp', 'true', 'include-type-oids', 'true',
                        'include-transaction', 'false', 'actions', 'insert,update,delete', 'add-tables', $3)",
                    &[&self.slot, &MAX_CHANGES_PER_POLL, &add_tables],
                )
                .await?;
            let count = rows.len();
            for row in rows {
                let text: String = row.get(0);
                match parse_change(&text) {
                    Ok(Some(change)) if broadcast::is_message(&change) => {
                        broadcast::deliver(state, &change);
                    }
                    Ok(Some(change)) => {
                        if change
                            .columns
                            .iter()
                            .chain(&change.identity)
                            .any(|c| !self.typnames.contains_key(&c.type_oid))
                        {
                            self.load_typnames().await?;
                        }
                        delivery::deliver(&self.client, state, &change, &self.typnames).await;
                    }
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "realtime: skipped an unreadable change"),
                }
            }
            if count < MAX_CHANGES_PER_POLL as usize {
                return Ok(());
            }
        }
    }

    async fn load_typnames(&mut self) -> Result<(), tokio_postgres::Error> {
        let rows = self
            .client
            .query("select oid, typname::text from pg_type", &[])
            .await?;
        self.typnames = rows
            .iter()
            .map(|row| (row.get::<_, u32>(0), row.get::<_, String>(1)))
            .collect();
        Ok(())
    }
}

/// `(schema, table)` of every table in `supabase_realtime`.
pub async fn published_tables(
    client: &Client,
) -> Result<Vec<(String, String)>, tokio_postgres::Error> {
    let rows = client
        .query(
            "select schemaname::text, tablename::text from pg_publication_tables where pubname = 'supabase_realtime'",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

/// `(schema, table)` of the messages table(s) in Realtime's own publication, if it exists.
async fn message_tables(client: &Client) -> Result<Vec<(String, String)>, tokio_postgres::Error> {
    let rows = client
        .query(
            "select schemaname::text, tablename::text from pg_publication_tables \
             where pubname = 'supabase_realtime_messages_publication'",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

/// wal2json's `add-tables` escapes separators with a backslash.
fn escape_name(name: &str) -> String {
    name.chars()
        .flat_map(|c| match c {
            '.' | ',' | '\\' | ' ' | '*' => vec!['\\', c],
            _ => vec![c],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_escaped_for_add_tables() {
        assert_eq!(escape_name("a.b,c"), "a\\.b\\,c");
    }
}
