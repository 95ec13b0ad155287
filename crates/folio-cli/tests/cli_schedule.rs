//! `folio schedule settings|plan` as a user runs them: the real binary on a temporary data
//! directory. Uploading scheduled posts: `crates/folio-core/tests/scheduler.rs` (real WordPress).

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
