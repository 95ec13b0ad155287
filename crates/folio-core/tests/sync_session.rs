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

async fn http_post(url: &str, token: Option<&str>, body: serde_json::Value) -> serde_json::Value {
    let mut req = reqwest::Client::new().post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    assert!(resp.status().is_success(), "{url}: {}", resp.status());
    resp.json().await.unwrap()
}

/// A member invited by link (the server has no mail) who is removed from the account: the
/// socket their device keeps open is closed by the server at once, and the device's live sync
/// ends saying why (not as "offline, retrying").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_member_s_live_sync_ends_saying_why() {
    sync_server::private_keychain();
    let server_dir = tempfile::tempdir().unwrap();
    let server = sync_server::start(server_dir.path(), 0, PlanId::Growth).await;
    let base = server.url();

    let owner_dir = tempfile::tempdir().unwrap();
    let owner = Folio::open(owner_dir.path()).await.unwrap();
    owner
        .create_site(&NewSite {
            name: "Shared".into(),
            domain: "shared.example".into(),
            sectors: vec![],
        })
        .await
        .unwrap();
    owner
        .account_register(&base, "owner@example.com", PASSWORD)
        .await
        .unwrap();
    owner.sync_once().await.unwrap();
    // No mail on this server: an emailed invite says so, a link invite hands the link back.
    let by_mail = owner
        .account_invite("member@example.com", "editor", false)
        .await
        .unwrap_err();
    assert!(by_mail.to_string().contains("mail"), "{by_mail}");
    let invite = owner
        .account_invite("member@example.com", "editor", true)
        .await
        .unwrap();
    let link = invite["link"].as_str().unwrap();
    let token = link.split_once("#token=").unwrap().1;
    http_post(
        &format!("{base}/v1/invites/accept"),
        None,
        serde_json::json!({"token": token, "password": PASSWORD}),
    )
    .await;

    let member_dir = tempfile::tempdir().unwrap();
    let member = Folio::open(member_dir.path()).await.unwrap();
    let session = member
        .account_login(&base, "member@example.com", PASSWORD)
        .await
        .unwrap();
    // (the login joined the owner's account: work in it from a fresh opening)
    let member = Folio::open(member_dir.path()).await.unwrap();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let (synced_tx, mut synced) = tokio::sync::watch::channel(false);
    let watching = {
        let member = member.clone();
        tokio::spawn(async move {
            member
                .sync_watch(stop, move |s| {
                    if matches!(s, folio_model::SyncStatus::Synced { .. }) {
                        let _ = synced_tx.send(true);
                    }
                })
                .await
        })
    };
    synced.wait_for(|s| *s).await.unwrap();

    let owner_login = http_post(
        &format!("{base}/v1/auth/login"),
        None,
        serde_json::json!({"email": "owner@example.com", "password": PASSWORD}),
    )
    .await;
    let resp = reqwest::Client::new()
        .delete(format!("{base}/v1/account/users/{}", session.user_id))
        .bearer_auth(owner_login["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());

    let ended = tokio::time::timeout(std::time::Duration::from_secs(60), watching)
        .await
        .expect("the live sync ended")
        .unwrap();
    drop(stop_tx);
    match ended {
        Err(CoreError::Unauthenticated(why)) => {
            assert!(why.contains("removed from this account"), "{why}")
        }
        other => panic!("expected the sync to end as removed, got {other:?}"),
    }
    server.shutdown().await.unwrap();
}
