//! One throwaway PostgreSQL cluster: initdb (when new), start on loopback with logical decoding,
//! bootstrap and migrate, stop. Process and account details live in `process`; SQL files in
//! `migrate`.

use std::net::{Ipv4Addr, SocketAddrV4, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tempfile::TempDir;
use tokio_postgres::{Client, NoTls};

use crate::binaries::Binaries;
use crate::error::DbError;
use crate::migrate::{self, MigrationReport};
use crate::process::{self, Owner, ServerProcess};

/// Password of the `postgres` superuser, as in the Supabase CLI's local stack.
pub const SUPERUSER_PASSWORD: &str = "postgres";
/// Password that `supabase/bootstrap.sql` gives the `authenticator` login role.
pub const AUTHENTICATOR_PASSWORD: &str = "dev-only-password";
/// How long a new server may take to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// Name prefix of temporary cluster folders.
const TEMP_PREFIX: &str = "throwaway-db-";
/// Age after which a temporary folder without a running server counts as abandoned.
const ABANDONED_AFTER: Duration = Duration::from_secs(600);
/// How often a free port is retried when another process grabs it first.
const FREE_PORT_ATTEMPTS: usize = 3;

/// How to start a throwaway cluster.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Keep the cluster in this folder across runs (initdb only when it is new). `None` (the
    /// default) uses a fresh temporary folder that is deleted when the database stops.
    pub data_dir: Option<PathBuf>,
    /// Port on 127.0.0.1. `None` or `Some(0)` (the default) picks a free one.
    pub port: Option<u16>,
    /// Folder holding `bootstrap.sql` and `migrations/`. Default: this repository's `supabase/`.
    pub supabase_dir: PathBuf,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            data_dir: None,
            port: None,
            supabase_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../supabase"),
        }
    }
}

/// A running cluster. Dropping it stops the server and deletes a temporary folder.
#[derive(Debug)]
pub struct ThrowawayDb {
    server: ServerProcess,
    port: u16,
    root: PathBuf,
    migrations: MigrationReport,
    // Declared last: the folder is deleted only after the server has stopped (see Drop).
    temp: Option<TempDir>,
}

impl ThrowawayDb {
    /// Starts a cluster as `options` say, then applies bootstrap and pending migrations.
    pub async fn start(options: DbOptions) -> Result<Self, DbError> {
        let binaries = Binaries::locate()?;
        let owner = process::cluster_owner()?;
        let (root, temp) = match &options.data_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(DbError::io(format!("creating {}", dir.display())))?;
                (dir.clone(), None)
            }
            None => {
                sweep_abandoned_temp_folders();
                let temp = tempfile::Builder::new()
                    .prefix(TEMP_PREFIX)
                    .tempdir()
                    .map_err(DbError::io("creating a temporary folder"))?;
                (temp.path().to_path_buf(), Some(temp))
            }
        };
        process::give_to(owner, &root)?;
        let pgdata = root.join("pgdata");
        if !pgdata.join("PG_VERSION").is_file() {
            init_cluster(&binaries, owner, &root, &pgdata)?;
        }
        let durable = options.data_dir.is_some();
        let (server, port) = start_server(&binaries, owner, &root, options.port, durable).await?;
        let mut db = Self {
            server,
            port,
            root,
            migrations: MigrationReport::default(),
            temp,
        };
        let mut client = db.connect_superuser().await?;
        db.migrations = migrate::apply_all(&mut client, &options.supabase_dir).await?;
        Ok(db)
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Connection URL for `user` with `password` on the `postgres` database.
    pub fn url(&self, user: &str, password: &str) -> String {
        format!(
            "postgres://{user}:{password}@127.0.0.1:{}/postgres",
            self.port
        )
    }

    /// URL of the `postgres` superuser (migrations, test set-up; bypasses RLS).
    pub fn superuser_url(&self) -> String {
        self.url("postgres", SUPERUSER_PASSWORD)
    }

    /// URL of the `authenticator` role, the only one the REST gateway logs in as.
    pub fn authenticator_url(&self) -> String {
        self.url("authenticator", AUTHENTICATOR_PASSWORD)
    }

    /// What the start-up migration run did.
    pub fn migrations(&self) -> &MigrationReport {
        &self.migrations
    }

    /// Folder holding the cluster (`pgdata/`) and its log (`server.log`).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A superuser connection whose driver task runs on the current Tokio runtime.
    pub async fn connect_superuser(&self) -> Result<Client, DbError> {
        connect(&self.superuser_url()).await
    }

    /// Stops the server (fast shutdown) and waits for it to exit.
    pub async fn stop(self) {
        let server_stopped = tokio::task::spawn_blocking(move || {
            self.server.stop_blocking();
            self
        })
        .await;
        // Dropping `self` now finds the server gone and only deletes a temporary folder.
        drop(server_stopped);
    }
}

impl Drop for ThrowawayDb {
    fn drop(&mut self) {
        self.server.stop_blocking();
        drop(self.temp.take());
    }
}

/// Connects with `url`, driving the connection on the current Tokio runtime.
pub async fn connect(url: &str) -> Result<Client, DbError> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        // The connection ends when the client is dropped or the server stops; both are normal.
        let _ = connection.await;
    });
    Ok(client)
}

