//! A throwaway, Supabase-shaped PostgreSQL for dev, tests and benchmarks.
//!
//! `ThrowawayDb::start` runs initdb into a temporary folder (or a kept one), starts PostgreSQL on
//! 127.0.0.1 with `wal_level=logical`, and applies `supabase/bootstrap.sql` and the migrations.
//! Dropping it stops the server; if our process dies first, the kernel stops it (see `process`).
//! It never touches a system cluster: its own folder, its own port, no Unix socket.
//! Installing PostgreSQL and wal2json is not done here but by `make deps`.

#![warn(missing_docs)]

mod binaries;
mod cluster;
mod error;
mod migrate;
mod process;
pub mod shutdown;

pub use binaries::Binaries;
pub use cluster::{AUTHENTICATOR_PASSWORD, DbOptions, SUPERUSER_PASSWORD, ThrowawayDb, connect};
pub use error::DbError;
pub use migrate::{MigrationReport, apply_all as apply_migrations, migration_files};
