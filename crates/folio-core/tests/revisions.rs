//! An article's revision history, read from its document: versions with their author and time,
//! quick edits gathered into one, viewing and restoring one (a new edit that syncs), and a
//! teammate's device's edit showing as theirs after a sync.
//!
//! The two-device test needs an OS keychain (the session's refresh token lives there): run under
//! `scripts/headless.sh`, which starts a private Secret Service.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns: a failed setup should panic

use folio_core::{CoreError, Folio};
use folio_model::{ContentUpdate, NewContent, NewSite};
#[path = "support/sync_server.rs"]
mod sync_server;

const PASSWORD: &str = "Sync-Test-Password-42";

fn paragraphs(tag: &str) -> String {
    (0..4)
        .map(|i| format!("<p>Paragraph {i} of the article, {tag}.</p>"))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn article(folio: &Folio) -> folio_model::Content {
    let site = folio
        .create_site(&NewSite {
            name: "Garden Co".into(),
            domain: "garden.example".into(),
            sectors: vec!["Tools".into()],
        })
        .await
        .unwrap();
    folio
        .add_content(NewContent {
            site: site.id,
            sector: None,
            title: "Choosing a trowel".into(),
            body_html: Some(paragraphs("the draft")),
        })
        .await
        .unwrap()
}

fn body(html: &str) -> ContentUpdate {
    ContentUpdate {
        body_html: Some(html.to_owned()),
        ..Default::default()
    }
}

#[tokio::test]
async fn edits_are_versions_and_an_old_one_can_be_restored() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let c = article(&folio).await;

    // Two quick edits (autosave) after the draft: one version.
    folio
        .update_content(c.id, body(&paragraphs("edited once")))
        .await
        .unwrap();
    folio
        .update_content(c.id, body(&paragraphs("edited twice")))
        .await
        .unwrap();
    // So does a change of another field right after.
    folio
        .update_content(
            c.id,
            ContentUpdate {
                meta_title: Some("Trowels".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let versions = folio.content_revisions(c.id).await.unwrap();
    assert_eq!(versions.len(), 2, "{versions:#?}");
    let (edits, draft) = (&versions[0], &versions[1]);
    assert!(edits.saves >= 3 && edits.this_device && edits.at.is_some());
    assert!(draft.this_device && draft.at.is_some());
    assert!(edits.at >= draft.at);
    assert_eq!(draft.word_count, c.word_count);

    let old = folio.content_revision(c.id, &draft.id).await.unwrap();
    assert_eq!(old.title, "Choosing a trowel");
    assert!(old.body_html.contains("the draft"), "{}", old.body_html);
    assert!(old.meta_title.is_empty());

    let restored = folio.restore_revision(c.id, &draft.id).await.unwrap();
    assert_eq!(restored.body_html, old.body_html);
    assert_eq!(restored.meta_title, "");
    assert_eq!(
        folio.get_content(c.id).await.unwrap().body_html,
        old.body_html
    );
    // The restore is a version of its own; the edits it replaced are still there to go back to.
    let after = folio.content_revisions(c.id).await.unwrap();
    assert_eq!(after.len(), 3, "{after:#?}");
    assert_eq!(after[1].id, edits.id);
    let back = folio.content_revision(c.id, &edits.id).await.unwrap();
    assert!(back.body_html.contains("edited twice"));
}

#[tokio::test]
async fn a_bad_or_unknown_revision_is_refused_with_what_to_use() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let c = article(&folio).await;
    let bad = folio.content_revision(c.id, "yesterday").await.unwrap_err();
    assert!(
        matches!(
            bad,
            CoreError::Validation {
                field: "revision",
                ..
            }
        ),
        "{bad}"
    );
    let unknown = folio
        .restore_revision(c.id, &"ab".repeat(32))
        .await
        .unwrap_err();
    assert!(matches!(unknown, CoreError::NotFound { .. }), "{unknown}");
    let missing = folio
        .content_revisions(folio_model::ContentId::from(uuid::Uuid::now_v7()))
        .await
        .unwrap_err();
    assert!(matches!(missing, CoreError::NotFound { .. }), "{missing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_devices_edit_merges_and_shows_as_theirs() {
    sync_server::private_keychain();
    let server_dir = tempfile::tempdir().unwrap();
    let srv = sync_server::start(server_dir.path(), 0, folio_server::PlanId::Growth).await;
    let url = srv.url();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Folio::open(dir_a.path()).await.unwrap();
    let c = article(&a).await;
    a.account_register(&url, "owner@example.com", PASSWORD)
        .await
        .unwrap();
    a.sync_once().await.unwrap();
    let b = Folio::open(dir_b.path()).await.unwrap();
    b.account_login(&url, "owner@example.com", PASSWORD)
        .await
        .unwrap();
    b.close().await;
    let b = Folio::open(dir_b.path()).await.unwrap();
    b.sync_once().await.unwrap();

    // Different paragraphs on each device, then both sync.
    let on_a =
        paragraphs("the draft").replace("Paragraph 0 of the article, the draft", "Opening by A");
    let on_b =
        paragraphs("the draft").replace("Paragraph 3 of the article, the draft", "Closing by B");
    a.update_content(c.id, body(&on_a)).await.unwrap();
    b.update_content(c.id, body(&on_b)).await.unwrap();
    b.sync_once().await.unwrap();
    a.sync_once().await.unwrap();
    b.sync_once().await.unwrap();
    for f in [&a, &b] {
        let text = f.get_content(c.id).await.unwrap().body_html;
        assert!(
            text.contains("Opening by A") && text.contains("Closing by B"),
            "{text}"
        );
    }

    let seen_by_a = a.content_revisions(c.id).await.unwrap();
    let theirs: Vec<_> = seen_by_a.iter().filter(|r| !r.this_device).collect();
    assert_eq!(theirs.len(), 1, "{seen_by_a:#?}");
    assert!(
        theirs[0].author.starts_with("owner@example.com on "),
        "{}",
        theirs[0].author
    );
    let view = a.content_revision(c.id, &theirs[0].id).await.unwrap();
    assert!(view.body_html.contains("Closing by B") && !view.body_html.contains("Opening by A"));
}

/// The editor saves with the body it started from: a change stored since (another device, the
/// CLI) is merged with the edit block by block, not overwritten; without a base the new body
/// replaces the stored one.
#[tokio::test]
async fn an_edit_from_an_older_base_is_merged_with_what_was_stored_since() {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let c = article(&folio).await;
    let base = folio.get_content(c.id).await.unwrap().body_html;
    // Meanwhile, elsewhere: the last paragraph is edited.
    let theirs = base.replace(
        "Paragraph 3 of the article",
        "Paragraph 3, edited elsewhere",
    );
    assert_ne!(theirs, base);
    folio.update_content(c.id, body(&theirs)).await.unwrap();
    // The editor, still on `base`, edits the first paragraph.
    let ours = base.replace("Paragraph 0 of the article", "Paragraph 0, edited here");
    let saved = folio
        .update_content(
            c.id,
            ContentUpdate {
                body_html: Some(ours.clone()),
                base_html: Some(base.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        saved.body_html.contains("Paragraph 0, edited here"),
        "{}",
        saved.body_html
    );
    assert!(
        saved.body_html.contains("Paragraph 3, edited elsewhere"),
        "{}",
        saved.body_html
    );
    assert_eq!(
        saved.body_html.matches("<p>").count(),
        4,
        "{}",
        saved.body_html
    );
    // No base: the body as sent.
    let replaced = folio.update_content(c.id, body(&ours)).await.unwrap();
    assert!(!replaced.body_html.contains("edited elsewhere"));
}
