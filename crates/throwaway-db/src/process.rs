//! Runs PostgreSQL programs as the right operating-system user and ties the server's life to ours.
//!
//! PostgreSQL refuses to run as root, so when we are root (as on CI) initdb and postgres run as
//! the unprivileged `postgres` account (or `THROWAWAY_DB_OS_USER`). The server is spawned from a
//! thread that does nothing but wait for it, with PR_SET_PDEATHSIG: if our process dies without
//! stopping it (a killed test, a crashed gateway), the kernel sends the server SIGINT (PostgreSQL's
//! "fast shutdown") and nothing is left running. The death signal fires when the *spawning
//! thread* ends, which is why that thread lives exactly as long as the server.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::{Gid, Pid, Uid, User, chown};
use tokio::sync::watch;

use crate::error::DbError;

/// The account that owns and runs the cluster when we are root.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    uid: Uid,
    gid: Gid,
}

/// `None` when we are not root: then everything runs as ourselves.
pub fn cluster_owner() -> Result<Option<Owner>, DbError> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    let name = std::env::var("THROWAWAY_DB_OS_USER").unwrap_or_else(|_| "postgres".to_owned());
    match User::from_name(&name) {
        Ok(Some(user)) => Ok(Some(Owner {
            uid: user.uid,
            gid: user.gid,
        })),
        _ => Err(DbError::NoUnprivilegedUser(name)),
    }
}

/// A command for `program` that runs as `owner` when there is one.
pub fn command_as(owner: Option<Owner>, program: &Path) -> Command {
    let mut command = Command::new(program);
    if let Some(owner) = owner {
        command.uid(owner.uid.as_raw()).gid(owner.gid.as_raw());
    }
    command
}

/// Hands `path` to `owner` so that PostgreSQL may write there.
pub fn give_to(owner: Option<Owner>, path: &Path) -> Result<(), DbError> {
    if let Some(owner) = owner {
        chown(path, Some(owner.uid), Some(owner.gid)).map_err(|errno| DbError::Io {
            context: format!("handing {} to the cluster owner", path.display()),
            source: errno.into(),
        })?;
    }
    Ok(())
}

/// A running server process, watched by its own thread.
#[derive(Debug)]
pub struct ServerProcess {
    pid: Pid,
    exit: watch::Receiver<Option<ExitStatus>>,
}

impl ServerProcess {
    /// Spawns `command` from a dedicated thread with a parent-death signal (see module docs).
    pub fn spawn(mut command: Command) -> Result<Self, DbError> {
        // SAFETY: the closure runs in the forked child before exec and only calls prctl(2), which
        // is async-signal-safe; it allocates nothing and touches no lock.
        #[allow(unsafe_code)]
        unsafe {
            command.pre_exec(|| {
                nix::sys::prctl::set_pdeathsig(Signal::SIGINT).map_err(std::io::Error::from)
            });
        }
        let (spawned_tx, spawned_rx) = std::sync::mpsc::channel();
        let (exit_tx, exit) = watch::channel(None);
        std::thread::Builder::new()
            .name("postgres-watch".to_owned())
            .spawn(move || match command.spawn() {
                Ok(mut child) => {
                    let _ = spawned_tx.send(Ok(child.id()));
                    let status = child.wait().ok();
                    let _ = exit_tx.send(status);
                }
                Err(error) => {
                    let _ = spawned_tx.send(Err(error));
                }
            })
            .map_err(DbError::io("starting the postgres watcher thread"))?;
        let pid = spawned_rx
            .recv()
            .map_err(|_| DbError::StartFailed {
                reason: "the watcher thread ended before spawning postgres".to_owned(),
                log: String::new(),
            })?
            .map_err(DbError::io("spawning postgres"))?;
        let pid = Pid::from_raw(i32::try_from(pid).map_err(|_| DbError::StartFailed {
            reason: format!("unexpected process id {pid}"),
            log: String::new(),
        })?);
        Ok(Self { pid, exit })
    }

    /// The exit status, once the server has exited.
    pub fn exit_status(&self) -> Option<ExitStatus> {
        *self.exit.borrow()
    }

    /// Stops the server: fast shutdown, then immediate, then kill, waiting for each in turn.
    /// Blocking on purpose so that `Drop` can use it; it returns within about 15 s.
    pub fn stop_blocking(&self) {
        for (signal, patience) in [
            (Signal::SIGINT, Duration::from_secs(10)),
            (Signal::SIGQUIT, Duration::from_secs(3)),
            (Signal::SIGKILL, Duration::from_secs(2)),
        ] {
            if self.exit_status().is_some() {
                return;
            }
            let _ = kill(self.pid, signal);
            let deadline = Instant::now() + patience;
            while self.exit_status().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}
