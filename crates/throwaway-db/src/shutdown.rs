//! Waiting for the signal to stop, for the long-running binaries of this workspace
//! (`throwaway-db`, `dev-server`): Ctrl-C, SIGTERM, or optionally standard input closing, which
//! lets a test harness that dies take its children along.

use tokio::io::AsyncReadExt;
use tokio::signal::unix::{SignalKind, signal};

/// Resolves on Ctrl-C, SIGTERM, or (when `stop_on_stdin_eof`) end of standard input.
///
/// After the stdin variant the caller should end with `std::process::exit`: the blocking stdin
/// reader would otherwise keep the Tokio runtime from shutting down.
pub async fn wait_for_stop_signal(stop_on_stdin_eof: bool) {
    let stdin_closed = async {
        if stop_on_stdin_eof {
            let mut sink = Vec::new();
            let _ = tokio::io::stdin().read_to_end(&mut sink).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    let terminated = async {
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminated => {}
        () = stdin_closed => {}
    }
}
