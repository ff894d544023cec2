//! Builds the SQL of each REST operation, PostgREST-style: identifiers quoted, every value a
//! bound text parameter cast to the column's type by the database, never spliced into the text.

use tokio_postgres::types::ToSql;

use crate::filter::{Filter, IsValue, Op, Operand};
use crate::rest::prefer::Resolution;
use crate::rest::query::{OrderTerm, Query, Select};
use crate::schema::{Table, quote_ident};

/// Supabase's default `db-max-rows` ("Max rows" in the API settings): a GET never returns more.
pub const DEFAULT_MAX_ROWS: i64 = 1000;

/// A bound value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// A single value as text.
    Text(String),
    /// A list (for `in`).
    TextArray(Vec<String>),
}

/// SQL text and its parameters, in `$1..$n` order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Statement {
    /// The SQL.
    pub sql: String,
    /// The values.
    pub params: Vec<Param>,
}

impl Statement {
    /// The parameters as the driver wants them.
    pub fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|param| match param {
                Param::Text(text) => text as &(dyn ToSql + Sync),
                Param::TextArray(items) => items as &(dyn ToSql + Sync),
            })
            .collect()
    }

    fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.params.len())
    }
}

fn relation(table: &Table) -> String {
    format!("\"public\".{}", quote_ident(&table.name))
}

fn qualified(table: &Table, column: &str) -> String {
    format!("{}.{}", quote_ident(&table.name), quote_ident(column))
}

/// GET: one row `(body json text, row count)`.
/// A GET: at most `max_rows` rows, whatever `limit` asks for.
pub fn select(table: &Table, query: &Query, max_rows: i64) -> Statement {
    let mut statement = Statement::default();
    let columns = match &query.select {
        Select::All => format!("{}.*", quote_ident(&table.name)),
        Select::Columns(columns) => columns
            .iter()
            .map(|column| qualified(table, column))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let conditions = where_clause(table, &query.filters, &mut statement);
    let order = order_clause(table, &query.order);
    let limit = query.limit.unwrap_or(max_rows).min(max_rows);
    let offset = query
        .offset
        .map(|n| format!(" offset {n}"))
        .unwrap_or_default();
    statement.sql = format!(
        "select coalesce(json_agg(_pgrst_t), '[]')::text, count(*) from \
         (select {columns} from {relation}{conditions}{order} limit {limit}{offset}) _pgrst_t",
        relation = relation(table),
    );
    statement
}

/// `Prefer: count=exact`: the number of rows the filters match.
pub fn count(table: &Table, filters: &[Filter]) -> Statement {
    let mut statement = Statement::default();
    let conditions = where_clause(table, filters, &mut statement);
    statement.sql = format!("select count(*) from {}{conditions}", relation(table));
    statement
}

/// What a column named in `columns` but missing from a row of the body gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// NULL (PostgREST's default, supabase-js `defaultToNull: true`).
    Null,
    /// The column's default (`Prefer: missing=default`, supabase-js `defaultToNull: false`).
    Default,
}

/// POST: one row `(inserted count, affected count, representation json text)`. `body` is a
/// JSON array of objects; `columns` are the columns written.
pub fn insert(
    table: &Table,
    columns: &[String],
    body: String,
    conflict: Option<(&[String], Resolution)>,
    missing: Missing,
    returning: &Select,
) -> Statement {
    let mut statement = Statement::default();
    let relation = relation(table);
    let insert = if columns.is_empty() {
        // A body of `{}`: one row of column defaults, as PostgREST does.
        format!("insert into {relation} default values")
    } else {
        let body = statement.bind(Param::Text(body));
        let list = columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        let on_conflict = match conflict {
            None => String::new(),
            Some((target, resolution)) => {
                let target = target
                    .iter()
                    .map(|c| quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", ");
                match resolution {
                    Resolution::IgnoreDuplicates => format!(" on conflict ({target}) do nothing"),
                    Resolution::MergeDuplicates => {
                        let sets = columns
                            .iter()
                            .map(|c| format!("{0} = excluded.{0}", quote_ident(c)))
                            .collect::<Vec<_>>()
                            .join(", ");
                        format!(" on conflict ({target}) do update set {sets}")
                    }
                }
            }
        };
        let rows = match missing {
            Missing::Null => {
                format!("json_populate_recordset(null::{relation}, {body}::text::json)")
            }
            // As PostgREST does: each row laid over an object of the defaults of its columns,
            // so a key that is present (even as null) wins and a missing one gets the default.
            Missing::Default => format!(
                "jsonb_populate_recordset(null::{relation}, \
                 (select coalesce(jsonb_agg({defaults} || _pgrst_e.row order by _pgrst_e.n), '[]') \
                 from jsonb_array_elements({body}::text::jsonb) with ordinality _pgrst_e(row, n)))",
                defaults = defaults_object(table, columns),
            ),
        };
        format!("insert into {relation} ({list}) select {list} from {rows}{on_conflict}")
    };
    statement.sql = format!(
        "with _pgrst_w as ({insert} returning (xmax = 0) as _pgrst_inserted, {row} as _pgrst_row) \
         select count(*) filter (where _pgrst_inserted), count(*), coalesce(json_agg(_pgrst_row), '[]')::text from _pgrst_w",
        row = representation(table, returning),
    );
    statement
}

