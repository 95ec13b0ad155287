//! `folio automation …` as a user runs it: the real binary against HTTP fakes of OpenAI and
//! Runware (`support/fake_ai.rs`) and a real WordPress (folio-wp-harness), with the keys in the
//! real OS keychain (run under `scripts/headless.sh`).
//!
//! The kill test runs a site's automation — keywords to scheduled WordPress posts — and kills
//! the process with SIGKILL at a random instant, then resumes it until it completes, many
//! times over (`FOLIO_KILL_RUNS`, default 20; `FOLIO_KILL_SEED` repeats a sequence). After
//! each, every article exists once, every post once on WordPress, and the ledger shows exactly
//! the calls of a run that was never interrupted: no item paid for twice.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake_ai.rs"]
mod fake_ai;
#[path = "support/run_folio.rs"]
mod run_folio;

use fake_ai::Fakes;
use folio_wp_harness::{Options, WordPress};
use run_folio::{folio_with, ok_json};
use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const OPENAI_KEY: &str = "sk-folio-cli-automation-77aa01";
const RUNWARE_KEY: &str = "rw-folio-cli-automation-77aa02";

/// Two topics of keywords; `{t}` makes each world's titles (and so WordPress slugs) its own.
const KEYWORDS: &str = "Keyword,Volume,Keyword Difficulty
compost bin {t},5400,32
compost tumbler {t},2900,28
compost for beginners {t},1300,15
compost ratio {t},880,12
raised garden bed {t},27000,38
raised garden bed kit {t},4400,21
raised bed soil {t},3600,18
";

struct World {
    dir: tempfile::TempDir,
    service: String,
    site: String,
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

impl World {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_in(args, "")
    }

    fn run_in(&self, args: &[&str], stdin: &str) -> Output {
        folio_with(
            self.path(),
            args,
            &[("FOLIO_KEYCHAIN_SERVICE", &self.service)],
            stdin,
        )
    }

    fn json(&self, args: &[&str]) -> Value {
        ok_json(&self.run(args))
    }

    /// `folio automation run` as a child process (to be killed).
    fn spawn_run(&self) -> Child {
        Command::new(env!("CARGO_BIN_EXE_folio"))
            .arg("--data-dir")
            .arg(self.path())
            .args(["automation", "run", "--site", &self.site, "--json"])
            .env_remove("FOLIO_DATA_DIR")
            .env_remove("RUST_LOG")
            .env("FOLIO_KEYCHAIN_SERVICE", &self.service)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run folio")
    }

    fn status(&self) -> Value {
        self.json(&["automation", "status", "--site", &self.site, "--json"])
    }
}

