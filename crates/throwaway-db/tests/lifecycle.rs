//! The throwaway cluster's promises: loopback only, side by side, a clear error for a taken
//! port, and nothing left running or on disk after it stops.

use std::net::TcpListener;
use std::path::Path;

use throwaway_db::{DbError, DbOptions, ThrowawayDb};

fn postmaster_pid(root: &Path) -> i32 {
    let text = std::fs::read_to_string(root.join("pgdata/postmaster.pid")).expect("postmaster.pid");
    text.lines()
        .next()
        .and_then(|line| line.parse().ok())
        .expect("pid on the first line")
}

fn process_exists(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[tokio::test]
async fn two_clusters_run_side_by_side_and_stop_without_a_trace() {
    let (first, second) = tokio::join!(
        ThrowawayDb::start(DbOptions::default()),
        ThrowawayDb::start(DbOptions::default())
    );
    let (first, second) = (first.expect("first starts"), second.expect("second starts"));
    assert_ne!(first.port(), second.port());
    assert_ne!(first.root(), second.root());

    // Each is its own database: a write in one is not seen by the other.
    let a = first.connect_superuser().await.expect("connect first");
    let b = second.connect_superuser().await.expect("connect second");
    a.execute("delete from public.hp_worker_status", &[])
        .await
        .expect("delete in first");
    let left: i64 = b
        .query_one("select count(*) from public.hp_worker_status", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(left, 5);

    // Loopback only: the server says so itself.
    let listen: String = a
        .query_one("show listen_addresses", &[])
        .await
        .expect("show")
        .get(0);
    assert_eq!(listen, "127.0.0.1");
    let wal_level: String = a
        .query_one("show wal_level", &[])
        .await
        .expect("show")
        .get(0);
    assert_eq!(wal_level, "logical");

    let (pid, root, port) = (
        postmaster_pid(first.root()),
        first.root().to_path_buf(),
        first.port(),
    );
    assert!(process_exists(pid));
    drop((a, b));
    first.stop().await;
    assert!(
        !process_exists(pid),
        "the server process is gone after stop"
    );
    assert!(!root.exists(), "the temporary folder is deleted after stop");
    assert!(
        TcpListener::bind(("127.0.0.1", port)).is_ok(),
        "the port is free again"
    );

    let (pid, root) = (postmaster_pid(second.root()), second.root().to_path_buf());
    drop(second);
    assert!(
        !process_exists(pid),
        "dropping the handle stops the server too"
    );
    assert!(!root.exists());
}

#[tokio::test]
async fn a_taken_port_is_reported_plainly() {
    let taken = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let error = ThrowawayDb::start(DbOptions {
        port: Some(port),
        ..DbOptions::default()
    })
    .await
    .expect_err("port is taken");
    assert!(
        matches!(error, DbError::PortTaken(p) if p == port),
        "{error}"
    );
    assert!(
        error.to_string().contains(&format!("port {port}")),
        "{error}"
    );
}

#[tokio::test]
async fn a_given_free_port_is_used() {
    let port = TcpListener::bind(("127.0.0.1", 0))
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let db = ThrowawayDb::start(DbOptions {
        port: Some(port),
        ..DbOptions::default()
    })
    .await
    .expect("starts");
    assert_eq!(db.port(), port);
    let client = db
        .connect_superuser()
        .await
        .expect("reachable on that port");
    let one: i32 = client
        .query_one("select 1", &[])
        .await
        .expect("query")
        .get(0);
    assert_eq!(one, 1);
}

#[tokio::test]
async fn a_broken_migration_fails_start_with_the_file_name() {
    let supabase = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        DbOptions::default().supabase_dir.join("bootstrap.sql"),
        supabase.path().join("bootstrap.sql"),
    )
    .expect("copy bootstrap");
    std::fs::create_dir(supabase.path().join("migrations")).expect("mkdir");
    std::fs::write(
        supabase.path().join("migrations/20260101000000_broken.sql"),
        "create tabel oops ();",
    )
    .expect("write");
    let error = ThrowawayDb::start(DbOptions {
        supabase_dir: supabase.path().to_path_buf(),
        ..DbOptions::default()
    })
    .await
    .expect_err("a syntax error stops start-up");
    assert!(
        error.to_string().contains("20260101000000_broken.sql"),
        "{error}"
    );
}
