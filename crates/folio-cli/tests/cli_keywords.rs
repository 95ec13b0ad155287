//! `folio keywords …` as a user runs them: the real binary on a temporary data directory.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use run_folio::{folio, ok_json};
use serde_json::Value;

/// A data dir with one site; returns (dir, site id, first sector id).
fn with_site() -> (tempfile::TempDir, String, String) {
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
    let id = site["id"].as_str().unwrap().to_owned();
    let sector = site["sectors"][0]["id"].as_str().unwrap().to_owned();
    (dir, id, sector)
}

const AHREFS: &str = "#,Keyword,Country,Difficulty,Volume,CPC,CPS,Parent Keyword,Last Update,SERP Features,Global volume,Traffic potential,Global traffic potential,First seen,Intents
1,raised garden bed,us,38,27000,0.9,1.1,raised garden bed,2026-10-30,\"Image pack, Sitelinks\",61000,41000,90000,2015-01-01,\"Commercial, Informational\"
2,raised garden bed kit,us,21,4400,1.2,1.3,raised garden bed,2026-10-28,,9000,41000,90000,2016-02-01,Transactional
3,how to build a raised garden bed,us,12,3600,0.4,1.0,how to build a raised garden bed,2026-10-21,Video,8100,5000,9000,2017-03-01,Informational
4,,us,5,10,0.1,1.0,,2026-10-21,,10,0,0,2017-03-01,Informational
5,Raised  Garden Bed,us,38,27000,0.9,1.1,raised garden bed,2026-10-30,,61000,41000,90000,2015-01-01,Commercial
";

#[test]
fn import_list_and_bulk_changes_with_json() {
    let (dir, site, sector) = with_site();
    let file = dir
        .path()
        .join("google_us_raised-bed_matching-terms_2026-11-01_10-00-00.csv");
    std::fs::write(&file, AHREFS).unwrap();
    let report = ok_json(&folio(
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
    assert_eq!(report["format"], "ahrefs");
    assert_eq!(report["imported"], 3);
    assert_eq!(report["duplicates"], 1);
    assert_eq!(report["rejected"].as_array().unwrap().len(), 1);
    assert_eq!(report["rejected"][0]["line"], 5);
    assert!(report["rejected"][0]["reason"].as_str().unwrap().len() > 5);
    assert_eq!(
        report["sector_id"],
        sector.as_str(),
        "the first sector by default"
    );

    let page = ok_json(&folio(
        dir.path(),
        &["keywords", "list", "--site", &site, "--json"],
    ));
    assert_eq!(page["total"], 3);
    let first = &page["items"][0];
    assert_eq!(first["keyword"], "raised garden bed");
    assert_eq!(first["volume"], 27000, "Global volume is never the volume");
    assert_eq!(first["difficulty"], 38);
    assert_eq!(first["cpc"], "0.9");
    assert_eq!(first["intent"], "commercial");
    assert_eq!(first["status"], "new");
    assert_eq!(first["cluster_id"], Value::Null);
    for key in [
        "id",
        "keyword",
        "volume",
        "difficulty",
        "cpc",
        "intent",
        "status",
        "cluster_id",
    ] {
        assert!(first.get(key).is_some(), "item has {key}");
    }

    let filtered = ok_json(&folio(
        dir.path(),
        &[
            "keywords",
            "list",
            "--site",
            &site,
            "--search",
            "build",
            "--min-volume",
            "100",
            "--sort",
            "keyword:asc",
            "--limit",
            "10",
            "--json",
        ],
    ));
    assert_eq!(filtered["total"], 1);
    assert_eq!(
        filtered["items"][0]["keyword"],
        "how to build a raised garden bed"
    );
    let paged = ok_json(&folio(
        dir.path(),
        &[
            "keywords",
            "list",
            "--site",
            &site,
            "--sort",
            "volume:asc",
            "--limit",
            "1",
            "--offset",
            "1",
            "--json",
        ],
    ));
    assert_eq!(paged["total"], 3);
    assert_eq!(paged["items"][0]["keyword"], "raised garden bed kit");

    let id = first["id"].as_str().unwrap();
    let changed = ok_json(&folio(
        dir.path(),
        &["keywords", "delete", "--site", &site, "--id", id, "--json"],
    ));
    assert_eq!(changed["changed"], 1);
    let page = ok_json(&folio(
        dir.path(),
        &["keywords", "list", "--site", &site, "--json"],
    ));
    assert_eq!(page["total"], 2);
}

#[test]
fn text_output_and_errors() {
    let (dir, site, _) = with_site();
    let file = dir.path().join("list.txt");
    std::fs::write(&file, "garden hoe\n\nhoe handle\n").unwrap();
    let out = folio(
        dir.path(),
        &[
            "keywords",
            "import",
            "--site",
            &site,
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Imported 2 keywords"), "{text}");
    assert!(text.contains("plain format"), "{text}");

    let out = folio(dir.path(), &["keywords", "list", "--site", &site]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ID"), "{text}");
    assert!(
        text.contains("garden hoe") && text.contains("1–2 of 2"),
        "{text}"
    );

    // A spreadsheet instead of a CSV: a clear message, exit 2, nothing imported.
    let xlsx = dir.path().join("export.xlsx");
    std::fs::write(
        &xlsx,
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
    )
    .unwrap();
    let out = folio(
        dir.path(),
        &[
            "keywords",
            "import",
            "--site",
            &site,
            xlsx.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CSV"));

    let missing = dir.path().join("nope.csv");
    let out = folio(
        dir.path(),
        &[
            "keywords",
            "import",
            "--site",
            &site,
            missing.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["field"], "file");

    // A bulk change with no selection is refused.
    let out = folio(dir.path(), &["keywords", "delete", "--site", &site]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("choose which keywords"));
    // new → used is not a legal move.
    let out = folio(
        dir.path(),
        &[
            "keywords",
            "set-status",
            "--site",
            &site,
            "--search",
            "garden",
            "--to",
            "used",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot go from new to used"));
    // Bad flag values are rejected by the parser with the rule.
    let out = folio(
        dir.path(),
        &["keywords", "list", "--site", &site, "--sort", "weight"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot sort by"));
    let out = folio(dir.path(), &["keywords", "list", "--site", "not-a-uuid"]);
    assert_eq!(out.status.code(), Some(2));

    let page = ok_json(&folio(
        dir.path(),
        &["keywords", "list", "--site", &site, "--json"],
    ));
    assert_eq!(page["total"], 2, "nothing changed by the failures");
}
