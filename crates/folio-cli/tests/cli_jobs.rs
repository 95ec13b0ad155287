//! Jobs from the command line, across real `folio` processes on one data directory: a second
//! import into a sector is refused while another process runs one, a killed process's job is
//! taken over, and Ctrl-C cancels an import cleanly.
//!
//! The import reads a named pipe, so it stays in its job for exactly as long as the test keeps
//! the pipe unwritten: every step waits for the state it asserts (a job listed, a line printed),
//! never for time.
#![cfg(unix)]
// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run_folio.rs"]
mod run_folio;

use run_folio::{add_site, folio, ok_json};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a step may take on a loaded machine before the test gives up.
const DEADLINE: Duration = Duration::from_secs(60);

/// A data dir with one site; returns (dir, site id, its sector id).
fn with_site() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (site, sectors) = add_site(dir.path(), &["Tools"]);
    (dir, site, sectors[0].clone())
}

fn fifo(dir: &Path) -> PathBuf {
    let path = dir.join("keywords.fifo");
    let made = Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    path
}

/// A `folio` process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_import(dir: &Path, site: &str, sector: &str, file: &Path) -> Running {
    Running(
        Command::new(env!("CARGO_BIN_EXE_folio"))
            .arg("--data-dir")
            .arg(dir)
            .args(["keywords", "import", "--site", site, "--sector", sector])
            .arg(file)
            .env_remove("FOLIO_DATA_DIR")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    )
}

fn jobs(dir: &Path) -> Vec<Value> {
    let list = ok_json(&folio(dir, &["jobs", "list", "--json"]));
    list.as_array().unwrap().clone()
}

/// Wait until `folio jobs list` shows a job of `pid`.
fn wait_for_job(dir: &Path, pid: u32) -> Value {
    let start = Instant::now();
    loop {
        if let Some(job) = jobs(dir).into_iter().find(|j| j["pid"] == pid) {
            return job;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "no job of process {pid} appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn keyword_total(dir: &Path, site: &str) -> u64 {
    let page = ok_json(&folio(dir, &["keywords", "list", "--site", site, "--json"]));
    page["total"].as_u64().unwrap()
}

#[test]
fn a_second_import_from_another_process_is_refused_and_a_killed_holder_is_taken_over() {
    let (dir, site, sector) = with_site();
    let pipe = fifo(dir.path());
    let list = dir.path().join("list.txt");
    std::fs::write(&list, "Keyword\nhoe\nrake\nspade\n").unwrap();

    let mut first = spawn_import(dir.path(), &site, &sector, &pipe);
    let pid = first.0.id();
    let job = wait_for_job(dir.path(), pid);
    assert_eq!(job["kind"], "keyword_import");
    assert_eq!(job["scope"]["sector"], sector.as_str());
    assert_eq!(job["this_process"], false, "listed from another process");

    let refused = folio(
        dir.path(),
        &[
            "keywords",
            "import",
            "--site",
            &site,
            "--sector",
            &sector,
            list.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains(&format!(
            "error [busy]: Importing keywords is already running for sector {sector} in another Folio process (pid {pid})"
        )),
        "{stderr}"
    );
    assert_eq!(keyword_total(dir.path(), &site), 0);

    // The first process dies without cleaning up; its lock goes with it.
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    let report = ok_json(&folio(
        dir.path(),
        &[
            "keywords",
            "import",
            "--site",
            &site,
            "--sector",
            &sector,
            list.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(report["imported"], 3);
    assert!(jobs(dir.path()).is_empty());
}

#[test]
fn ctrl_c_cancels_an_import_and_nothing_is_written() {
    let (dir, site, sector) = with_site();
    let pipe = fifo(dir.path());
    let mut import = spawn_import(dir.path(), &site, &sector, &pipe);
    let pid = import.0.id();
    wait_for_job(dir.path(), pid);

    // Its stderr, line by line, so the test can wait for the cancel to be taken.
    let (lines_tx, lines) = mpsc::channel::<String>();
    let stderr = import.0.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let sent = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let mut seen = Vec::new();
    loop {
        let line = lines
            .recv_timeout(DEADLINE)
            .unwrap_or_else(|_| panic!("no cancel acknowledged; stderr so far: {seen:?}"));
        if line.starts_with("cancelling (1 job(s))") {
            break;
        }
        seen.push(line);
    }

    // Only now does the file arrive: the import reads it, sees the cancel and writes nothing.
    let mut keywords = String::from("Keyword\n");
    for i in 0..3000 {
        keywords.push_str(&format!("keyword {i}\n"));
    }
    let mut writer = std::fs::OpenOptions::new().write(true).open(&pipe).unwrap();
    writer.write_all(keywords.as_bytes()).unwrap();
    drop(writer);

    let status = import.0.wait().unwrap();
    assert_eq!(status.code(), Some(130), "Ctrl-C exits 130");
    let rest: Vec<String> = lines.iter().collect();
    assert!(
        rest.iter()
            .any(|l| l.contains("cancelled; nothing was changed")),
        "{rest:?}"
    );
    assert_eq!(keyword_total(dir.path(), &site), 0);
    assert!(jobs(dir.path()).is_empty());
}

#[test]
fn no_jobs_list_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(jobs(dir.path()), Vec::<Value>::new());
    let out = folio(dir.path(), &["jobs", "list"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "No jobs are running."
    );
}
