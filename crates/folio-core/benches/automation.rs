//! The automation runner's own cost over the pipeline it drives (issue 16), against the fake
//! provider of the core tests in a child process (`support/bench_world.rs`).
//!
//! `scripts/headless.sh cargo bench -p folio-core --bench automation` (the headless wrapper
//! provides the OS keychain the provider key goes to). `FOLIO_BENCH_ARTICLES` (50) changes the
//! size.
//!
//! 1. Overhead per item: the same queued articles written by the pipeline's writing stage and by
//!    an automation run (writing, then approval), one call at a time against an instant fake;
//!    the difference per article is the runner's own work (choosing and logging items, the
//!    run's rows, approval through the quality gate, progress).
//! 2. A 50-article run at concurrency 8 against a fake answering each call after 1 s, against
//!    the pipeline's own time for the same work (goal: ≤ 1.2×).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/bench_world.rs"]
mod bench_world;
#[path = "../tests/support/fake_model.rs"]
mod fake_model;

use bench_world::{calls, cpu_time, queued, serve_fake, store, Fake};
use folio_core::Folio;
use folio_model::{
    AutomationConfigUpdate, AutomationRunStatus, RunTrigger, SettingKey, SettingValue, Site, Stage,
    StageTarget,
};
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A store with `n` queued articles at `concurrency`, its automation set to write them all and
/// nothing else.
async fn world(fake: &Fake, n: usize, concurrency: i64) -> (tempfile::TempDir, Folio, Site) {
    let (dir, folio, site) = store(fake).await;
    queued(&folio, &site, n).await;
    folio
        .set_site_setting(
            site.id,
            SettingKey::Concurrency,
            SettingValue::Int(concurrency),
        )
        .await
        .unwrap();
    folio
        .update_automation_config(
            site.id,
            AutomationConfigUpdate {
                clustering_limit: Some(0),
                ideas_limit: Some(0),
                content_limit: Some(n as i64),
                image_limit: Some(0),
                publish_limit: Some(0),
                delay_between_operations_secs: Some(0),
                max_runtime_secs: Some(86_400),
                auto_approve: Some(true),
                stop_on_error: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    (dir, folio, site)
}

/// (wall, CPU, calls) of the pipeline's writing stage over the site's queued tasks.
async fn pipeline(fake: &Fake, n: usize, concurrency: i64) -> (Duration, Duration, usize) {
    let (_dir, folio, site) = world(fake, n, concurrency).await;
    let (t, cpu) = (Instant::now(), cpu_time());
    let report = folio
        .run_stage(Stage::Writing, StageTarget::site(site.id))
        .await
        .unwrap();
    let out = (t.elapsed(), cpu_time() - cpu, calls(&folio).await);
    assert_eq!(report.done as usize, n, "{report:?}");
    out
}

/// (wall, CPU, calls) of an automation run doing the same work.
async fn automation(fake: &Fake, n: usize, concurrency: i64) -> (Duration, Duration, usize) {
    let (_dir, folio, site) = world(fake, n, concurrency).await;
    let (t, cpu) = (Instant::now(), cpu_time());
    let run = folio
        .automation_run(site.id, RunTrigger::Manual)
        .await
        .unwrap();
    let out = (t.elapsed(), cpu_time() - cpu, calls(&folio).await);
    assert_eq!(run.status, AutomationRunStatus::Completed, "{run:?}");
    assert_eq!(folio.list_content(site.id).await.unwrap().len(), n);
    out
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
    rt.block_on(async {
        let n = env_usize("FOLIO_BENCH_ARTICLES", 50);

        // 1. The runner's own work per article, one call at a time, instant provider.
        let fake = Fake::start(0);
        let m = n.min(20);
        let (p_wall, p_cpu, p_calls) = pipeline(&fake, m, 1).await;
        let (a_wall, a_cpu, a_calls) = automation(&fake, m, 1).await;
        assert_eq!(p_calls, a_calls, "the same work");
        let per = |d: Duration| d.as_secs_f64() * 1000.0 / m as f64;
        println!(
            "automation overhead: {m} articles, {p_calls} calls, instant fake: pipeline {:.1} ms wall / {:.1} ms CPU per article, automation run {:.1} ms wall / {:.1} ms CPU per article: the runner's own {:.1} ms wall / {:.1} ms CPU per article",
            per(p_wall),
            per(p_cpu),
            per(a_wall),
            per(a_cpu),
            per(a_wall.saturating_sub(p_wall)),
            per(a_cpu.saturating_sub(p_cpu)),
        );
        drop(fake);

        // 2. n articles at concurrency 8, each call answered after 1 s.
        let fake = Fake::start(1000);
        let (p_wall, _, p_calls) = pipeline(&fake, n, 8).await;
        let (a_wall, _, a_calls) = automation(&fake, n, 8).await;
        assert_eq!(p_calls, a_calls, "the same work");
        println!(
            "automation run: {n} articles, {a_calls} calls, fake answering after 1 s, concurrency 8: {:.1} s (pipeline alone {:.1} s, ideal {:.1} s): {:.3}× the pipeline's time (goal ≤ 1.2×)",
            a_wall.as_secs_f64(),
            p_wall.as_secs_f64(),
            a_calls as f64 / 8.0,
            a_wall.as_secs_f64() / p_wall.as_secs_f64(),
        );
    });
}