/// A site with the keywords (titles tagged `tag`), the fakes' keys, and small automation
/// limits; connected to `wp` when given, with auto-approve and auto-publish on.
async fn world(fakes: &Fakes, tag: &str, wp: Option<&WordPress>) -> World {
    let mut w = World {
        dir: tempfile::tempdir().unwrap(),
        service: format!("folio-cli-automation-{}", uuid::Uuid::now_v7()),
        site: String::new(),
    };
    let (openai, runware) = (fakes.openai_url(), fakes.runware_url());
    let w = tokio::task::spawn_blocking(move || {
        for (provider, url, key) in [
            ("openai", openai, OPENAI_KEY),
            ("runware", runware, RUNWARE_KEY),
        ] {
            w.json(&["provider", "set-url", provider, &url, "--json"]);
            let out = w.run_in(&["provider", "set-key", provider], key);
            assert!(out.status.success(), "{}", text(&out));
        }
        let site = w.json(&[
            "site",
            "add",
            "--name",
            "Garden",
            "--domain",
            "garden.example",
            "--sector",
            "Growing",
            "--json",
        ]);
        w.site = site["id"].as_str().unwrap().to_owned();
        w
    })
    .await
    .unwrap();
    let file = w.path().join("keywords.csv");
    std::fs::write(&file, KEYWORDS.replace("{t}", tag)).unwrap();
    let report = w.json(&[
        "keywords",
        "import",
        "--site",
        &w.site,
        file.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(report["imported"], 7, "{report}");
    let config = w.json(&[
        "automation",
        "config",
        "--site",
        &w.site,
        "--clustering-limit",
        "7",
        "--ideas-limit",
        "2",
        "--content-limit",
        "2",
        "--image-limit",
        "4",
        "--publish-limit",
        "2",
        "--delay",
        "0",
        "--auto-approve",
        "on",
        "--auto-publish",
        if wp.is_some() { "on" } else { "off" },
        "--stop-on-error",
        "off",
        "--json",
    ]);
    assert_eq!(config["content_limit"], 2, "{config}");
    if let Some(wp) = wp {
        let url = format!("{}/wp-admin/", wp.url);
        let out = w.run_in(
            &[
                "wp",
                "connect",
                "--site",
                &w.site,
                "--url",
                &url,
                "--user",
                &wp.author.login,
                "--json",
            ],
            &wp.author.app_password,
        );
        assert!(out.status.success(), "{}", text(&out));
        // every hour of every day, so the two posts get slots within a day
        let slots: Vec<String> = (0..24).map(|h| format!("{h:02}:30")).collect();
        w.json(&[
            "schedule",
            "settings",
            "--site",
            &w.site,
            "--days",
            "mon,tue,wed,thu,fri,sat,sun",
            "--slots",
            &slots.join(","),
            "--timezone",
            "America/New_York",
            "--daily",
            "24",
            "--weekly",
            "100",
            "--monthly",
            "300",
            "--json",
        ]);
    }
    w
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_estimate_run_status_and_log() {
    let fakes = Fakes::start().await;
    let w = world(&fakes, "plain", None).await;
    let site = w.site.clone();
    let w = tokio::task::spawn_blocking(move || {
        // a bad value is refused with the field named
        let bad = w.run(&[
            "automation",
            "config",
            "--site",
            &site,
            "--max-runtime",
            "5",
        ]);
        assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
        assert!(text(&bad).contains("max runtime"), "{}", text(&bad));
        let bad = w.run(&[
            "automation",
            "config",
            "--site",
            &site,
            "--schedule-days",
            "mon,funday",
        ]);
        assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));

        let estimate = w.json(&["automation", "run", "--site", &site, "--estimate", "--json"]);
        let credits = estimate["credits"].as_u64().unwrap();
        assert!(credits > 0, "{estimate}");
        assert_eq!(
            estimate["required"].as_u64().unwrap(),
            credits + credits.div_ceil(5)
        );
        // nothing ran
        assert_eq!(w.status()["run"], Value::Null);

        let run = w.json(&["automation", "run", "--site", &site, "--json"]);
        assert_eq!(run["status"], "completed", "{run}");
        let status = w.status();
        assert_eq!(status["run"]["id"], run["id"]);
        assert_eq!(status["active"], false);
        let log = w.json(&["automation", "log", "--site", &site, "--json"]);
        let stages: Vec<&str> = log
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["stage"].as_str().unwrap())
            .collect();
        for stage in [
            "clustering",
            "ideas",
            "queue",
            "writing",
            "images",
            "approval",
        ] {
            assert!(stages.contains(&stage), "{stage} missing from {log}");
        }
        let table = w.run(&["automation", "log", "--site", &site]);
        assert!(table.status.success());
        assert!(String::from_utf8_lossy(&table.stdout).contains("STAGE"));
        // pausing a finished run changes nothing
        let paused = w.json(&["automation", "pause", "--site", &site, "--json"]);
        assert_eq!(paused["status"], "completed");
        w
    })
    .await
    .unwrap();
    drop(w);
}

/// A tiny xorshift: the kill instants, repeatable from the printed seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }
}

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Posts on WordPress carrying this article's Folio mark, in any state.
fn posts_of(wp: &WordPress, content: &str) -> u64 {
    wp.sql(&format!(
        "SELECT COUNT(*) FROM wp_posts WHERE post_type = 'post' \
         AND post_status IN ('future', 'publish', 'draft', 'pending', 'private') \
         AND post_content LIKE '%{content}%'"
    ))
    .unwrap()
    .trim()
    .parse()
    .unwrap()
}

