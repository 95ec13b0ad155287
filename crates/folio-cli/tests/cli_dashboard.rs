//! `folio dashboard`: the real binary on a data directory with two sites, their keywords and
//! articles made through the CLI and folio-core — the counts, the next step with its command, one
//! site against all sites, JSON and text, and an unknown site.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use folio_core::Folio;
use folio_model::{ContentStatus, NewContent, NewSite, SiteId};
use run_folio::{folio, ok_json};
use std::path::Path;

/// Garden: 3 new keywords and an approved article without a slot; Kitchen: 2 new keywords.
fn seed(dir: &Path) -> (SiteId, SiteId) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let f = Folio::open(dir).await.unwrap();
        let mut ids = Vec::new();
        for (name, keywords) in [
            ("Garden", &b"garden hoe\nraised bed\ncompost bin\n"[..]),
            ("Kitchen", &b"cast iron pan\nchef knife\n"[..]),
        ] {
            let site = f
                .create_site(&NewSite {
                    name: name.into(),
                    domain: format!("{}.example", name.to_lowercase()),
                    sectors: vec![],
                })
                .await
                .unwrap();
            f.import_keywords(site.id, None, keywords.to_vec(), &Default::default())
                .await
                .unwrap();
            ids.push(site.id);
        }
        let article = f
            .add_content(NewContent {
                site: ids[0],
                sector: None,
                title: "The best garden hoes".into(),
                body_html: Some("<p>Hoes.</p>".into()),
            })
            .await
            .unwrap();
        for to in [ContentStatus::Review, ContentStatus::Approved] {
            f.set_content_status(article.id, to).await.unwrap();
        }
        f.close().await;
        (ids[0], ids[1])
    })
}

#[test]
fn the_dashboard_counts_and_names_the_next_step() {
    let dir = tempfile::tempdir().unwrap();
    let (garden, kitchen) = seed(dir.path());

    let all = ok_json(&folio(dir.path(), &["dashboard", "--json"]));
    assert_eq!(all["site"], serde_json::Value::Null);
    assert_eq!(all["sites"].as_array().unwrap().len(), 2);
    assert_eq!(all["counts"]["keywords_new"], 5);
    assert_eq!(all["counts"]["approved"], 1);
    assert_eq!(
        all["next_step"],
        serde_json::json!({"step": "schedule_approved", "articles": 1})
    );

    let k = ok_json(&folio(
        dir.path(),
        &["dashboard", "--site", &kitchen.to_string(), "--json"],
    ));
    assert_eq!(k["counts"]["keywords_new"], 2);
    assert_eq!(k["counts"]["approved"], 0);
    assert_eq!(
        k["next_step"],
        serde_json::json!({"step": "cluster_keywords", "keywords": 2})
    );

    let out = folio(dir.path(), &["dashboard", "--site", &garden.to_string()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Dashboard: Garden"), "{text}");
    assert!(
        text.contains("Next step: 1 approved article has no slot \u{2014} Schedule them"),
        "{text}"
    );
    assert!(
        text.contains(&format!("run: folio schedule plan --site {garden}")),
        "{text}"
    );
    assert!(
        text.contains("keywords:  3 new, 0 mapped, 0 used"),
        "{text}"
    );
    assert!(text.contains("Garden  no run yet"), "{text}");
}

#[test]
fn an_unknown_site_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let out = folio(
        dir.path(),
        &[
            "dashboard",
            "--site",
            "00000000-0000-4000-8000-000000000000",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["kind"], "not_found");
}
