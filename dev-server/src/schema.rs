//! The schema cache: the tables of `public` with their columns, types and primary keys, and the
//! per-role settings PostgREST applies (`statement_timeout`, ...). Loaded from the catalog at
//! start-up and again when a request names a table the cache does not know.

use std::collections::HashMap;
use std::sync::Arc;

use tokio_postgres::Client;

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// `format_type()`, e.g. `timestamp with time zone`: what values are cast to.
    pub sql_type: String,
    /// `pg_type.typname`, e.g. `timestamptz`: what Realtime reports in `columns`.
    pub typname: String,
    /// The column's default expression (`pg_get_expr`), e.g. `now()`: what a key missing from
    /// an insert gets under `Prefer: missing=default`.
    pub default: Option<String>,
}

/// One table (or view) of `public`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Table name.
    pub name: String,
    /// Columns in `attnum` order.
    pub columns: Vec<Column>,
    /// Primary-key column names (empty for views and key-less tables).
    pub primary_key: Vec<String>,
}

impl Table {
    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|column| column.name == name)
    }
}

/// Tables of `public` by name, and role settings by role.
#[derive(Debug, Clone, Default)]
pub struct SchemaCache {
    tables: HashMap<String, Arc<Table>>,
    role_settings: HashMap<String, Vec<(String, String)>>,
}

/// Settings PostgREST copies from `ALTER ROLE … SET` into each request (user-context ones).
const ROLE_SETTINGS_APPLIED: [&str; 4] = [
    "statement_timeout",
    "lock_timeout",
    "idle_in_transaction_session_timeout",
    "search_path",
];

impl SchemaCache {
    /// Reads the catalog.
    pub async fn load(client: &Client) -> Result<Self, tokio_postgres::Error> {
        let rows = client
            .query(
                "select c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), t.typname::text,
                        coalesce(a.attnum = any(i.indkey), false), pg_get_expr(d.adbin, d.adrelid)
                 from pg_class c
                 join pg_namespace n on n.oid = c.relnamespace
                 join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                 join pg_type t on t.oid = a.atttypid
                 left join pg_index i on i.indrelid = c.oid and i.indisprimary
                 left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
                 where n.nspname = 'public' and c.relkind in ('r', 'v', 'm', 'p', 'f')
                 order by c.relname, a.attnum",
                &[],
            )
            .await?;
        let mut tables: HashMap<String, Table> = HashMap::new();
        for row in rows {
            let table_name: String = row.get(0);
            let table = tables.entry(table_name.clone()).or_insert_with(|| Table {
                name: table_name,
                columns: Vec::new(),
                primary_key: Vec::new(),
            });
            let column = Column {
                name: row.get(1),
                sql_type: row.get(2),
                typname: row.get(3),
                default: row.get(5),
            };
            if row.get::<_, bool>(4) {
                table.primary_key.push(column.name.clone());
            }
            table.columns.push(column);
        }
        let settings = client
            .query(
                "select r.rolname::text, s.setconfig from pg_db_role_setting s
                 join pg_roles r on r.oid = s.setrole where s.setdatabase = 0",
                &[],
            )
            .await?;
        let mut role_settings: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for row in settings {
            let role: String = row.get(0);
            let config: Vec<String> = row.get(1);
            let pairs = config
                .iter()
                .filter_map(|item| item.split_once('='))
                .filter(|(name, _)| ROLE_SETTINGS_APPLIED.contains(name))
                .map(|(name, value)| (name.to_owned(), value.to_owned()));
            role_settings.entry(role).or_default().extend(pairs);
        }
        Ok(Self {
            tables: tables
                .into_iter()
                .map(|(name, table)| (name, Arc::new(table)))
                .collect(),
            role_settings,
        })
    }

    /// A table of `public` by name.
    pub fn table(&self, name: &str) -> Option<Arc<Table>> {
        self.tables.get(name).cloned()
    }

    /// The `ALTER ROLE … SET` settings to apply for `role`.
    pub fn role_settings(&self, role: &str) -> &[(String, String)] {
        self.role_settings
            .get(role)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// Quotes an identifier for SQL: `a"b` → `"a""b"`.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_inner_quotes_doubled() {
        assert_eq!(quote_ident("worker_name"), "\"worker_name\"");
        assert_eq!(
            quote_ident("a\"; drop table x; --"),
            "\"a\"\"; drop table x; --\""
        );
    }
}
