//! The dashboard at 100k keywords (issue 17, goal < 100 ms), printed as figures:
//! `cargo bench -p folio-core --bench dashboard` (figures in docs/dashboard.md).
//!
//! A store with two sites — one with 100k keywords, one with 10k — plus clusters, ideas, tasks
//! and articles in every state is filled through core's own operations (the keyword import,
//! `create_cluster`, `add_content`, …). Then `Folio::dashboard` is called N times for the big
//! site and for all sites; the median and the slowest call are printed, and the first call
//! (a cold page cache of this process) on its own. `FOLIO_BENCH_ROWS` (100000) and
//! `FOLIO_BENCH_CALLS` (50) change the sizes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration as Span, Utc};
use folio_core::{Folio, ImportOptions};
use folio_model::{
    AiOperation, CallOutcome, ContentStatus, NewCluster, NewContent, NewIdea, NewSite, Site,
    SiteId, SiteStatus, SiteStatusChange, UsageRecord,
};
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A plain keyword file of `rows` distinct keywords.
fn keyword_file(rows: usize, prefix: &str) -> Vec<u8> {
    const WORDS: [&str; 12] = [
        "garden", "hoe", "best", "organic", "soil", "seeds", "tomato", "raised", "bed", "compost",
        "indoor", "plants",
    ];
    let mut s = String::with_capacity(rows * 32);
    for i in 0..rows {
        s.push_str(&format!(
            "{prefix} {} {} {i}\n",
            WORDS[i % WORDS.len()],
            WORDS[(i / WORDS.len()) % WORDS.len()]
        ));
    }
    s.into_bytes()
}

async fn fill(folio: &Folio, name: &str, keywords: usize, articles: usize) -> Site {
    let site = folio
        .create_site(&NewSite {
            name: name.into(),
            domain: format!("{}.example", name.to_lowercase()),
            sectors: vec!["General".into(), "More".into()],
        })
        .await
        .unwrap();
    let t = Instant::now();
    let report = folio
        .import_keywords(
            site.id,
            None,
            keyword_file(keywords, name),
            &ImportOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(report.imported as usize, keywords);
    let imported = t.elapsed();
    let sector = site.sectors[0].id;
    for i in 0..50 {
        let cluster = folio
            .create_cluster(NewCluster::new(site.id, sector, format!("Cluster {i}")))
            .await
            .unwrap();
        for j in 0..4 {
            let idea = folio
                .create_idea(NewIdea::new(
                    site.id,
                    sector,
                    cluster.id,
                    format!("Idea {i}.{j}"),
                ))
                .await
                .unwrap();
            if j == 0 {
                folio.queue_idea(idea.id).await.unwrap();
            }
        }
    }
    let slot = Utc::now() + Span::days(3);
    for i in 0..articles {
        let c = folio
            .add_content(NewContent {
                site: site.id,
                sector: None,
                title: format!("{name} article {i}"),
                body_html: Some(format!("<p>Article {i}</p>")),
            })
            .await
            .unwrap();
        let steps: &[ContentStatus] = match i % 4 {
            0 => &[],
            1 => &[ContentStatus::Review],
            _ => &[ContentStatus::Review, ContentStatus::Approved],
        };
        for to in steps {
            folio.set_content_status(c.id, *to).await.unwrap();
        }
        if i % 4 == 3 {
            folio
                .set_site_status(
                    c.id,
                    SiteStatusChange {
                        to: SiteStatus::Scheduled,
                        scheduled_publish_at: Some(slot + Span::hours(i as i64)),
                        external_id: None,
                        external_url: None,
                    },
                )
                .await
                .unwrap();
        }
        if i % 10 == 0 {
            folio
                .record_usage(UsageRecord {
                    operation: AiOperation::ContentGeneration,
                    site: Some(site.id),
                    content: Some(c.id),
                    provider: String::new(),
                    model: "gpt-4o-mini".into(),
                    tokens_in: 2000,
                    tokens_out: 1500,
                    images: 0,
                    provider_cost_usd: None,
                    outcome: CallOutcome::Ok,
                    at: None,
                })
                .await
                .unwrap();
        }
    }
    println!(
        "filled {name}: {keywords} keywords (import {:.0} ms), 50 clusters, 200 ideas, 50 tasks, {articles} articles",
        ms(imported)
    );
    site
}

async fn measure(folio: &Folio, site: Option<SiteId>, calls: usize, what: &str) {
    let mut times = Vec::with_capacity(calls);
    let mut keywords = 0;
    for _ in 0..calls {
        let t = Instant::now();
        let d = folio.dashboard(site).await.unwrap();
        times.push(t.elapsed());
        keywords = d.counts.keywords();
    }
    times.sort();
    println!(
        "dashboard {what} ({keywords} keywords): median {:.2} ms, max {:.2} ms over {calls} calls  [goal < 100 ms]",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rows = env_usize("FOLIO_BENCH_ROWS", 100_000);
    let calls = env_usize("FOLIO_BENCH_CALLS", 50).max(1);
    let dir = tempfile::tempdir().unwrap();
    let big = {
        let folio = Folio::open(dir.path()).await.unwrap();
        let big = fill(&folio, "Garden", rows, 400).await;
        fill(&folio, "Kitchen", rows / 10, 100).await;
        folio.close().await;
        big.id
    };
    // A fresh process's view: the store re-opened, nothing cached in memory.
    let folio = Folio::open(dir.path()).await.unwrap();
    let t = Instant::now();
    folio.dashboard(Some(big)).await.unwrap();
    println!(
        "dashboard first call after opening the store: {:.2} ms",
        ms(t.elapsed())
    );
    measure(&folio, Some(big), calls, "one site").await;
    measure(&folio, None, calls, "all sites").await;
    folio.close().await;
}
