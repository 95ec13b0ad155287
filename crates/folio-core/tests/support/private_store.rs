//! A store on a fresh data directory, with this test binary's keychain entries under a service
//! of their own (set once: tests of one binary run side by side and share the process's env).

use folio_core::Folio;

static KEYCHAIN: std::sync::Once = std::sync::Once::new();

pub async fn open() -> (tempfile::TempDir, Folio) {
    KEYCHAIN.call_once(|| {
        std::env::set_var(
            "FOLIO_KEYCHAIN_SERVICE",
            format!("folio-test-{}", uuid::Uuid::now_v7()),
        );
    });
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    (dir, folio)
}
