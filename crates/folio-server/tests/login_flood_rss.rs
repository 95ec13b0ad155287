//! Measures (does not assert) the server's peak memory during a login flood with real password
//! hashing: 200 logins at once against the `folio-server` binary with the default argon2 cost,
//! once with the default hashing bound (the cores) and once with the bound lifted to 200, and
//! prints each process's peak resident set (VmHWM). Ignored by default: with the debug build's
//! unoptimised argon2 it takes minutes. Run it with
//!
//! ```text
//! cargo test -p folio-server --test login_flood_rss -- --ignored --nocapture
//! ```

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const PASSWORD: &str = "Flood-Test-Passphrase-4b1c";
const LOGINS: usize = 200;

fn start(data_dir: &std::path::Path, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio-server"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(["--rate-per-address", "100000", "--rate-per-email", "100000"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(url) = line.strip_prefix("listening on ") {
                let _ = tx.send(url.to_owned());
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("the server did not print its address");
    (child, base)
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

async fn flood(extra: &[&str]) -> (u64, u64) {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start(dir.path(), extra);
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{base}/v1/auth/register"))
        .json(&json!({"email": "ann@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let before = peak_rss_kib(child.id());
    let mut tasks = Vec::new();
    for _ in 0..LOGINS {
        let http = http.clone();
        let url = format!("{base}/v1/auth/login");
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .timeout(Duration::from_secs(3600))
                .json(&json!({"email": "ann@example.com", "password": PASSWORD}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for task in tasks {
        let status = task.await.unwrap();
        assert!(status.is_success() || status.as_u16() == 503, "{status}");
    }
    let peak = peak_rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    (before, peak)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "measures memory with real argon2 for minutes; run with --ignored --nocapture"]
async fn peak_memory_of_two_hundred_concurrent_logins() {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let (before, bounded) = flood(&[]).await;
    println!(
        "{LOGINS} concurrent logins, default argon2 (19 MiB), hashing bound {cores} (default): \
         peak RSS {} MiB (idle after register: {} MiB)",
        bounded / 1024,
        before / 1024
    );
    let (before, unbounded) =
        flood(&["--hashing-concurrency", "200", "--hashing-queue", "1000"]).await;
    println!(
        "{LOGINS} concurrent logins, default argon2 (19 MiB), hashing bound 200: \
         peak RSS {} MiB (idle after register: {} MiB)",
        unbounded / 1024,
        before / 1024
    );
}
