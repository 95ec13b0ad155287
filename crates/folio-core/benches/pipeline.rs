//! P5: the pipeline's own overhead, against a fake provider (the HTTP-level fake of the core
//! tests, `tests/support/fake_model.rs`), which runs in a child process (this binary again, with
//! `FOLIO_BENCH_FAKE` set) so that its work is not counted as Folio's.
//!
//! `scripts/headless.sh cargo bench -p folio-core --bench pipeline` (the headless wrapper
//! provides the OS keychain the provider key goes to). `FOLIO_BENCH_ARTICLES` (100) and
//! `FOLIO_BENCH_KEYWORDS` (10,000) change the sizes; `FOLIO_BENCH_PARTS` (e.g. `1,3`) runs some
//! of the three parts only (to profile one); `FOLIO_BENCH_LOG=1` logs to stderr by `RUST_LOG`
//! (`RUST_LOG=sqlx::query=debug` lists every statement, to count a call's round trips).
//!
//! 1. Overhead per article: articles written one call at a time against a fake that answers at
//!    once. Two figures: the wall time per article (Folio's own time plus loopback HTTP and the
//!    fake's answers — an upper bound) and the CPU time this process spent per article (prompt
//!    building, validation, checkpoints, the ledger, saving, the HTTP client) (goal ≤ 5 ms).
//!    Then the floor under it: one of those bodies inserted into Automerge `Text` and saved.
//! 2. Throughput: the same articles at concurrency 8 against a fake answering each call after
//!    1 s; the ideal is `calls ÷ 8` seconds (goal: within 1.2× of it).
//! 3. Clustering 10,000 keywords in batches against an instant fake: the wall time and this
//!    process's CPU time (goal ≤ 1 s of Folio's own time on top of the provider).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/bench_world.rs"]
mod bench_world;
#[path = "../tests/support/fake_model.rs"]
mod fake_model;

use bench_world::{calls, cpu_time, queued, serve_fake, store, Fake};
use folio_core::{Folio, ImportOptions};
use folio_model::{
    NewCluster, NewIdea, NewSite, OutlineSection, SettingKey, SettingValue, Site, Stage,
    StageTarget, UsageFilter,
};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The floor under the overhead figure: DESIGN keeps an article's body as Automerge `Text` (so
/// edits on two devices merge character by character), and inserting a generated body is one
/// operation per character, then the document is saved. Measured on one of the articles just
/// written.
fn body_floor(body: &str) {
    use automerge::{transaction::Transactable, AutoCommit, ObjType, ROOT};
    let rounds = 20;
    let t = Instant::now();
    for _ in 0..rounds {
        let mut doc = AutoCommit::new();
        let rec = doc.put_object(ROOT, "content:bench", ObjType::Map).unwrap();
        let text = doc.put_object(&rec, "body_html", ObjType::Text).unwrap();
        doc.splice_text(&text, 0, 0, body).unwrap();
        std::hint::black_box(doc.save());
    }
    println!(
        "P5 floor: an article body of {} characters into Automerge Text and saved: {:.2} ms (of the 5 ms goal)",
        body.chars().count(),
        t.elapsed().as_secs_f64() * 1000.0 / rounds as f64
    );
}

fn main() {
    if let Ok(delay) = std::env::var("FOLIO_BENCH_FAKE") {
        serve_fake(delay.parse().unwrap());
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let logdir = tempfile::tempdir().unwrap();
    let _log = std::env::var("FOLIO_BENCH_LOG")
        .ok()
        .map(|_| folio_core::logging::init(logdir.path(), "warn").unwrap());
    rt.block_on(async {
        let articles = env_usize("FOLIO_BENCH_ARTICLES", 100);
        let keywords = env_usize("FOLIO_BENCH_KEYWORDS", 10_000);
        let parts = std::env::var("FOLIO_BENCH_PARTS").unwrap_or_else(|_| "1,2,3".into());
        let part = |n: &str| parts.split(',').any(|p| p.trim() == n);

        // 1. Overhead per article, one call at a time, instant provider.
        if part("1") {
        let fake = Fake::start(0);
        let (_dir, folio, site) = store(&fake).await;
        let n = articles.min(20);
        queued(&folio, &site, n).await;
        folio.set_site_setting(site.id, SettingKey::Concurrency, SettingValue::Int(1)).await.unwrap();
        let (t, cpu) = (Instant::now(), cpu_time());
        let report = folio.run_stage(Stage::Writing, StageTarget::site(site.id)).await.unwrap();
        let (took, cpu) = (t.elapsed(), cpu_time() - cpu);
        assert_eq!(report.done as usize, n, "{report:?}");
        let calls_made = calls(&folio).await;
        println!(
            "P5 overhead: {n} articles, {calls_made} calls, one at a time against an instant fake: {:.1} ms wall per article ({:.2} ms per call), Folio's CPU {:.1} ms per article (goal ≤ 5 ms)",
            took.as_secs_f64() * 1000.0 / n as f64,
            took.as_secs_f64() * 1000.0 / calls_made as f64,
            cpu.as_secs_f64() * 1000.0 / n as f64,
        );
        let first = folio.list_content(site.id).await.unwrap()[0].id;
        body_floor(&folio.get_content(first).await.unwrap().body_html);
        drop(fake);
        }

        // 2. Throughput at concurrency 8 against a provider taking 1 s a call.
        if part("2") {
        let fake = Fake::start(1000);
        let (_dir, folio, site) = store(&fake).await;
        queued(&folio, &site, articles).await;
        folio.set_site_setting(site.id, SettingKey::Concurrency, SettingValue::Int(8)).await.unwrap();
        let t = Instant::now();
        let report = folio.run_stage(Stage::Writing, StageTarget::site(site.id)).await.unwrap();
        let took = t.elapsed().as_secs_f64();
        assert_eq!(report.done as usize, articles, "{report:?}");
        let calls_made = calls(&folio).await;
        let ideal = (calls_made as f64 / 8.0).ceil();
        println!(
            "P5 throughput: {articles} articles, {calls_made} calls of 1 s at concurrency 8: {took:.1} s, ideal {ideal:.0} s, ratio {:.3} (goal ≤ 1.2)",
            took / ideal
        );
        drop(fake);
        }

        // 3. Clustering 10,000 keywords, instant provider.
        if part("3") {
        let fake = Fake::start(0);
        let (_dir, folio, site) = store(&fake).await;
        let mut csv = String::from("Keyword,Volume,Keyword Difficulty\n");
        for i in 0..keywords {
            csv.push_str(&format!("topic {} subject {} detail,{},{}\n", i / 40, i, 100 + i % 900, i % 100));
        }
        folio.import_keywords(site.id, None, csv.into_bytes(), &ImportOptions::default()).await.unwrap();
        folio.set_site_setting(site.id, SettingKey::Concurrency, SettingValue::Int(8)).await.unwrap();
        let (t, cpu) = (Instant::now(), cpu_time());
        let report = folio.run_stage(Stage::Clustering, StageTarget::site(site.id)).await.unwrap();
        let (took, cpu) = (t.elapsed().as_secs_f64(), (cpu_time() - cpu).as_secs_f64());
        assert!(report.failed.is_empty(), "{:?}", report.failed.first());
        println!(
            "P5 clustering: {keywords} keywords in {} batches against an instant fake: {took:.2} s wall (with loopback HTTP and the fake's answers), Folio's CPU {cpu:.2} s (goal ≤ 1 s)",
            report.done
        );
        drop(fake);
        }
    });
}
