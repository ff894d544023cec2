//! `dev-server`: the local Supabase stand-in. By default it starts a throwaway PostgreSQL and
//! serves REST and Realtime on http://127.0.0.1:54321 with the Supabase CLI's demo keys, until
//! Ctrl-C or SIGTERM; then it stops everything it started.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use dev_server::{Database, Gateway, GatewayConfig, redact};
use throwaway_db::DbOptions;

/// Local Supabase stand-in: PostgREST-style REST and Realtime over a real PostgreSQL.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to serve on. Only loopback is allowed with the demo JWT secret.
    #[arg(long, env = "GATEWAY_LISTEN", default_value = "127.0.0.1:54321")]
    listen: SocketAddr,
    /// Use this PostgreSQL (a role with replication rights) instead of a throwaway one.
    #[arg(long, env = "DATABASE_URL", requires = "authenticator_url")]
    database_url: Option<String>,
    /// The `authenticator` login of that PostgreSQL.
    #[arg(long, env = "AUTHENTICATOR_URL")]
    authenticator_url: Option<String>,
    /// Keep the throwaway database in this folder between runs (default: a temporary folder).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Port of the throwaway database (default: any free port).
    #[arg(long)]
    db_port: Option<u16>,
    /// HS256 secret (32+ characters). Default: the Supabase CLI's public demo secret.
    #[arg(long, env = "SUPABASE_JWT_SECRET", hide_env_values = true)]
    jwt_secret: Option<String>,
    /// The anon key to accept (default: the demo key, or one minted with --jwt-secret).
    #[arg(long, env = "SUPABASE_ANON_KEY", hide_env_values = true)]
    anon_key: Option<String>,
    /// The service_role key to accept (default: the demo key, or one minted with --jwt-secret).
    #[arg(long, env = "SUPABASE_SERVICE_ROLE_KEY", hide_env_values = true)]
    service_role_key: Option<String>,
    /// The publishable key to accept for the anon role (default: the Supabase CLI's local one).
    #[arg(long, env = "SUPABASE_PUBLISHABLE_KEY", hide_env_values = true)]
    publishable_key: Option<String>,
    /// The secret key to accept for the service_role role (default: the CLI's local one).
    #[arg(long, env = "SUPABASE_SECRET_KEY", hide_env_values = true)]
    secret_key: Option<String>,
    /// Most rows one REST GET returns, as Supabase's "Max rows" setting (default 1,000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(i64).range(1..))]
    max_rows: i64,
    /// Enable the fault-injection endpoints under /__faults (loopback callers only).
    #[arg(long, env = "DEV_SERVER_FAULTS")]
    faults: bool,
    /// Delay before a Realtime join error reply, in ms (Supabase: 5000).
    #[arg(long, default_value_t = 5000)]
    channel_error_backoff_ms: u64,
    /// Stop when standard input closes: a test harness that dies cannot leave us running.
    #[arg(long)]
    stop_on_stdin_eof: bool,
    /// Delay before refusing a WebSocket upgrade, in ms (Supabase: 2000).
    #[arg(long, default_value_t = 2000)]
    connect_error_backoff_ms: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("dev_server=info")),
        )
        .with_target(false)
        .init();
    let args = Args::parse();
    let stop_on_stdin_eof = args.stop_on_stdin_eof;
    let mut config = match &args.jwt_secret {
        Some(secret) => {
            GatewayConfig::with_secret(secret, args.anon_key.clone(), args.service_role_key.clone())
        }
        None => GatewayConfig::default(),
    };
    if args.jwt_secret.is_none() && (args.anon_key.is_some() || args.service_role_key.is_some()) {
        eprintln!(
            "dev-server: --anon-key and --service-role-key need the --jwt-secret that signed them"
        );
        return ExitCode::from(2);
    }
    if let Some(key) = args.publishable_key {
        config.publishable_key = key;
    }
    if let Some(key) = args.secret_key {
        config.secret_key = key;
    }
    config.max_rows = args.max_rows;
    config.listen = args.listen;
    config.faults_enabled = args.faults;
    config.channel_error_backoff = Duration::from_millis(args.channel_error_backoff_ms);
    config.connect_error_backoff = Duration::from_millis(args.connect_error_backoff_ms);
    let database = match (args.database_url, args.authenticator_url) {
        (Some(admin_url), Some(authenticator_url)) => Database::External {
            admin_url,
            authenticator_url,
        },
        _ => Database::Embedded(DbOptions {
            data_dir: args.data_dir,
            port: args.db_port,
            ..DbOptions::default()
        }),
    };
    let keys = [
        (
            "SUPABASE_PUBLISHABLE_KEY",
            config.publishable_key.clone(),
            "",
        ),
        (
            "SUPABASE_SECRET_KEY",
            config.secret_key.clone(),
            "   (server side only)",
        ),
        ("SUPABASE_ANON_KEY", config.anon_key.clone(), "   (legacy)"),
        (
            "SUPABASE_SERVICE_ROLE_KEY",
            config.service_role_key.clone(),
            "   (legacy, server side only)",
        ),
    ];
    let gateway = match Gateway::start(config, database).await {
        Ok(gateway) => gateway,
        Err(error) => {
            eprintln!("dev-server: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("dev-server ready at {}", gateway.url());
    println!("  REST      {}/rest/v1/<table>", gateway.url());
    println!("  Realtime  ws://{}/realtime/v1/websocket", gateway.addr);
    println!("  database  {}", redact(&gateway.database_url));
    for (name, key, note) in keys {
        println!("  {name}={key}{note}");
    }
    throwaway_db::shutdown::wait_for_stop_signal(stop_on_stdin_eof).await;
    println!("dev-server: stopping");
    gateway.stop().await;
    println!("dev-server: stopped");
    // Everything we started is stopped. Exit now rather than return: the runtime would otherwise
    // wait for the blocking stdin reader of --stop-on-stdin-eof, which never finishes.
    std::process::exit(0)
}
