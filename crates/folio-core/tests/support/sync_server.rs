//! A real sync server in-process on 127.0.0.1 for core's sync tests, and a keychain service of
//! the test's own (the session's refresh token is stored for real).
#![allow(dead_code)] // each test file uses a different part of it
#![allow(clippy::unwrap_used)] // a failed setup should panic

use folio_server::{DatabaseUrl, PasswordHashing, PlanId, RunningServer, ServerConfig};
use std::net::SocketAddr;
use std::path::Path;

/// A keychain service name nobody else uses, so tests never see each other's (or a person's)
/// entries.
pub fn private_keychain() {
    std::env::set_var(
        "FOLIO_KEYCHAIN_SERVICE",
        format!("folio-test-{}", uuid::Uuid::now_v7()),
    );
}

/// A server on `port` (0: any free one) storing in `dir`, with cheap password hashing.
pub async fn start(dir: &Path, port: u16, plan: PlanId) -> RunningServer {
    let mut config = ServerConfig::new(DatabaseUrl::in_data_dir(dir));
    config.listen = SocketAddr::from(([127, 0, 0, 1], port));
    config.password_hashing = PasswordHashing::InsecureFastForTests;
    config.default_plan = plan;
    folio_server::serve(config).await.unwrap()
}

/// Every file under `dir`, recursively; `None` when an entry vanished while listing.
fn files_under(dir: &Path) -> Option<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).ok()? {
        let path = entry.ok()?.path();
        if path.is_dir() {
            out.extend(files_under(&path)?);
        } else {
            out.push(path);
        }
    }
    Some(out)
}

/// Panics naming the file when any file under `dirs` holds `secret`'s bytes.
///
/// SQLite deletes a database's `-wal` and `-shm` files when its last connection closes, which
/// can happen on sqlx's worker thread just after `close()` returned: a file that vanishes
/// between listing and reading means the directory was still settling, so the whole scan starts
/// again (the WAL's content is in the database file by then) rather than missing a file.
pub fn assert_nowhere_in(dirs: &[&Path], secret: &str, what: &str) {
    for _ in 0..100 {
        if let Some(scanned) = scan(dirs, secret, what) {
            assert!(scanned > 0, "nothing was scanned for the {what}");
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("files kept vanishing while scanning for the {what}");
}

/// Bytes scanned, or `None` when a file vanished mid-scan.
fn scan(dirs: &[&Path], secret: &str, what: &str) -> Option<usize> {
    let mut scanned = 0;
    for dir in dirs {
        for file in files_under(dir)? {
            let bytes = match std::fs::read(&file) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
                Err(e) => panic!("read {}: {e}", file.display()),
            };
            scanned += bytes.len();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "the {what} is in {}",
                file.display()
            );
        }
    }
    Some(scanned)
}
