//! P5: the pipeline's own overhead, against a fake provider (the HTTP-level fake of the core
//! tests, `tests/support/fake_model.rs`).
//!
//! `scripts/headless.sh cargo bench -p folio-core --bench pipeline` (the headless wrapper
//! provides the OS keychain the provider key goes to). `FOLIO_BENCH_ARTICLES` (100) and
//! `FOLIO_BENCH_KEYWORDS` (10,000) change the sizes.
//!
//! 1. Overhead per article: articles written one at a time against a fake that answers at once;
//!    the time per article is everything but the provider's thinking — prompt building,
//!    validation, checkpoints, the ledger, saving — plus loopback HTTP (goal ≤ 5 ms).
//! 2. Throughput: the same articles at concurrency 8 against a fake answering each call after
//!    1 s; the ideal is `calls ÷ 8` seconds (goal: within 1.2× of it).
//! 3. Clustering 10,000 keywords in batches against an instant fake: Folio's own time
//!    (goal ≤ 1 s on top of the provider).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/fake_model.rs"]
mod fake_model;

use fake_model::{FakeModel, Wire};
use folio_core::{Folio, ImportOptions};
use folio_model::{
    NewCluster, NewIdea, NewSite, OutlineSection, SettingKey, SettingValue, Site, Stage,
    StageTarget,
};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn store(model: &FakeModel) -> (tempfile::TempDir, Folio, Site, MockServer) {
    std::env::set_var(
        "FOLIO_KEYCHAIN_SERVICE",
        format!("folio-bench-{}", uuid::Uuid::now_v7()),
    );
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Bench".into(),
            domain: "bench.example".into(),
            sectors: vec!["Care".into()],
        })
        .await
        .unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(model.responder(Wire::OpenAi))
        .mount(&server)
        .await;
    folio
        .set_provider_base_url("openai", Some(&format!("{}/v1", server.uri())))
        .await
        .unwrap();
    folio.set_provider_key("openai", "sk-bench").await.unwrap();
    (dir, folio, site, server)
}

/// `n` queued tasks, each from an idea with a six-section outline.
async fn queued(folio: &Folio, site: &Site, n: usize) {
    let sector = site.sectors[0].id;
    let cluster = folio
        .create_cluster(NewCluster::new(site.id, sector, "Bench"))
        .await
        .unwrap();
    for i in 0..n {
        let mut idea = NewIdea::new(site.id, sector, cluster.id, format!("Article number {i}"));
        idea.target_word_count = Some(900);
        idea.outline = (0..6)
            .map(|s| OutlineSection {
                heading: format!("Part {s} of {i}"),
                notes: format!("What part {s} covers"),
                ..OutlineSection::default()
            })
            .collect();
        idea.faq = vec!["One?".into(), "Two?".into(), "Three?".into()];
        folio.create_idea(idea).await.unwrap();
    }
    let report = folio
        .run_stage(Stage::Queue, StageTarget::site(site.id))
        .await
        .unwrap();
    assert_eq!(report.done as usize, n);
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let articles = env_usize("FOLIO_BENCH_ARTICLES", 100);
        let keywords = env_usize("FOLIO_BENCH_KEYWORDS", 10_000);

        // 1. Overhead per article, one at a time, instant provider.
        let model = FakeModel::default();
        let (_dir, folio, site, _server) = store(&model).await;
        let n = articles.min(20);
        queued(&folio, &site, n).await;
        folio.set_site_setting(site.id, SettingKey::Concurrency, SettingValue::Int(1)).await.unwrap();
        let t = Instant::now();
        let report = folio.run_stage(Stage::Writing, StageTarget::site(site.id)).await.unwrap();
        let took = t.elapsed();
        assert_eq!(report.done as usize, n, "{report:?}");
        let calls = model.count.load(std::sync::atomic::Ordering::SeqCst);
        println!(
            "P5 overhead: {n} articles, {calls} calls, one at a time against an instant fake: {:.1} ms per article ({:.2} ms per call)",
            took.as_secs_f64() * 1000.0 / n as f64,
            took.as_secs_f64() * 1000.0 / calls as f64
        );

        // 2. Throughput at concurrency 8 against a provider taking 1 s a call.
        let model = FakeModel::default();
        let (_dir, folio, site, _server) = store(&model).await;
        queued(&folio, &site, articles).await;
        folio.set_site_setting(site.id, SettingKey::Concurrency, SettingValue::Int(8)).await.unwrap();
        model.set_delay(Duration::from_secs(1));
        let t = Instant::now();
        let report = folio.run_stage(Stage::Writing, StageTarget::site(site.id)).await.unwrap();
        let took = t.elapsed().as_secs_f64();
        assert_eq!(report.done as usize, articles, "{report:?}");
        let calls = model.count.load(std::sync::atomic::Ordering::SeqCst);
        let ideal = (calls as f64 / 8.0).ceil();
        println!(
            "P5 throughput: {articles} articles, {calls} calls of 1 s at concurrency 8: {took:.1} s, ideal {ideal:.0} s, ratio {:.3} (goal ≤ 1.2)",
            took / ideal
        );

        // 3. Clustering 10,000 keywords, instant provider.
        let model = FakeModel::default();
        let (_dir, folio, site, _server) = store(&model).await;
        let mut csv = String::from("Keyword,Volume,Keyword Difficulty\n");
        for i in 0..keywords {
            csv.push_str(&format!("topic {} subject {} detail,{},{}\n", i / 40, i, 100 + i % 900, i % 100));
        }
        folio.import_keywords(site.id, None, csv.into_bytes(), &ImportOptions::default()).await.unwrap();
        folio.set_site_setting(site.id, SettingKey::Concurrency, SettingValue::Int(8)).await.unwrap();
        let t = Instant::now();
        let report = folio.run_stage(Stage::Clustering, StageTarget::site(site.id)).await.unwrap();
        let took = t.elapsed().as_secs_f64();
        assert!(report.failed.is_empty(), "{:?}", report.failed.first());
        println!(
            "P5 clustering: {keywords} keywords in {} batches against an instant fake: {took:.2} s in all (Folio's own time plus loopback HTTP and the fake's answers; goal ≤ 1 s of Folio's own)",
            report.done
        );
    });
}
