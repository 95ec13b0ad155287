//! Two devices (two data directories) and one real sync server on 127.0.0.1: offline edits on
//! both merge with nothing lost, also across a server restart; the projection rebuilt from the
//! documents alone answers every query as before.
//!
//! Needs an OS keychain (the session's refresh token lives there): run under
//! `scripts/headless.sh`, which starts a private Secret Service.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns: a failed setup should panic

use folio_core::Folio;
use folio_model::{
    ContentUpdate, KeywordBulkAction, KeywordFilter, KeywordQuery, KeywordStatus, NewCluster,
    NewContent, NewSite,
};
#[path = "support/sync_server.rs"]
mod sync_server;

use folio_server::{PlanId, RunningServer};
use serde_json::Value;
use std::path::{Path, PathBuf};

const PASSWORD: &str = "Sync-Test-Password-42";

async fn server(dir: &Path, port: u16) -> RunningServer {
    sync_server::start(dir, port, PlanId::Growth).await
}

fn keywords_csv() -> Vec<u8> {
    let mut csv = String::from("Keyword,Volume,Keyword Difficulty,CPC\n");
    for i in 0..300 {
        csv.push_str(&format!(
            "garden tool {i},{},{} ,0.{i:02}\n",
            1000 - i,
            i % 100
        ));
    }
    csv.into_bytes()
}

/// Everything a person can see, as JSON, for comparing two devices.
async fn snapshot(folio: &Folio) -> Value {
    let sites = folio.list_sites().await.unwrap();
    let mut out = serde_json::json!({ "sites": sites });
    for site in &sites.items {
        let mut query = KeywordQuery {
            filter: KeywordFilter::site(site.id),
            sort: Default::default(),
            limit: 1000,
            offset: 0,
        };
        query.filter.site = site.id;
        let keywords = folio.list_keywords(&query).await.unwrap();
        let clusters = folio.list_clusters(site.id, None, None).await.unwrap();
        let content = folio.list_content(site.id).await.unwrap();
        let mut bodies = Vec::new();
        for c in &content {
            bodies.push(folio.get_content(c.id).await.unwrap());
        }
        out[site.id.to_string()] = serde_json::json!({
            "keywords": keywords, "clusters": clusters, "content": bodies,
        });
    }
    out
}

async fn reopen(folio: Folio, dir: &Path) -> Folio {
    folio.close().await;
    Folio::open(dir).await.unwrap()
}