/// Paid calls per operation, for a failure's message.
fn by_operation(w: &World) -> String {
    let usage = w.json(&["usage", "--by", "operation", "--json"]);
    usage["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| format!("{}={}", r["key"], r["calls"]))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_else(|| usage.to_string())
}

fn ledger_calls(w: &World) -> u64 {
    w.json(&["usage", "--json"])["totals"]["calls"]
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_any_instant_a_run_resumes_with_every_article_and_post_once_and_nothing_paid_twice(
) {
    let runs: u64 = std::env::var("FOLIO_KILL_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let seed: u64 = std::env::var("FOLIO_KILL_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
        | 1;
    eprintln!("kill test: {runs} runs, FOLIO_KILL_SEED={seed}");
    let mut rng = Rng(seed);
    let wp = WordPress::start(Options::default()).expect("start WordPress (scripts/setup.sh test)");
    let fakes = Fakes::start().await;

    // A run never interrupted: how long one takes, and what it pays for.
    let clean = world(&fakes, "clean", Some(&wp)).await;
    let started = Instant::now();
    let (clean, out) = tokio::task::spawn_blocking(move || {
        let out = clean.run(&["automation", "run", "--site", &clean.site, "--json"]);
        (clean, out)
    })
    .await
    .unwrap();
    let took = started.elapsed();
    let run = ok_json(&out);
    assert_eq!(run["status"], "completed", "{run}");
    let expected_calls = ledger_calls(&clean);
    let scheduled = clean.json(&["content", "list", "--site", &clean.site, "--json"]);
    assert_eq!(
        scheduled["items"].as_array().unwrap().len(),
        2,
        "{scheduled}"
    );
    for a in scheduled["items"].as_array().unwrap() {
        assert_eq!(
            a["site_status"],
            "scheduled",
            "{a} {}",
            clean.json(&["automation", "log", "--site", &clean.site, "--json"])
        );
    }
    eprintln!("a clean run: {took:?}, {expected_calls} paid calls");

    let window = took.as_millis() as u64 + 200;
    for i in 0..runs {
        let w = world(&fakes, &format!("k{i}"), Some(&wp)).await;
        let mut kills = 0;
        let mut rng_here = Rng::new(rng.below(u64::MAX));
        // kill at a random instant; resume (and maybe kill again) until it completes
        let done = tokio::task::spawn_blocking(move || {
            let rng = &mut rng_here;
            loop {
                let mut child = w.spawn_run();
                let kill_after = if kills < 2 {
                    Some(Duration::from_millis(rng.below(window)))
                } else {
                    None
                };
                let done = match kill_after {
                    Some(after) => {
                        let deadline = Instant::now() + after;
                        loop {
                            if child.try_wait().unwrap().is_some() {
                                break true;
                            }
                            if Instant::now() >= deadline {
                                child.kill().unwrap(); // SIGKILL
                                child.wait().unwrap();
                                kills += 1;
                                break false;
                            }
                            std::thread::sleep(Duration::from_millis(5));
                        }
                    }
                    None => true,
                };
                let out = child.wait_with_output().unwrap();
                if done {
                    let run = ok_json(&out);
                    assert_eq!(run["status"], "completed", "{run} {}", text(&out));
                    return (w, kills);
                }
                // killed after the run completed (before the process exited): done too — a
                // new `run` would start the next run
                if w.status()["run"]["status"] == "completed" {
                    return (w, kills);
                }
            }
        })
        .await
        .unwrap();
        let (w, kills) = done;
        let articles = w.json(&["content", "list", "--site", &w.site, "--json"]);
        let articles = articles["items"].as_array().unwrap();
        assert_eq!(articles.len(), 2, "run {i} (seed {seed}): {articles:?}");
        for a in articles {
            assert_eq!(a["site_status"], "scheduled", "run {i} (seed {seed}): {a}");
            let id = a["id"].as_str().unwrap();
            assert_eq!(
                posts_of(&wp, id),
                1,
                "run {i} (seed {seed}): article {id} is on WordPress once"
            );
        }
        assert_eq!(
            ledger_calls(&w),
            expected_calls,
            "run {i} (seed {seed}, {kills} kills): the ledger shows the calls of an uninterrupted \
             run; by operation: {} (uninterrupted: {})",
            by_operation(&w),
            by_operation(&clean)
        );
        let run = &w.status()["run"];
        assert_eq!(run["status"], "completed");
        assert_eq!(
            run["items_total"], run["items_processed"],
            "run {i} (seed {seed}): the run's count adds up: {run}"
        );
    }
}
