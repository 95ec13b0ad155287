//! `folio cluster --offline` as a user runs it: the real binary, the real model (installed by
//! setup), no provider configured at all.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use run_folio::{add_site, folio, ok_json};

const KEYWORDS: &str = "Keyword,Volume
raised bed soil,2400
soil for raised beds,880
best soil for raised garden beds,1300
running shoes,18100
trail running shoes,6600
marathon running shoes,1000
quantum chromodynamics lecture notes,20
";

#[test]
fn keywords_are_clustered_offline_with_a_preview_first() {
    let dir = tempfile::tempdir().unwrap();
    let (site, _) = add_site(dir.path(), &["All"]);
    let file = dir.path().join("keywords.csv");
    std::fs::write(&file, KEYWORDS).unwrap();
    ok_json(&folio(
        dir.path(),
        &[
            "keywords",
            "import",
            "--site",
            &site,
            file.to_str().unwrap(),
            "--json",
        ],
    ));

    let preview = ok_json(&folio(
        dir.path(),
        &[
            "cluster",
            "--site",
            &site,
            "--offline",
            "--preview",
            "--json",
        ],
    ));
    let rows = preview["preview"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let half = rows.iter().find(|r| r["threshold"] == 0.5).unwrap();
    assert_eq!(
        (half["clusters"].as_u64(), half["alone"].as_u64()),
        (Some(2), Some(1))
    );
    // The preview wrote nothing.
    let list = ok_json(&folio(
        dir.path(),
        &["clusters", "list", "--site", &site, "--json"],
    ));
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");

    let run = ok_json(&folio(
        dir.path(),
        &["cluster", "--site", &site, "--offline", "--json"],
    ));
    let report = &run["report"];
    assert_eq!(report["mapped"], 6, "{run}");
    assert_eq!(report["unclustered"], 1, "{run}");
    assert_eq!(report["created"].as_array().unwrap().len(), 2, "{run}");
    let list = ok_json(&folio(
        dir.path(),
        &["clusters", "list", "--site", &site, "--json"],
    ));
    let mut names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cluster"]["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Raised bed soil", "Running shoes"]);

    // In words, for a person.
    let out = folio(dir.path(), &["cluster", "--site", &site, "--offline"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0 of 1 new keyword placed offline"), "{text}");
    assert!(text.contains("Free: no provider was called"), "{text}");

    // Keywords like one, by meaning.
    let all = ok_json(&folio(
        dir.path(),
        &["keywords", "list", "--site", &site, "--json"],
    ));
    let shoes = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["keyword"] == "running shoes")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let similar = ok_json(&folio(
        dir.path(),
        &[
            "keywords", "similar", "--site", &site, &shoes, "--limit", "2", "--json",
        ],
    ));
    let names: Vec<&str> = similar["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["keyword"]["keyword"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(
        names.iter().all(|n| n.contains("running shoes")),
        "{names:?}"
    );

    // No ideas yet, so nothing repeats an article.
    let out = folio(dir.path(), &["ideas", "duplicates", "--site", &site]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("No idea repeats"));
}

#[test]
fn a_bad_threshold_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (site, _) = add_site(dir.path(), &["All"]);
    let out = folio(
        dir.path(),
        &[
            "cluster",
            "--site",
            &site,
            "--offline",
            "--threshold",
            "5",
            "--json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| serde_json::from_slice(&out.stderr).unwrap());
    let text = err.to_string();
    assert!(text.contains("threshold"), "{text}");
    // --threshold without --offline is a usage error.
    let out = folio(
        dir.path(),
        &["cluster", "--site", &site, "--threshold", "0.4"],
    );
    assert_eq!(out.status.code(), Some(2));
}
