//! `folio usage` and `folio credits`: the real binary on a data directory whose ledger was
//! written through folio-core (the CLI itself makes no AI calls).

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use folio_core::Folio;
use folio_model::{AiOperation, CallOutcome, NewSite, SiteId, UsageRecord};
use run_folio::{folio, ok_json};
use serde_json::Value;
use std::path::Path;

fn record(op: AiOperation, model: &str, site: SiteId, tokens: u64, at: &str) -> UsageRecord {
    UsageRecord {
        operation: op,
        site: Some(site),
        content: None,
        provider: String::new(),
        model: model.into(),
        tokens_in: tokens,
        tokens_out: 0,
        images: 0,
        provider_cost_usd: None,
        outcome: CallOutcome::Ok,
        at: Some(at.parse().unwrap()),
    }
}

/// A site and three calls: two in January (content, clustering), one in February.
fn seed(dir: &Path) -> SiteId {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let f = Folio::open(dir).await.unwrap();
        let site = f
            .create_site(&NewSite {
                name: "Garden".into(),
                domain: "garden.example".into(),
                sectors: vec![],
            })
            .await
            .unwrap();
        for r in [
            record(
                AiOperation::ContentGeneration,
                "gpt-4o",
                site.id,
                4000,
                "2025-01-10T10:00:00Z",
            ),
            record(
                AiOperation::Clustering,
                "gpt-4o-mini",
                site.id,
                1000,
                "2025-01-31T23:00:00Z",
            ),
            record(
                AiOperation::ContentGeneration,
                "gpt-4o",
                site.id,
                6000,
                "2025-02-01T00:00:00Z",
            ),
        ] {
            f.record_usage(r).await.unwrap();
        }
        f.close().await;
        site.id
    })
}

#[test]
fn usage_is_reported_as_json_grouped_and_filtered() {
    let dir = tempfile::tempdir().unwrap();
    let site = seed(dir.path());

    let report = ok_json(&folio(dir.path(), &["usage", "--json"]));
    assert_eq!(report["group_by"], "operation");
    assert_eq!(report["totals"]["calls"], 3);
    assert_eq!(report["totals"]["credits"], 4 + 2 + 6);
    // 4k + 6k input tokens of gpt-4o at $0.0025, 1k of gpt-4o-mini at $0.00015
    assert_eq!(report["totals"]["cost_usd"], "0.02515");
    let ops: Vec<(&str, u64)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap(), r["calls"].as_u64().unwrap()))
        .collect();
    assert_eq!(ops, [("content_generation", 2), ("clustering", 1)]);

    let by_month = ok_json(&folio(dir.path(), &["usage", "--by", "month", "--json"]));
    let months: Vec<&str> = by_month["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2025-01", "2025-02"]);

    // --to is a whole day: the 31st includes its 23:00 call, not February's
    let january = ok_json(&folio(
        dir.path(),
        &[
            "usage",
            "--site",
            &site.to_string(),
            "--from",
            "2025-01-01",
            "--to",
            "2025-01-31",
            "--by",
            "site",
            "--json",
        ],
    ));
    assert_eq!(january["rows"][0]["label"], "Garden");
    assert_eq!(january["totals"]["calls"], 2);
    assert_eq!(january["totals"]["credits"], 6);

    let text = folio(dir.path(), &["usage", "--by", "model"]);
    assert!(text.status.success());
    let out = String::from_utf8(text.stdout).unwrap();
    assert!(out.starts_with("MODEL"), "{out}");
    assert!(out.contains("gpt-4o-mini"), "{out}");
    assert!(out.lines().last().unwrap().starts_with("TOTAL"), "{out}");
    assert!(out.contains("0.0252"), "cost with 4 decimals: {out}");
}

#[test]
fn a_bad_date_is_a_validation_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = folio(dir.path(), &["usage", "--from", "31/01/2025", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["kind"], "validation");
    assert_eq!(body["error"]["field"], "from");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("YYYY-MM-DD"),
        "{body}"
    );
    let backwards = folio(
        dir.path(),
        &[
            "usage",
            "--from",
            "2025-02-01",
            "--to",
            "2025-01-01",
            "--json",
        ],
    );
    assert_eq!(backwards.status.code(), Some(2));
}

#[test]
fn a_local_account_sets_and_clears_its_monthly_budget() {
    let dir = tempfile::tempdir().unwrap();
    let balance = ok_json(&folio(dir.path(), &["credits", "--json"]));
    assert_eq!(balance["unlimited"], true);
    assert_eq!(balance["monthly_budget"], Value::Null);

    let set = ok_json(&folio(
        dir.path(),
        &["credits", "budget", "set", "500", "--json"],
    ));
    assert_eq!(set["monthly_budget"], 500);
    assert_eq!(set["unlimited"], false);
    let text = folio(dir.path(), &["credits"]);
    let out = String::from_utf8(text.stdout).unwrap();
    assert!(out.contains("Monthly budget: 500 credits"), "{out}");

    let cleared = ok_json(&folio(
        dir.path(),
        &["credits", "budget", "clear", "--json"],
    ));
    assert_eq!(cleared["unlimited"], true);
}

#[test]
fn content_show_includes_what_the_article_cost() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let content = rt.block_on(async {
        let f = Folio::open(dir.path()).await.unwrap();
        let site = f
            .create_site(&NewSite {
                name: "Roses".into(),
                domain: "roses.example".into(),
                sectors: vec![],
            })
            .await
            .unwrap();
        let article = f
            .add_content(folio_model::NewContent {
                site: site.id,
                sector: None,
                title: "Pruning roses".into(),
                body_html: None,
            })
            .await
            .unwrap();
        for tokens in [20_000, 5_000] {
            let mut r = record(
                AiOperation::ContentGeneration,
                "gpt-4o",
                site.id,
                tokens,
                "2025-03-01T10:00:00Z",
            );
            r.content = Some(article.id);
            f.record_usage(r).await.unwrap();
        }
        // another article's call is not counted
        f.record_usage(record(
            AiOperation::Clustering,
            "gpt-4o",
            site.id,
            1_000,
            "2025-03-01T11:00:00Z",
        ))
        .await
        .unwrap();
        f.close().await;
        article.id
    });
    let id = content.to_string();
    let shown = ok_json(&folio(dir.path(), &["content", "show", &id, "--json"]));
    assert_eq!(shown["title"], "Pruning roses");
    assert_eq!(shown["ai_cost"]["calls"], 2);
    assert_eq!(shown["ai_cost"]["tokens_in"], 25_000);
    // gpt-4o: 1,000 tokens a credit → 20 + 5
    assert_eq!(shown["ai_cost"]["credits"], 25);
    let text = folio(dir.path(), &["content", "show", &id]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("$0.0625 (25 credits; 2 calls"), "{text}");
}