fn init_cluster(
    binaries: &Binaries,
    owner: Option<Owner>,
    root: &Path,
    pgdata: &Path,
) -> Result<(), DbError> {
    let pwfile = root.join("superuser-password");
    std::fs::write(&pwfile, SUPERUSER_PASSWORD)
        .map_err(DbError::io("writing the password file"))?;
    process::give_to(owner, &pwfile)?;
    let output = process::command_as(owner, &binaries.program("initdb"))
        .arg("--pgdata")
        .arg(pgdata)
        .args([
            "--username=postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        ])
        .arg(format!("--pwfile={}", pwfile.display()))
        .args([
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
        ])
        .output()
        .map_err(DbError::io("running initdb"));
    let _ = std::fs::remove_file(&pwfile);
    let output = output?;
    if output.status.success() {
        Ok(())
    } else {
        Err(DbError::ToolFailed {
            program: "initdb".to_owned(),
            output: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

async fn start_server(
    binaries: &Binaries,
    owner: Option<Owner>,
    root: &Path,
    requested_port: Option<u16>,
    durable: bool,
) -> Result<(ServerProcess, u16), DbError> {
    let fixed_port = requested_port.filter(|port| *port != 0);
    let attempts = if fixed_port.is_some() {
        1
    } else {
        FREE_PORT_ATTEMPTS
    };
    let mut last_error = None;
    for _ in 0..attempts {
        let port = match fixed_port {
            Some(port) if port_is_free(port) => port,
            Some(port) => return Err(DbError::PortTaken(port)),
            None => free_port()?,
        };
        let server = spawn_postgres(binaries, owner, root, port, durable)?;
        match wait_until_ready(&server, root, port).await {
            Ok(()) => return Ok((server, port)),
            Err(DbError::PortTaken(port)) if fixed_port.is_none() => {
                last_error = Some(DbError::PortTaken(port));
            }
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or(DbError::StartFailed {
        reason: "no free port".to_owned(),
        log: String::new(),
    }))
}

fn spawn_postgres(
    binaries: &Binaries,
    owner: Option<Owner>,
    root: &Path,
    port: u16,
    durable: bool,
) -> Result<ServerProcess, DbError> {
    let log_path = root.join("server.log");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(DbError::io(format!("opening {}", log_path.display())))?;
    let log_err = log
        .try_clone()
        .map_err(DbError::io("duplicating the log handle"))?;
    let mut command = process::command_as(owner, &binaries.program("postgres"));
    command.arg("-D").arg(root.join("pgdata"));
    let mut settings = vec![
        // Loopback only, and no Unix socket: nothing outside this machine, nothing in /run.
        "listen_addresses=127.0.0.1".to_owned(),
        format!("port={port}"),
        "unix_socket_directories=".to_owned(),
        // What Supabase Realtime needs: logical decoding for wal2json slots.
        "wal_level=logical".to_owned(),
        "max_replication_slots=20".to_owned(),
        "max_wal_senders=20".to_owned(),
        "max_connections=200".to_owned(),
        "timezone=UTC".to_owned(),
        "log_timezone=UTC".to_owned(),
    ];
    if binaries.has_pg_cron() {
        // pg_cron, as hosted Supabase has it: jobs run in background workers of this cluster
        // (no login over TCP), scheduled in the database the migrations run in.
        settings.extend(
            [
                "shared_preload_libraries=pg_cron",
                "cron.database_name=postgres",
                "cron.use_background_workers=on",
                "max_worker_processes=32",
                "cron.log_min_messages=warning",
            ]
            .map(str::to_owned),
        );
    }
    if !durable {
        // A temporary cluster is deleted at the end anyway; skipping flushes makes tests fast.
        // synchronous_commit stays on: logical decoding only sees flushed WAL, and delaying the
        // flush would delay every realtime event.
        settings.extend(["fsync=off", "full_page_writes=off"].map(str::to_owned));
    }
    for setting in settings {
        command.arg("-c").arg(setting);
    }
    command.stdin(Stdio::null()).stdout(log).stderr(log_err);
    ServerProcess::spawn(command)
}

async fn wait_until_ready(server: &ServerProcess, root: &Path, port: u16) -> Result<(), DbError> {
    let url = format!("postgres://postgres:{SUPERUSER_PASSWORD}@127.0.0.1:{port}/postgres");
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        if let Some(status) = server.exit_status() {
            let log = log_tail(root);
            if log.contains("Address already in use") {
                return Err(DbError::PortTaken(port));
            }
            if log.contains("lock file \"postmaster.pid\" already exists") {
                return Err(DbError::AlreadyRunning(root.join("pgdata")));
            }
            return Err(DbError::StartFailed {
                reason: format!("postgres exited ({status})"),
                log,
            });
        }
        if connect(&url).await.is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            server.stop_blocking();
            return Err(DbError::StartFailed {
                reason: format!("no connection within {READY_TIMEOUT:?}"),
                log: log_tail(root),
            });
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn log_tail(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join("server.log")).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// Deletes temporary clusters left by processes that were killed before they could clean up:
/// folders of ours older than ten minutes whose server is gone (no `postmaster.pid`).
fn sweep_abandoned_temp_folders() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let ours = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX);
        let old = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .is_ok_and(|time| time.elapsed().is_ok_and(|age| age > ABANDONED_AFTER));
        if ours && old && !path.join("pgdata/postmaster.pid").exists() {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

fn port_is_free(port: u16) -> bool {
    TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).is_ok()
}

fn free_port() -> Result<u16, DbError> {
    let listener = TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0))
        .map_err(DbError::io("finding a free port"))?;
    let port = listener
        .local_addr()
        .map_err(DbError::io("finding a free port"))?
        .port();
    Ok(port)
}
