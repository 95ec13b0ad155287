//! A throwaway PostgreSQL per test, started and stopped with scripts/postgres.sh.
#![allow(dead_code)] // each test file uses a different part of the harness

use folio_server::DatabaseUrl;
use std::path::PathBuf;
use std::process::Command;

/// A running PostgreSQL; dropping it stops the server (by its PID), also when the test failed.
pub struct Postgres {
    dir: tempfile::TempDir,
    url: String,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/postgres.sh")
}

impl Postgres {
    /// Panics — failing the test, never skipping it — when PostgreSQL cannot be started, for
    /// example because its binaries are not installed.
    pub fn start() -> Self {
        // The guard exists before the server does, so a start that fails half-way is cleaned up.
        let mut pg = Self {
            dir: tempfile::tempdir().unwrap(),
            url: String::new(),
        };
        let out = Command::new("bash")
            .arg(script())
            .arg("start")
            .arg(pg.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "PostgreSQL did not start, and the scale-mode tests need it. Install Debian's \
             postgresql package (scripts/setup.sh test does). scripts/postgres.sh said:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        pg.url = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        assert!(pg.url.starts_with("postgres://"), "{}", pg.url);
        pg
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn database(&self) -> DatabaseUrl {
        self.url.parse().unwrap()
    }

    /// End every connection that is listening for notifications, as a network failure or a
    /// database restart would; returns how many there were.
    pub async fn cut_listeners(&self) -> i64 {
        let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
        let (cut,): (i64,) = sqlx::query_as(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
              WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        cut
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}
