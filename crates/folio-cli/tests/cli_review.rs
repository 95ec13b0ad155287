//! `folio review list|submit|approve|reject` as a user runs them: the real binary on a
//! temporary data directory.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use run_folio::{add_site, folio, ok_json};

#[test]
fn an_article_goes_up_for_review_and_is_approved_or_sent_back() {
    let dir = tempfile::tempdir().unwrap();
    let (site, _) = add_site(dir.path(), &["Tools"]);
    let body = dir.path().join("body.html");
    std::fs::write(&body, "<h2>Hoes</h2><p>Which hoe for which soil.</p>").unwrap();
    let add = |title: &str| {
        ok_json(&folio(
            dir.path(),
            &[
                "content",
                "add",
                "--site",
                &site,
                "--title",
                title,
                "--body-file",
                body.to_str().unwrap(),
                "--json",
            ],
        ))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (keep, redo) = (add("Choosing a hoe"), add("Hoe care"));
    let queue = |dir: &std::path::Path| {
        ok_json(&folio(dir, &["review", "list", "--site", &site, "--json"]))
    };
    assert_eq!(
        queue(dir.path()),
        serde_json::json!([]),
        "drafts are not in review"
    );
    for id in [&keep, &redo] {
        let c = ok_json(&folio(
            dir.path(),
            &["review", "submit", "--content", id, "--json"],
        ));
        assert_eq!(c["status"], "review");
    }
    let listed = queue(dir.path());
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["article"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [keep.as_str(), redo.as_str()], "oldest first");
    // written by hand: no quality report yet
    assert_eq!(listed[0]["quality"], serde_json::Value::Null);

    let approved = ok_json(&folio(
        dir.path(),
        &["review", "approve", "--content", &keep, "--json"],
    ));
    assert_eq!(approved["status"], "approved");
    let back = ok_json(&folio(
        dir.path(),
        &["review", "reject", "--content", &redo, "--json"],
    ));
    assert_eq!(back["status"], "draft");
    assert_eq!(queue(dir.path()), serde_json::json!([]));

    // Only an article in review is answered here.
    let again = folio(dir.path(), &["review", "approve", "--content", &redo]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not in review"));
}
