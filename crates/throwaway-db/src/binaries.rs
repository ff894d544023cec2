//! Finds the PostgreSQL server binaries and checks that wal2json is installed for them.
//! It only looks; installing is `make deps`' job (scripts/install-deps.sh).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::DbError;

/// The PostgreSQL major versions we look for, newest first. Supabase runs 15 and 17.
const PREFERRED_MAJORS: [u32; 3] = [15, 17, 16];

/// A PostgreSQL installation able to host a Supabase-shaped cluster.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// Directory holding `initdb` and `postgres`.
    pub bindir: PathBuf,
    /// Major version, e.g. 15.
    pub major: u32,
}

impl Binaries {
    /// Locates the binaries: `PG_BINDIR` if set, else Debian's `/usr/lib/postgresql/<major>/bin`,
    /// else the directory of `pg_config --bindir` on PATH. Fails when wal2json is missing.
    pub fn locate() -> Result<Self, DbError> {
        let mut searched = Vec::new();
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(dir) = std::env::var_os("PG_BINDIR") {
            candidates.push(dir.into());
        }
        for major in PREFERRED_MAJORS {
            candidates.push(PathBuf::from(format!("/usr/lib/postgresql/{major}/bin")));
        }
        if let Some(dir) = pg_config_value(Path::new("pg_config"), "--bindir") {
            candidates.push(dir.into());
        }
        for dir in candidates {
            searched.push(dir.display().to_string());
            if dir.join("initdb").is_file() && dir.join("postgres").is_file() {
                let major = server_major(&dir)?;
                let found = Self { bindir: dir, major };
                found.check_wal2json()?;
                return Ok(found);
            }
        }
        Err(DbError::BinariesMissing {
            searched: searched.join(", "),
        })
    }

    /// Path of one of the server programs.
    pub fn program(&self, name: &str) -> PathBuf {
        self.bindir.join(name)
    }

    /// The server's library folder (extensions' shared objects).
    fn pkglibdir(&self) -> PathBuf {
        pg_config_value(&self.program("pg_config"), "--pkglibdir")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(format!("/usr/lib/postgresql/{}/lib", self.major)))
    }

    /// Whether pg_cron is installed (`make deps` installs it): the cluster then preloads it, as
    /// hosted Supabase does, and the migrations schedule the silence sweep.
    pub fn has_pg_cron(&self) -> bool {
        self.pkglibdir().join("pg_cron.so").is_file()
    }

    fn check_wal2json(&self) -> Result<(), DbError> {
        let path = self.pkglibdir().join("wal2json.so");
        if path.is_file() {
            Ok(())
        } else {
            Err(DbError::Wal2jsonMissing {
                major: self.major,
                path,
            })
        }
    }
}

/// `postgres --version` prints e.g. "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".
fn server_major(bindir: &Path) -> Result<u32, DbError> {
    let program = bindir.join("postgres");
    let output = Command::new(&program)
        .arg("--version")
        .output()
        .map_err(DbError::io(format!(
            "running {} --version",
            program.display()
        )))?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse_major(&text).ok_or_else(|| DbError::ToolFailed {
        program: format!("{} --version", program.display()),
        output: text.into_owned(),
    })
}

fn parse_major(version_line: &str) -> Option<u32> {
    let version = version_line
        .split_whitespace()
        .find(|word| word.starts_with(|c: char| c.is_ascii_digit()))?;
    version.split('.').next()?.parse().ok()
}

fn pg_config_value(pg_config: &Path, flag: &str) -> Option<String> {
    let output = Command::new(pg_config).arg(flag).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_version_is_read_from_debian_version_line() {
        assert_eq!(
            parse_major("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"),
            Some(15)
        );
        assert_eq!(parse_major("postgres (PostgreSQL) 17.2\n"), Some(17));
        assert_eq!(parse_major("garbage"), None);
    }
}
