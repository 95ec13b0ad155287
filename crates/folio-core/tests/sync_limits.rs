//! The server enforces the plan's keyword limit on synced documents: a device over it keeps all
//! its keywords, the server never holds more than the plan allows, and the device is told why.
//! Runs under `scripts/headless.sh` (the session needs the OS keychain).

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns: a failed setup should panic

#[path = "support/sync_server.rs"]
mod sync_server;

use folio_core::Folio;
use folio_model::SyncStatus;
use folio_model::{KeywordFilter, KeywordQuery, NewSite, SiteId};
use folio_server::PlanId;

const PASSWORD: &str = "Limit-Test-Password-7";

async fn count(folio: &Folio, site: SiteId) -> u64 {
    let q = KeywordQuery {
        filter: KeywordFilter::site(site),
        sort: Default::default(),
        limit: 1,
        offset: 0,
    };
    folio.list_keywords(&q).await.unwrap().total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keywords_past_the_plan_limit_stay_on_the_device_and_never_reach_the_server() {
    sync_server::private_keychain();
    let server_dir = tempfile::tempdir().unwrap();
    let server = sync_server::start(server_dir.path(), 0, PlanId::Free).await;

    // Local-only, the device has no limit: 150 keywords.
    let dir_a = tempfile::tempdir().unwrap();
    let a = Folio::open(dir_a.path()).await.unwrap();
    let site = a
        .create_site(&NewSite {
            name: "Only site".into(),
            domain: "only.example".into(),
            sectors: vec![],
        })
        .await
        .unwrap();
    let mut csv = String::from("Keyword,Volume\n");
    for i in 0..150 {
        csv.push_str(&format!("limit keyword {i},{i}\n"));
    }
    a.import_keywords(site.id, None, csv.into_bytes(), &Default::default())
        .await
        .unwrap();
    a.account_register(&server.url(), "limit@example.com", PASSWORD)
        .await
        .unwrap();
    let report = a.sync_once().await.unwrap();
    assert!(
        report.refused.iter().any(|(_, r)| r == "plan_limit"),
        "{report:?}"
    );
    match a.sync_status().await.unwrap() {
        SyncStatus::Error { reason, .. } => assert!(reason.contains("keyword limit"), "{reason}"),
        other => panic!("status {other:?}"),
    }
    assert_eq!(
        count(&a, site.id).await,
        150,
        "nothing is lost on the device"
    );
    // The plan now applies on the device too: a further import is refused with the numbers.
    let err = a
        .import_keywords(
            site.id,
            None,
            b"Keyword\nyet another\n".to_vec(),
            &Default::default(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("100"), "{err}");

    // What the server holds, seen from a second device: some keywords, never more than 100.
    let dir_b = tempfile::tempdir().unwrap();
    let b = Folio::open(dir_b.path()).await.unwrap();
    b.account_login(&server.url(), "limit@example.com", PASSWORD)
        .await
        .unwrap();
    b.close().await;
    let b = Folio::open(dir_b.path()).await.unwrap();
    b.sync_once().await.unwrap();
    let on_server = count(&b, site.id).await;
    assert!(on_server > 0 && on_server <= 100, "{on_server}");

    a.account_logout().await.unwrap();
    b.account_logout().await.unwrap();
    server.shutdown().await.unwrap();
}
