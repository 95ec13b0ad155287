//! What the benches share: a fake provider in a child process (this bench binary again, with
//! `FOLIO_BENCH_FAKE` set, so its work is not counted as Folio's), this process's CPU time, a
//! store with a site, and queued tasks to write.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::fake_model::{FakeModel, Wire};
use folio_core::Folio;
use folio_model::{
    NewCluster, NewIdea, NewSite, OutlineSection, Site, Stage, StageTarget, UsageFilter,
};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

/// The child: serve the fake (answering after `FOLIO_BENCH_FAKE` milliseconds), print its
/// address, and stop when the parent closes our stdin.
pub fn serve_fake(delay_ms: u64) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let model = FakeModel::default();
        model.set_delay(Duration::from_millis(delay_ms));
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(model.responder(Wire::OpenAi))
            .mount(&server)
            .await;
        println!("{}", server.uri());
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .unwrap();
    });
}

/// A fake provider in a child process; stopped (stdin closed, then waited for) on drop.
pub struct Fake {
    child: Child,
    pub uri: String,
}

impl Fake {
    pub fn start(delay_ms: u64) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env("FOLIO_BENCH_FAKE", delay_ms.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Self {
            child,
            uri: line.trim().to_owned(),
        }
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// CPU time (user + system, all threads) this process has used so far.
pub fn cpu_time() -> Duration {
    // /proc/self/stat fields 14 and 15, in clock ticks; the command name (field 2) may hold
    // spaces, so count from the closing parenthesis.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64)
}

fn clock_ticks() -> u64 {
    let out = Command::new("getconf").arg("CLK_TCK").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

pub async fn store(fake: &Fake) -> (tempfile::TempDir, Folio, Site) {
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
    folio
        .set_provider_base_url("openai", Some(&format!("{}/v1", fake.uri)))
        .await
        .unwrap();
    folio.set_provider_key("openai", "sk-bench").await.unwrap();
    (dir, folio, site)
}

/// Provider calls the ledger recorded.
pub async fn calls(folio: &Folio) -> usize {
    folio
        .ledger_entries(&UsageFilter::default(), u32::MAX)
        .await
        .unwrap()
        .len()
}

/// `n` queued tasks, each from an idea with a six-section outline.
pub async fn queued(folio: &Folio, site: &Site, n: usize) {
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
