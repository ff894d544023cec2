//! What the gateway examples (`bench`, `load`) share: the dev-server binary started as its own
//! process over a throwaway database, as a deployment runs it.

use std::process::Stdio;

use throwaway_db::ThrowawayDb;
use tokio::io::{AsyncBufReadExt, BufReader};

/// A running gateway.
pub struct Gateway {
    /// The process (killed when dropped).
    pub process: tokio::process::Child,
    /// Its process id, for /proc.
    pub pid: u32,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

/// Starts the dev-server binary (`DEV_SERVER_BIN`, default `target/server/dev-server`) over `db`
/// with `log` as its `RUST_LOG`, and waits until it says it is ready.
pub async fn start_gateway(
    db: &ThrowawayDb,
    log: &str,
) -> Result<Gateway, Box<dyn std::error::Error>> {
    let binary =
        std::env::var("DEV_SERVER_BIN").unwrap_or_else(|_| "target/server/dev-server".to_owned());
    let mut process = tokio::process::Command::new(&binary)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &db.superuser_url(),
            "--authenticator-url",
            &db.authenticator_url(),
        ])
        .env("RUST_LOG", log)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let pid = process.id().ok_or("gateway exited")?;
    let mut lines = BufReader::new(process.stdout.take().ok_or("no stdout")?).lines();
    let mut base = String::new();
    while let Some(line) = lines.next_line().await? {
        if let Some(url) = line.strip_prefix("dev-server ready at ") {
            base = url.to_owned();
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(Gateway { process, pid, base })
}
