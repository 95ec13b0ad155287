//! The desktop benchmark (DESIGN §7, issue 17's P7): prints figures, asserts nothing. Run by
//! `scripts/bench-desktop.sh`, which builds the release app and the release UI first, prints
//! the bundle's gzipped size, and runs this under `scripts/headless.sh` with `APP_BINARY`.
//!
//! - start: the app spawned on a data directory with one site and an article, until the start
//!   page tells the shell it is drawn with its data (`app_ready` writes `FOLIO_READY_FILE`):
//!   measured from here (spawn → file) and by the app (its `main` → ready);
//! - idle memory: PSS of the app and every process under it (WebKit's web and network
//!   processes) a few seconds after the start, from `/proc/<pid>/smaps_rollup`;
//! - the article page opening a 3,000-word article: in the page, from the navigation to the
//!   editor showing it (`window.folioTimings.articleOpenMs`), through WebDriver.

use anyhow::{bail, Context, Result};
use folio_core::Folio;
use folio_e2e::{app_binary, wait_for_text, Driver};
use folio_model::{ContentId, NewContent, NewSite};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn runs() -> usize {
    std::env::var("FOLIO_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5)
}

/// A 3,000-word article: ten H2 sections of three 100-word paragraphs.
fn long_article() -> String {
    let words: Vec<&str> = "the soil in a raised bed warms early so seeds sprout sooner and roots find air water and food without fighting compacted clay"
        .split(' ')
        .collect();
    let paragraph = |n: usize| -> String {
        (0..100)
            .map(|i| words[(i + n) % words.len()])
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut html = String::new();
    for s in 0..10 {
        html.push_str(&format!("<h2>Section {s}</h2>"));
        for p in 0..3 {
            html.push_str(&format!("<p>{}.</p>", paragraph(s * 3 + p)));
        }
    }
    html
}

async fn seed(dir: &Path) -> Result<ContentId> {
    let folio = Folio::open(dir).await?;
    let site = folio
        .create_site(&NewSite {
            name: "Bench Garden".into(),
            domain: "bench.example".into(),
            sectors: vec!["Beds".into()],
        })
        .await?;
    let article = folio
        .add_content(NewContent {
            site: site.id,
            sector: None,
            title: "Raised beds, the long guide".into(),
            body_html: Some(long_article()),
        })
        .await?;
    println!(
        "seeded: one site, an article of {} words",
        article.word_count
    );
    folio.close().await;
    Ok(article.id)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The process and all its descendants, from `/proc/*/stat`.
fn tree(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // "pid (comm) state ppid …": the name may hold spaces, so read after the last ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok());
            if let Some(ppid) = ppid {
                parents.push((pid, ppid));
            }
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out
}

fn pss_kb(pid: u32) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    rollup
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Where a process's PSS goes: kB per mapping (a file, `[heap]`, or `[anon]` for nameless
/// memory — JavaScriptCore's heap, the wasm memory, graphics buffers), largest first.
fn pss_by_mapping(pid: u32) -> Vec<(String, u64)> {
    let Ok(smaps) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) else {
        return Vec::new();
    };
    let mut by: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut current = String::from("[anon]");
    for line in smaps.lines() {
        // a mapping's header: "start-end perms offset dev inode [path]"
        let mut parts = line.split_whitespace();
        if parts
            .next()
            .is_some_and(|f| f.contains('-') && !f.ends_with(':'))
        {
            let path = line.split_whitespace().nth(5).unwrap_or("[anon]");
            current = match path.rsplit_once('/') {
                Some((_, file)) => file.to_owned(),
                None => path.to_owned(),
            };
        } else if let Some(kb) = line.strip_prefix("Pss:") {
            let kb: u64 = kb.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
            *by.entry(current.clone()).or_default() += kb;
        }
    }
    let mut out: Vec<_> = by.into_iter().collect();
    out.sort_by_key(|(_, kb)| std::cmp::Reverse(*kb));
    out
}

fn name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "?".into())
}