fn paragraphs(n: usize, tag: &str) -> String {
    (0..n)
        .map(|i| format!("<p>Paragraph {i} of the article, {tag}.</p>"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_merge_offline_edits_across_a_server_restart() {
    sync_server::private_keychain();
    let server_dir = tempfile::tempdir().unwrap();
    let mut srv = server(server_dir.path(), 0).await;
    let port = srv.addr().port();
    let url = srv.url();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (path_a, path_b): (PathBuf, PathBuf) = (dir_a.path().into(), dir_b.path().into());

    // Device A works alone first, then registers its account with everything in it.
    let a = Folio::open(&path_a).await.unwrap();
    let site = a
        .create_site(&NewSite {
            name: "Garden Co".into(),
            domain: "garden.example".into(),
            sectors: vec!["Tools".into()],
        })
        .await
        .unwrap();
    let sector = site.sectors[0].id;
    a.import_keywords(site.id, Some(sector), keywords_csv(), &Default::default())
        .await
        .unwrap();
    let cluster = a
        .create_cluster(NewCluster::new(site.id, sector, "Hand tools"))
        .await
        .unwrap();
    let article = a
        .add_content(NewContent {
            site: site.id,
            sector: Some(sector),
            title: "Choosing a trowel".into(),
            body_html: Some(paragraphs(4, "first draft")),
        })
        .await
        .unwrap();
    a.account_register(&url, "owner@example.com", PASSWORD)
        .await
        .unwrap();
    let first = a.sync_once().await.unwrap();
    assert!(first.documents >= 4, "{first:?}");

    // Device B logs in to the same account and pulls everything.
    let b = Folio::open(&path_b).await.unwrap();
    b.account_login(&url, "owner@example.com", PASSWORD)
        .await
        .unwrap();
    let b = reopen(b, &path_b).await;
    assert_eq!(b.account_id(), a.account_id());
    b.sync_once().await.unwrap();
    a.sync_once().await.unwrap();
    assert_eq!(
        snapshot(&a).await,
        snapshot(&b).await,
        "B pulled A's account"
    );

    // Both offline: different edits on each.
    let kw = |f: &Folio| {
        let f = f.clone();
        async move {
            let q = KeywordQuery {
                filter: KeywordFilter::site(site.id),
                sort: Default::default(),
                limit: 1000,
                offset: 0,
            };
            f.list_keywords(&q).await.unwrap().items
        }
    };
    let ids_a: Vec<_> = kw(&a).await.iter().map(|k| k.id).collect();
    let mut filter = KeywordFilter::site(site.id);
    filter.ids = Some(vec![ids_a[0], ids_a[1]]);
    a.bulk_keywords(
        &filter,
        &KeywordBulkAction::AssignCluster {
            cluster: Some(cluster.id),
        },
    )
    .await
    .unwrap();
    filter.ids = Some(vec![ids_a[2]]);
    a.bulk_keywords(&filter, &KeywordBulkAction::Delete)
        .await
        .unwrap();
    a.rename_cluster(cluster.id, "Hand tools for beginners")
        .await
        .unwrap();
    let mut body_a = paragraphs(4, "first draft");
    body_a = body_a.replace(
        "Paragraph 0 of the article, first draft",
        "Opening rewritten on A",
    );
    a.update_content(
        article.id,
        ContentUpdate {
            body_html: Some(body_a),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    a.create_site(&NewSite {
        name: "Made on A".into(),
        domain: "a.example".into(),
        sectors: vec![],
    })
    .await
    .unwrap();

    filter.ids = Some(vec![ids_a[3]]);
    b.bulk_keywords(
        &filter,
        &KeywordBulkAction::AssignCluster {
            cluster: Some(cluster.id),
        },
    )
    .await
    .unwrap();
    let body_b = paragraphs(4, "first draft").replace(
        "Paragraph 3 of the article, first draft",
        "Closing rewritten on B",
    );
    b.update_content(
        article.id,
        ContentUpdate {
            body_html: Some(body_b),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    b.create_site(&NewSite {
        name: "Made on B".into(),
        domain: "b.example".into(),
        sectors: vec![],
    })
    .await
    .unwrap();

    // B comes online and stays (watch mode); A syncs; the server restarts (same database, same
    // port) in the middle of B's live sync; B reconnects by itself and gets A's next edit.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let watcher = {
        let b = b.clone();
        tokio::spawn(async move { b.sync_watch(stopped, |_| {}).await })
    };
    a.sync_once().await.unwrap();
    srv.shutdown().await.unwrap();
    srv = server(server_dir.path(), port).await;
    a.update_content(
        article.id,
        ContentUpdate {
            title: Some("Choosing a trowel (after the restart)".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    a.sync_once().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while b.get_content(article.id).await.unwrap().title != "Choosing a trowel (after the restart)"
    {
        assert!(
            std::time::Instant::now() < deadline,
            "B's live sync did not recover"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    stop.send(true).unwrap();
    watcher.await.unwrap().unwrap();
    a.sync_once().await.unwrap();
    b.sync_once().await.unwrap();

    let (snap_a, snap_b) = (snapshot(&a).await, snapshot(&b).await);
    assert_eq!(snap_a, snap_b, "both devices converge");
    let sites: Vec<String> = a
        .list_sites()
        .await
        .unwrap()
        .items
        .iter()
        .map(|s| s.name.clone())
        .collect();
    for name in ["Garden Co", "Made on A", "Made on B"] {
        assert!(sites.contains(&name.to_string()), "{name} in {sites:?}");
    }
    let merged = b.get_content(article.id).await.unwrap().body_html;
    assert!(merged.contains("Opening rewritten on A"), "{merged}");
    assert!(merged.contains("Closing rewritten on B"), "{merged}");
    assert_eq!(
        b.get_cluster(cluster.id).await.unwrap().name,
        "Hand tools for beginners"
    );
    let on_b = kw(&b).await;
    assert_eq!(on_b.len(), 299, "one keyword deleted on A");
    let mapped: Vec<_> = on_b
        .iter()
        .filter(|k| k.status == KeywordStatus::Mapped)
        .map(|k| k.id)
        .collect();
    for id in [ids_a[0], ids_a[1], ids_a[3]] {
        assert!(mapped.contains(&id), "status change of {id} kept");
    }

    // The projection rebuilt from the documents alone answers the same.
    let before = snapshot(&b).await;
    b.rebuild_projections().await.unwrap();
    assert_eq!(
        snapshot(&b).await,
        before,
        "rebuilt projection answers identically"
    );

    a.account_logout().await.unwrap();
    b.account_logout().await.unwrap();
    a.close().await;
    b.close().await;
    srv.shutdown().await.unwrap();

    // Neither the server's storage (documents, sync states) nor the devices' data directories
    // (documents, projections, logs) hold the password anywhere.
    sync_server::assert_nowhere_in(
        &[server_dir.path(), dir_a.path(), dir_b.path()],
        PASSWORD,
        "password",
    );
}
