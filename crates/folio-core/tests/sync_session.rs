//! The session on one data directory shared by two processes (the app and the CLI): concurrent
//! syncs never spend the same refresh token twice (which the server would take for theft and
//! end the session), and logging out ends the session on the server too.
//! Runs under `scripts/headless.sh` (the session needs the OS keychain).

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns: a failed setup should panic

#[path = "support/sync_server.rs"]
mod sync_server;

use folio_core::{CoreError, Folio};
use folio_model::NewSite;
use folio_server::PlanId;

const PASSWORD: &str = "Session-Test-Password-9";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_syncs_share_one_session_and_logout_ends_it_on_the_server() {
    sync_server::private_keychain();
    let server_dir = tempfile::tempdir().unwrap();
    let server = sync_server::start(server_dir.path(), 0, PlanId::Growth).await;

    let dir = tempfile::tempdir().unwrap();
    let app = Folio::open(dir.path()).await.unwrap();
    app.create_site(&NewSite {
        name: "Shared".into(),
        domain: "shared.example".into(),
        sectors: vec![],
    })
    .await
    .unwrap();
    app.account_register(&server.url(), "two@example.com", PASSWORD)
        .await
        .unwrap();
    // "The CLI": the same data directory opened a second time.
    let cli = Folio::open(dir.path()).await.unwrap();
    let mut rounds = Vec::new();
    for i in 0..6 {
        let f = if i % 2 == 0 { app.clone() } else { cli.clone() };
        rounds.push(tokio::spawn(async move { f.sync_once().await }));
    }
    for r in rounds {
        r.await.unwrap().unwrap();
    }
    // Still logged in: a reused refresh token would have ended the session.
    app.sync_once().await.unwrap();

    app.account_logout().await.unwrap();
    match cli.sync_once().await {
        Err(CoreError::Validation {
            field: "account", ..
        }) => {}
        other => panic!("expected 'not logged in', got {other:?}"),
    }
    assert!(app.account_session().await.unwrap().is_none());
    server.shutdown().await.unwrap();
}
