//! The real `folio-server` binary: starts on port 0, prints its address, answers /health, logs no
//! secret (not even a reset or invite link), and stops cleanly on SIGTERM.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const PASSWORD: &str = "Binary-Test-Passphrase-9d2e";

fn start(data_dir: &std::path::Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_folio-server"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The address from the `listening on http://…` line.
fn read_address(child: &mut Child) -> String {
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
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the server did not print its address")
}

/// The server's stderr, line by line as it is written, so a test can wait for a line.
struct Stderr {
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Stderr {
    /// Wait until a line containing `needle` has been written.
    fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.seen.iter().any(|l| l.contains(needle)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!("no {needle:?} in the log:\n{}", self.seen.join("\n")),
            }
        }
    }

    /// Everything written, once the server has exited (its stderr is closed).
    fn all(mut self) -> String {
        loop {
            match self.lines.recv_timeout(Duration::from_secs(10)) {
                Ok(line) => self.seen.push(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => panic!("stderr stayed open"),
            }
        }
        self.seen.join("\n")
    }
}

fn collect_stderr(child: &mut Child) -> Stderr {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Stderr {
        lines: rx,
        seen: Vec::new(),
    }
}

fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop within 30 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn the_binary_serves_health_logs_no_secrets_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = start(dir.path(), &[]);
    let mut stderr = collect_stderr(&mut child);
    let base = read_address(&mut child);
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert!(!base.ends_with(":0"), "{base}");

    let http = reqwest::Client::new();
    let health: Value = http
        .get(format!("{base}/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");

    // One real flow, so there are secrets the log could leak.
    let tokens: Value = http
        .post(format!("{base}/v1/auth/register"))
        .json(&json!({"email": "ann@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // No --smtp-host: a reset cannot be mailed, and says so.
    let resp = http
        .post(format!("{base}/v1/auth/password-reset"))
        .json(&json!({"email": "ann@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::NOT_IMPLEMENTED);
    // An invite link for the admin only: in the response, never in the log.
    let resp = http
        .post(format!("{base}/v1/account/invites/link"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .json(&json!({"email": "bob@example.com", "role": "editor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::CREATED);
    let invite: Value = resp.json().await.unwrap();
    let link = invite["link"].as_str().unwrap().to_owned();
    stderr.wait_for("invite created");

    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = wait_for_exit(&mut child);
    assert!(status.success(), "exit status {status:?}");

    let log = stderr.all();
    assert!(log.contains("folio-server started"), "{log}");
    assert!(!log.contains(PASSWORD), "the password was logged:\n{log}");
    for key in ["access_token", "refresh_token"] {
        let token = tokens[key].as_str().unwrap();
        assert!(!log.contains(token), "{key} was logged:\n{log}");
    }
    assert!(log.contains("mail=\"none"), "{log}");
    assert!(!log.contains(&link), "the invite link was logged:\n{log}");
    for prefix in ["fpr_", "fin_", "#token="] {
        assert!(!log.contains(prefix), "{prefix} in the log:\n{log}");
    }
    assert!(dir.path().join("folio-server.db").exists());
}

#[test]
fn an_unreachable_postgres_database_fails_clearly_and_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_folio-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--database",
            // Port 1: nothing listens there, so the connection is refused at once.
            "postgres://folio:hunter2-secret@127.0.0.1:1/folio",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot open the database postgres://folio:***@127.0.0.1:1/folio"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(output.stdout.is_empty());
}
