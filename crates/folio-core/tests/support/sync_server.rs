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

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Panics naming the file when any file under `dirs` holds `secret`'s bytes.
pub fn assert_nowhere_in(dirs: &[&Path], secret: &str, what: &str) {
    let mut scanned = 0;
    for dir in dirs {
        for file in files_under(dir) {
            let bytes = std::fs::read(&file).unwrap();
            scanned += bytes.len();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "the {what} is in {}",
                file.display()
            );
        }
    }
    assert!(scanned > 0, "nothing was scanned for the {what}");
}