/// `jsonb_build_object('column', <its default expression>, ...)` over the `columns` that have a
/// default. The expressions are the catalog's own (`pg_get_expr`), as PostgREST splices them.
fn defaults_object(table: &Table, columns: &[String]) -> String {
    let pairs: Vec<String> = columns
        .iter()
        .filter_map(|name| table.column(name))
        .filter_map(|column| {
            let default = column.default.as_ref()?;
            Some(format!("{}, {default}", string_literal(&column.name)))
        })
        .collect();
    format!("jsonb_build_object({})", pairs.join(", "))
}

/// A written row as `return=representation` sends it: the columns `select` names, in its order,
/// or the whole row in column order.
fn representation(table: &Table, select: &Select) -> String {
    match select {
        Select::All => format!("to_json({}.*)", quote_ident(&table.name)),
        Select::Columns(columns) => {
            let pairs: Vec<String> = columns
                .iter()
                .map(|column| format!("{}, {}", string_literal(column), qualified(table, column)))
                .collect();
            format!("json_build_object({})", pairs.join(", "))
        }
    }
}

/// `text` as an SQL string literal.
fn string_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// PATCH: one row `(affected count, representation json text)`. `body` is a JSON object.
pub fn update(
    table: &Table,
    columns: &[String],
    body: String,
    filters: &[Filter],
    returning: &Select,
) -> Statement {
    let mut statement = Statement::default();
    let body = statement.bind(Param::Text(body));
    let relation = relation(table);
    let sets = columns
        .iter()
        .map(|c| format!("{0} = _pgrst_body.{0}", quote_ident(c)))
        .collect::<Vec<_>>()
        .join(", ");
    let conditions = where_clause(table, filters, &mut statement);
    statement.sql = format!(
        "with _pgrst_w as (update {relation} set {sets} \
         from (select * from json_populate_record(null::{relation}, {body}::text::json)) _pgrst_body{conditions} \
         returning {row} as _pgrst_row) \
         select count(*), coalesce(json_agg(_pgrst_row), '[]')::text from _pgrst_w",
        row = representation(table, returning),
    );
    statement
}

/// DELETE: one row `(affected count, representation json text)`.
pub fn delete(table: &Table, filters: &[Filter], returning: &Select) -> Statement {
    let mut statement = Statement::default();
    let relation = relation(table);
    let conditions = where_clause(table, filters, &mut statement);
    statement.sql = format!(
        "with _pgrst_w as (delete from {relation}{conditions} returning {row} as _pgrst_row) \
         select count(*), coalesce(json_agg(_pgrst_row), '[]')::text from _pgrst_w",
        row = representation(table, returning),
    );
    statement
}

fn where_clause(table: &Table, filters: &[Filter], statement: &mut Statement) -> String {
    if filters.is_empty() {
        return String::new();
    }
    let conditions: Vec<String> = filters
        .iter()
        .map(|filter| condition(table, filter, statement))
        .collect();
    format!(" where {}", conditions.join(" and "))
}

fn condition(table: &Table, filter: &Filter, statement: &mut Statement) -> String {
    let column = qualified(table, &filter.column);
    // The database parses the text as the column's type, as PostgREST's unknown-typed literals do.
    let sql_type = table
        .column(&filter.column)
        .map(|c| c.sql_type.clone())
        .unwrap_or_else(|| "text".to_owned());
    let text_op = |op: &str, value: &str, statement: &mut Statement| {
        let placeholder = statement.bind(Param::Text(value.to_owned()));
        // `$n::text` first: a bare `cast($n as bigint)` makes the parameter itself a bigint,
        // which the driver cannot fill from text ("error serializing parameter").
        format!("{column} {op} cast({placeholder}::text as {sql_type})")
    };
    let sql = match (&filter.op, &filter.operand) {
        (Op::Is, Operand::Is(value)) => format!(
            "{column} is {}",
            match value {
                IsValue::Null => "null",
                IsValue::True => "true",
                IsValue::False => "false",
                IsValue::Unknown => "unknown",
            }
        ),
        (Op::In, Operand::List(items)) => {
            let placeholder = statement.bind(Param::TextArray(items.clone()));
            format!("{column} = any(cast({placeholder}::text[] as {sql_type}[]))")
        }
        (Op::Like | Op::Ilike, Operand::Text(pattern)) => {
            let placeholder = statement.bind(Param::Text(pattern.replace('*', "%")));
            let op = if filter.op == Op::Like {
                "like"
            } else {
                "ilike"
            };
            format!("{column}::text {op} {placeholder}")
        }
        (op, Operand::Text(value)) => {
            let symbol = match op {
                Op::Neq => "<>",
                Op::Gt => ">",
                Op::Gte => ">=",
                Op::Lt => "<",
                Op::Lte => "<=",
                _ => "=",
            };
            text_op(symbol, value, statement)
        }
        // The parser pairs operators with their operand kinds; anything else matches nothing.
        _ => "false".to_owned(),
    };
    if filter.negated {
        format!("not ({sql})")
    } else {
        sql
    }
}

