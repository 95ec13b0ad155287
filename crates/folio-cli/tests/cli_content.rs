//! `folio content add/list`: the real binary on a temporary data directory.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use run_folio::{folio, ok_json};
use serde_json::Value;

#[test]
fn hand_written_content_is_added_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let site = ok_json(&folio(
        dir.path(),
        &[
            "site",
            "add",
            "--name",
            "Garden",
            "--domain",
            "garden.example",
            "--sector",
            "Tools",
            "--sector",
            "Seeds",
            "--json",
        ],
    ));
    let site_id = site["id"].as_str().unwrap();
    let seeds = site["sectors"][1]["id"].as_str().unwrap();
    let body = dir.path().join("hoe.html");
    std::fs::write(
        &body,
        "<h2>Why a hoe</h2><p>A sharp hoe saves an hour of weeding every week.</p><ul><li>Stirrup</li><li>Draw</li></ul>",
    )
    .unwrap();
    let added = ok_json(&folio(
        dir.path(),
        &[
            "content",
            "add",
            "--site",
            site_id,
            "--title",
            "Choosing a Garden Hoe",
            "--body-file",
            body.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(added["title"], "Choosing a Garden Hoe");
    assert_eq!(added["slug"], "choosing-a-garden-hoe");
    assert_eq!(
        added["word_count"], 15,
        "headings, paragraphs and list items"
    );
    assert_eq!(added["status"], "draft");
    assert_eq!(added["site_status"], "not_published");
    assert_eq!(
        added["sector_id"], site["sectors"][0]["id"],
        "the first sector by default"
    );

    let second = ok_json(&folio(
        dir.path(),
        &[
            "content",
            "add",
            "--site",
            site_id,
            "--sector",
            seeds,
            "--title",
            "Choosing a Garden Hoe",
            "--json",
        ],
    ));
    assert_eq!(second["sector_id"], seeds);
    assert_ne!(second["slug"], added["slug"], "slugs are unique in a site");
    assert_eq!(second["word_count"], 0);

    let listed = ok_json(&folio(
        dir.path(),
        &["content", "list", "--site", site_id, "--json"],
    ));
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], second["id"], "newest first");

    let out = folio(dir.path(), &["content", "list", "--site", site_id]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("ID") && text.contains("Choosing a Garden Hoe"),
        "{text}"
    );
}

#[test]
fn bad_content_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let site = ok_json(&folio(
        dir.path(),
        &[
            "site",
            "add",
            "--name",
            "G",
            "--domain",
            "g.example",
            "--json",
        ],
    ));
    let site_id = site["id"].as_str().unwrap();
    let out = folio(
        dir.path(),
        &["content", "add", "--site", site_id, "--title", "  "],
    );
    assert_eq!(out.status.code(), Some(2));
    let missing = dir.path().join("missing.html");
    let out = folio(
        dir.path(),
        &[
            "content",
            "add",
            "--site",
            site_id,
            "--title",
            "T",
            "--body-file",
            missing.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["field"], "file");
    let other = "0192e7a4-0000-7000-8000-000000000000";
    let out = folio(
        dir.path(),
        &["content", "add", "--site", other, "--title", "T"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"));
    let listed = ok_json(&folio(
        dir.path(),
        &["content", "list", "--site", site_id, "--json"],
    ));
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);
}

#[test]
fn an_article_is_edited_and_an_old_version_restored_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let site = ok_json(&folio(
        dir.path(),
        &[
            "site",
            "add",
            "--name",
            "Garden",
            "--domain",
            "garden.example",
            "--json",
        ],
    ));
    let draft = dir.path().join("draft.html");
    std::fs::write(&draft, "<h2>Hoes</h2><p>The first draft.</p>").unwrap();
    let added = ok_json(&folio(
        dir.path(),
        &[
            "content",
            "add",
            "--site",
            site["id"].as_str().unwrap(),
            "--title",
            "Hoes",
            "--body-file",
            draft.to_str().unwrap(),
            "--json",
        ],
    ));
    let id = added["id"].as_str().unwrap();
    let edited = dir.path().join("edited.html");
    std::fs::write(
        &edited,
        "<h2>Hoes</h2><p onclick=\"x()\">The edited text.</p><script>x()</script>",
    )
    .unwrap();
    let saved = ok_json(&folio(
        dir.path(),
        &[
            "content",
            "edit",
            id,
            "--body-file",
            edited.to_str().unwrap(),
            "--meta-title",
            "All about hoes",
            "--json",
        ],
    ));
    assert_eq!(saved["body_html"], "<h2>Hoes</h2><p>The edited text.</p>");
    assert_eq!(saved["meta_title"], "All about hoes");

    let revisions = ok_json(&folio(dir.path(), &["content", "revisions", id, "--json"]));
    let items = revisions["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{revisions}");
    assert_eq!(items[0]["this_device"], true);
    let first = items[1]["id"].as_str().unwrap();
    let old = ok_json(&folio(
        dir.path(),
        &["content", "revision", id, first, "--json"],
    ));
    assert_eq!(old["body_html"], "<h2>Hoes</h2><p>The first draft.</p>");
    let restored = ok_json(&folio(
        dir.path(),
        &["content", "restore", id, first, "--json"],
    ));
    assert_eq!(
        restored["body_html"],
        "<h2>Hoes</h2><p>The first draft.</p>"
    );
    assert_eq!(restored["meta_title"], "");
    let after = ok_json(&folio(dir.path(), &["content", "revisions", id, "--json"]));
    assert_eq!(after["items"].as_array().unwrap().len(), 3);

    // An edit from an older base (the first draft, as read before the restore and another
    // edit): what changed since is merged, not overwritten.
    let elsewhere = dir.path().join("elsewhere.html");
    std::fs::write(
        &elsewhere,
        "<h2>Hoes</h2><p>The first draft.</p><p>Added elsewhere.</p>",
    )
    .unwrap();
    ok_json(&folio(
        dir.path(),
        &[
            "content",
            "edit",
            id,
            "--body-file",
            elsewhere.to_str().unwrap(),
            "--json",
        ],
    ));
    let mine = dir.path().join("mine.html");
    std::fs::write(&mine, "<h2>Hoes, a guide</h2><p>The first draft.</p>").unwrap();
    let merged = ok_json(&folio(
        dir.path(),
        &[
            "content",
            "edit",
            id,
            "--body-file",
            mine.to_str().unwrap(),
            "--base-file",
            draft.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(
        merged["body_html"],
        "<h2>Hoes, a guide</h2><p>The first draft.</p><p>Added elsewhere.</p>"
    );

    let out = folio(dir.path(), &["content", "restore", id, "not-a-revision"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("64 hex digits"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
