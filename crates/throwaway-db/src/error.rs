//! The ways starting, migrating or stopping a throwaway cluster can fail, each with a message
//! that says what to do. Nothing here decides *how* to fail; see `cluster` and `migrate`.

use std::path::PathBuf;

/// Why the throwaway database could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// PostgreSQL's server binaries (initdb, postgres) were not found.
    #[error(
        "PostgreSQL server binaries not found (looked in {searched}); install them with \
         `make deps` (Debian package postgresql-15) or set PG_BINDIR"
    )]
    BinariesMissing {
        /// Where we looked, for the message.
        searched: String,
    },
    /// The wal2json logical-decoding plugin is not installed for this PostgreSQL.
    #[error(
        "wal2json is not installed for PostgreSQL {major} (no {path}); install it with \
         `make deps` (Debian package postgresql-{major}-wal2json)"
    )]
    Wal2jsonMissing {
        /// PostgreSQL major version.
        major: u32,
        /// The file that should exist.
        path: PathBuf,
    },
    /// We run as root, PostgreSQL refuses root, and no unprivileged account was found.
    #[error(
        "running as root, but the operating-system user `{0}` that should own the cluster does \
         not exist; install PostgreSQL with `make deps` or set THROWAWAY_DB_OS_USER"
    )]
    NoUnprivilegedUser(String),
    /// The requested port is already taken by another process.
    #[error(
        "port {0} on 127.0.0.1 is already in use; choose another with --port (or 0 for any free port)"
    )]
    PortTaken(u16),
    /// A data directory already has a live server in it.
    #[error("a PostgreSQL server is already running on data directory {0}; stop it first")]
    AlreadyRunning(PathBuf),
    /// A helper program (initdb, pg_config) ran but failed.
    #[error("{program} failed: {output}")]
    ToolFailed {
        /// The program that failed.
        program: String,
        /// What it printed.
        output: String,
    },
    /// The server exited or never accepted connections.
    #[error("PostgreSQL did not start: {reason}\n--- server log (last lines) ---\n{log}")]
    StartFailed {
        /// A short reason.
        reason: String,
        /// The tail of the server log.
        log: String,
    },
    /// A bootstrap or migration file failed to apply; nothing of that file was kept.
    #[error("applying {file} failed: {source}")]
    Migration {
        /// The file name.
        file: String,
        /// The database error.
        #[source]
        source: tokio_postgres::Error,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// A filesystem or process error.
    #[error("{context}: {source}")]
    Io {
        /// What we were doing.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl DbError {
    /// Wraps an I/O error with what we were doing when it happened.
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| Self::Io { context, source }
    }
}