fn kill_tree(pids: &[u32]) {
    for pid in pids.iter().rev() {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
}

/// Each process of the app's tree and its PSS in kB.
type Memory = Vec<(String, u64)>;

/// One start: spawn → the ready file. Returns (outside ms, the app's ms, the process tree's
/// PSS after `idle`, when asked).
fn start_once(dir: &Path, n: usize, idle: Option<Duration>) -> Result<(f64, u64, Option<Memory>)> {
    let ready = dir.join(format!("ready-{n}.json"));
    let started = Instant::now();
    let mut child = Command::new(app_binary()?)
        .env("FOLIO_DATA_DIR", dir)
        .env("FOLIO_READY_FILE", &ready)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting the app")?;
    let deadline = started + Duration::from_secs(60);
    while !ready.exists() {
        if let Some(status) = child.try_wait()? {
            bail!("the app exited before it was ready: {status}");
        }
        if Instant::now() > deadline {
            kill_tree(&tree(child.id()));
            bail!("the app was not ready within a minute");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let outside = started.elapsed().as_secs_f64() * 1000.0;
    let inside: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&ready)?)?;
    let inside = inside["ready_ms"].as_u64().unwrap_or_default();
    let memory = match idle {
        Some(idle) => {
            std::thread::sleep(idle);
            Some(
                tree(child.id())
                    .into_iter()
                    .filter_map(|p| {
                        let top: Vec<String> = pss_by_mapping(p)
                            .into_iter()
                            .take(5)
                            .map(|(m, kb)| format!("{m} {:.1}", kb as f64 / 1024.0))
                            .collect();
                        Some((
                            format!("{} ({p}) — largest: {}", name(p), top.join(", ")),
                            pss_kb(p)?,
                        ))
                    })
                    .collect(),
            )
        }
        None => None,
    };
    kill_tree(&tree(child.id()));
    let _ = child.wait();
    Ok((outside, inside, memory))
}

/// The floor (`scripts/bench-desktop.sh floor`): the app around a blank page, which has no
/// first-run path, pages or articles — only the start and the memory are measured.
fn floor() -> bool {
    std::env::var_os("FOLIO_BENCH_FLOOR").is_some_and(|v| v == "1")
}

async fn article_open(dir: &Path, article: ContentId) -> Result<Vec<f64>> {
    let driver = Driver::start(dir).await?;
    if floor() {
        let app = driver.launch_window().await?;
        start_split(&app).await?;
        app.close().await?;
        return Ok(Vec::new());
    }
    let app = driver.launch_app().await?;
    wait_for_text(&app, "#page-title", "the start page", |t| !t.is_empty()).await?;
    start_split(&app).await?;
    let mut out = Vec::new();
    for _ in 0..runs() {
        app.execute(
            "location.hash = '#sites'; window.folioTimings = null;",
            vec![],
        )
        .await?;
        wait_for_text(&app, "#page-title", "Sites", |t| t == "Sites").await?;
        app.execute(
            "location.hash = arguments[0]",
            vec![serde_json::json!(format!("#content/{article}"))],
        )
        .await?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ms = app
                .execute(
                    "return window.folioTimings && window.folioTimings.articleOpenMs",
                    vec![],
                )
                .await?;
            if let Some(ms) = ms.as_f64() {
                out.push(ms);
                break;
            }
            if Instant::now() > deadline {
                bail!("the article page never reported its opening time");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    app.close().await?;
    Ok(out)
}

/// Where one start's time goes (this window's, started by WebDriver): the shell's part (its
/// `main` until the web view begins the page) from the two clocks `app_ready` saw, and the page's
/// milestones since then (Navigation Timing, `boot.js`'s marks; WebKit keeps no Resource Timing
/// for the app's own scheme, so the wasm's download is inside "compiled and started").
async fn start_split(app: &fantoccini::Client) -> Result<()> {
    const SCRIPT: &str = r"
        const t = window.folioTimings && window.folioTimings.start;
        if (!t) return null;
        const mark = (n) => { const e = performance.getEntriesByName(n)[0]; return e ? e.startTime : null; };
        const nav = performance.getEntriesByType('navigation')[0];
        return [
          ['the shell: main until the page begins', t.appReadyMs - t.readyAt],
          ['index.html loaded', nav ? nav.responseEnd : null],
          ['boot.js runs', mark('folio:boot')],
          ['the wasm compiled and started', mark('folio:wasm-started')],
          ['the Dashboard drawn with its data', t.readyAt],
        ];";
    let deadline = Instant::now() + Duration::from_secs(30);
    let split = loop {
        let split = app.execute(SCRIPT, vec![]).await?;
        if !split.is_null() {
            break split;
        }
        if Instant::now() > deadline {
            bail!("the start page never recorded its start");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    println!("where one start goes (ms; the page's figures count from when it began):");
    for step in split.as_array().into_iter().flatten() {
        let name = step[0].as_str().unwrap_or_default();
        match step[1].as_f64() {
            Some(ms) => println!("  {name:<40} {ms:>6.0}"),
            None => println!("  {name:<40}      -"),
        }
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let article = seed(dir.path()).await?;
    println!("app: {}", app_binary()?.display());

    // The first start also creates WebKit's caches; it is reported apart.
    let (first, first_in, _) = start_once(dir.path(), 0, None)?;
    println!("start (first, cold caches): {first:.0} ms from outside, {first_in} ms in the app");
    let (mut outside, mut inside) = (Vec::new(), Vec::new());
    let mut memory = None;
    let n = runs();
    for i in 1..=n {
        let idle = (i == n).then_some(Duration::from_secs(5));
        let (o, a, m) = start_once(dir.path(), i, idle)?;
        outside.push(o);
        inside.push(a as f64);
        if m.is_some() {
            memory = m;
        }
    }
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!(
        "start to the start page drawn and interactive ({n} runs): median {:.0} ms, max {:.0} ms from outside; median {:.0} ms in the app",
        median(&mut outside.clone()),
        max(&outside),
        median(&mut inside.clone())
    );
    if let Some(memory) = memory {
        let total: u64 = memory.iter().map(|(_, kb)| kb).sum();
        println!(
            "idle memory (PSS, 5 s after the start): {:.0} MB in all",
            total as f64 / 1024.0
        );
        for (name, kb) in memory {
            println!("  {name}: {:.1} MB", kb as f64 / 1024.0);
        }
    }
    let mut open = article_open(dir.path(), article).await?;
    if floor() {
        return Ok(());
    }
    println!(
        "opening the 3,000-word article ({} runs): median {:.0} ms, max {:.0} ms",
        open.len(),
        median(&mut open),
        max(&open)
    );
    Ok(())
}