fn order_clause(table: &Table, order: &[OrderTerm]) -> String {
    if order.is_empty() {
        return String::new();
    }
    let terms: Vec<String> = order
        .iter()
        .map(|term| {
            let direction = if term.descending { " desc" } else { " asc" };
            let nulls = match term.nulls_first {
                Some(true) => " nulls first",
                Some(false) => " nulls last",
                None => "",
            };
            format!("{}{direction}{nulls}", qualified(table, &term.column))
        })
        .collect();
    format!(" order by {}", terms.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Column;

    fn table() -> Table {
        let column = |name: &str, sql_type: &str| Column {
            name: name.into(),
            sql_type: sql_type.into(),
            typname: String::new(),
            default: None,
        };
        Table {
            name: "hp_worker_status".into(),
            columns: vec![
                column("worker_name", "text"),
                column("jobs_processed", "bigint"),
            ],
            primary_key: vec!["worker_name".into()],
        }
    }

    #[test]
    fn values_are_bound_never_spliced() {
        let query = Query::parse("worker_name=eq.x'%3B drop table t%3B--&jobs_processed=in.(1,2)&order=jobs_processed.desc").unwrap();
        let statement = select(&table(), &query, DEFAULT_MAX_ROWS);
        assert!(!statement.sql.contains("drop table"), "{}", statement.sql);
        assert!(
            statement
                .sql
                .contains("\"hp_worker_status\".\"worker_name\" = cast($1::text as text)"),
            "{}",
            statement.sql
        );
        assert!(
            statement
                .sql
                .contains("= any(cast($2::text[] as bigint[]))"),
            "{}",
            statement.sql
        );
        assert!(
            statement
                .sql
                .contains("order by \"hp_worker_status\".\"jobs_processed\" desc"),
            "{}",
            statement.sql
        );
        assert!(
            statement.sql.contains("limit 1000"),
            "db-max-rows applies: {}",
            statement.sql
        );
        assert_eq!(
            statement.params[0],
            Param::Text("x'; drop table t;--".into())
        );
    }

    #[test]
    fn hostile_column_names_stay_quoted_identifiers() {
        let query = Query::parse("select=a\"b&a\"b=eq.1").unwrap();
        let statement = select(&table(), &query, DEFAULT_MAX_ROWS);
        assert!(
            statement.sql.contains("\"hp_worker_status\".\"a\"\"b\""),
            "{}",
            statement.sql
        );
    }

    #[test]
    fn merge_duplicates_updates_exactly_the_payload_columns() {
        let columns = vec!["worker_name".to_owned(), "jobs_processed".to_owned()];
        let pk = vec!["worker_name".to_owned()];
        let statement = insert(
            &table(),
            &columns,
            "[]".into(),
            Some((&pk, Resolution::MergeDuplicates)),
            Missing::Null,
            &Select::All,
        );
        assert!(statement.sql.contains(
            "on conflict (\"worker_name\") do update set \"worker_name\" = excluded.\"worker_name\", \"jobs_processed\" = excluded.\"jobs_processed\""
        ), "{}", statement.sql);
        let ignore = insert(
            &table(),
            &columns,
            "[]".into(),
            Some((&pk, Resolution::IgnoreDuplicates)),
            Missing::Null,
            &Select::All,
        );
        assert!(ignore.sql.contains("do nothing"));
    }

    #[test]
    fn missing_default_lays_each_row_over_its_columns_defaults() {
        let mut table = table();
        table.columns[1].default = Some("0".into());
        table.columns.push(Column {
            name: "it's".into(),
            sql_type: "text".into(),
            typname: String::new(),
            default: Some("'x'::text".into()),
        });
        let columns = vec![
            "worker_name".to_owned(),
            "jobs_processed".to_owned(),
            "it's".to_owned(),
        ];
        let statement = insert(
            &table,
            &columns,
            "[]".into(),
            None,
            Missing::Default,
            &Select::All,
        );
        assert!(
            statement.sql.contains(
                "jsonb_build_object('jobs_processed', 0, 'it''s', 'x'::text) || _pgrst_e.row"
            ),
            "only columns with a default, names as literals: {}",
            statement.sql
        );
        let nulls = insert(
            &table,
            &columns,
            "[]".into(),
            None,
            Missing::Null,
            &Select::All,
        );
        assert!(!nulls.sql.contains("jsonb_build_object"), "{}", nulls.sql);
    }
}
