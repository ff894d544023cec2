//! `throwaway-db`: starts a throwaway cluster, prints how to reach it, and runs until Ctrl-C or
//! SIGTERM, then stops it and leaves nothing running.

use std::path::PathBuf;
use std::process::ExitCode;

use throwaway_db::{DbOptions, ThrowawayDb};

const USAGE: &str =
    "usage: throwaway-db [--data-dir DIR] [--port N] [--supabase-dir DIR] [--stop-on-stdin-eof]
  --data-dir DIR      keep the cluster in DIR (default: a temporary folder, deleted at exit)
  --port N            listen on 127.0.0.1:N (default 0: any free port)
  --supabase-dir DIR  folder with bootstrap.sql and migrations/ (default: the repository's)
  --stop-on-stdin-eof stop when standard input closes (a harness that dies takes us along)";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stop_on_stdin_eof = args.iter().any(|arg| arg == "--stop-on-stdin-eof");
    let options = match parse_args(args.into_iter().filter(|arg| arg != "--stop-on-stdin-eof")) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let db = match ThrowawayDb::start(options).await {
        Ok(db) => db,
        Err(error) => {
            eprintln!("throwaway-db: {error}");
            return ExitCode::FAILURE;
        }
    };
    let report = db.migrations();
    println!(
        "migrations applied: {:?}; already there: {:?}",
        report.applied, report.skipped
    );
    println!("DATABASE_URL={}", db.superuser_url());
    println!("AUTHENTICATOR_URL={}", db.authenticator_url());
    println!(
        "ready in {} ms; Ctrl-C stops it",
        started.elapsed().as_millis()
    );
    throwaway_db::shutdown::wait_for_stop_signal(stop_on_stdin_eof).await;
    db.stop().await;
    println!("stopped");
    // Exit rather than return: a blocking stdin reader would keep the runtime waiting.
    std::process::exit(0)
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<DbOptions, String> {
    let mut options = DbOptions::default();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--data-dir" => options.data_dir = Some(PathBuf::from(value()?)),
            "--port" => options.port = Some(value()?.parse().map_err(|_| "--port takes a number")?),
            "--supabase-dir" => options.supabase_dir = PathBuf::from(value()?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}
