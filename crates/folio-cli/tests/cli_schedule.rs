//! `folio schedule settings|plan|list|calendar|move` as a user runs them: the real binary on a
//! temporary data directory. Uploading and moving scheduled posts:
//! `crates/folio-core/tests/scheduler.rs` and `calendar.rs` (real WordPress).

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use run_folio::{add_site, folio, ok_json};

#[test]
fn settings_are_shown_changed_and_checked_and_a_dry_plan_uploads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (site, _) = add_site(dir.path(), &["Tools"]);
    let shown = ok_json(&folio(
        dir.path(),
        &["schedule", "settings", "--site", &site, "--json"],
    ));
    assert_eq!(shown["timezone"], "UTC");
    let changed = ok_json(&folio(
        dir.path(),
        &[
            "schedule",
            "settings",
            "--site",
            &site,
            "--days",
            "mon,wed,fri",
            "--slots",
            "18:00,9:00",
            "--timezone",
            "Europe/Berlin",
            "--daily",
            "1",
            "--auto-publish",
            "off",
            "--json",
        ],
    ));
    assert_eq!(
        changed["publish_days"],
        serde_json::json!(["mon", "wed", "fri"])
    );
    assert_eq!(
        changed["publish_time_slots"],
        serde_json::json!(["09:00", "18:00"])
    );
    assert_eq!(changed["timezone"], "Europe/Berlin");
    assert_eq!(changed["daily_publish_limit"], 1);
    assert_eq!(changed["auto_publish_enabled"], false);

    // Not a timezone of the database: refused, nothing changed.
    let bad = folio(
        dir.path(),
        &[
            "schedule",
            "settings",
            "--site",
            &site,
            "--timezone",
            "Europe/Atlantis",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("IANA"));
    let again = ok_json(&folio(
        dir.path(),
        &["schedule", "settings", "--site", &site, "--json"],
    ));
    assert_eq!(again["timezone"], "Europe/Berlin");

    // No approved article: nothing to plan (and no WordPress is needed to say so).
    let plan = ok_json(&folio(
        dir.path(),
        &["schedule", "plan", "--site", &site, "--dry-run", "--json"],
    ));
    assert_eq!(plan, serde_json::json!([]));
    let list = ok_json(&folio(
        dir.path(),
        &["schedule", "list", "--site", &site, "--json"],
    ));
    assert_eq!(list, serde_json::json!([]));
}

#[test]
fn the_calendar_lists_free_slots_and_a_move_is_checked_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (site, _) = add_site(dir.path(), &["Tools"]);
    ok_json(&folio(
        dir.path(),
        &[
            "schedule",
            "settings",
            "--site",
            &site,
            "--days",
            "mon,wed",
            "--slots",
            "09:00,18:00",
            "--timezone",
            "UTC",
            "--json",
        ],
    ));
    // A week far ahead, so no slot of it is near "now".
    let (from, to) = ("2030-01-07", "2030-01-14");
    let cal = ok_json(&folio(
        dir.path(),
        &[
            "schedule", "calendar", "--site", &site, "--from", from, "--to", to, "--json",
        ],
    ));
    assert_eq!(cal["posts"], serde_json::json!([]));
    let free: Vec<&str> = cal["free"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["at"].as_str().unwrap())
        .collect();
    assert_eq!(
        free,
        [
            "2030-01-07T09:00:00Z",
            "2030-01-07T18:00:00Z",
            "2030-01-09T09:00:00Z",
            "2030-01-09T18:00:00Z",
        ]
    );
    assert_eq!(cal["free"][0]["site_name"], "Garden");
    // Text: the free slots with their site.
    let text = folio(
        dir.path(),
        &["schedule", "calendar", "--from", from, "--to", to],
    );
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("No post in this span."), "{text}");
    assert!(text.contains("2030-01-09T18:00:00Z  Garden"), "{text}");
    // A span is bounded.
    let long = folio(
        dir.path(),
        &[
            "schedule",
            "calendar",
            "--from",
            "2030-01-01",
            "--to",
            "2030-06-01",
        ],
    );
    assert_eq!(long.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&long.stderr).contains("at most 62 days"));

    // A draft is not moved anywhere; an approved article is checked against the free slots
    // before WordPress is asked (this site is not connected).
    let id = ok_json(&folio(
        dir.path(),
        &[
            "content", "add", "--site", &site, "--title", "Hoe care", "--json",
        ],
    ))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft = folio(
        dir.path(),
        &[
            "schedule",
            "move",
            "--content",
            &id,
            "--to",
            "2030-01-07T09:00:00Z",
        ],
    );
    assert_eq!(draft.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&draft.stderr).contains("approve it in the review queue"));
    for step in ["submit", "approve"] {
        ok_json(&folio(
            dir.path(),
            &["review", step, "--content", &id, "--json"],
        ));
    }
    let off_slot = folio(
        dir.path(),
        &[
            "schedule",
            "move",
            "--content",
            &id,
            "--to",
            "2030-01-07T10:00:00Z",
        ],
    );
    assert_eq!(off_slot.status.code(), Some(2));
    let err = String::from_utf8_lossy(&off_slot.stderr);
    assert!(err.contains("not a free slot"), "{err}");
    assert!(
        err.contains("2030-01-07T09:00:00Z"),
        "the free slots are named: {err}"
    );
    let bad_time = folio(
        dir.path(),
        &["schedule", "move", "--content", &id, "--to", "next monday"],
    );
    assert_eq!(bad_time.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_time.stderr).contains("RFC 3339"));
    let unconnected = folio(
        dir.path(),
        &[
            "schedule",
            "move",
            "--content",
            &id,
            "--to",
            "2030-01-07T09:00:00Z",
        ],
    );
    assert_ne!(unconnected.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&unconnected.stderr).contains("folio wp connect"),
        "{}",
        String::from_utf8_lossy(&unconnected.stderr)
    );
}
