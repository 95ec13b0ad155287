//! The job registry: progress, cancelling, exclusive kinds within a process and across
//! processes, and a crashed holder's lock taken over.
//!
//! "Another process" is this test binary started again with [`HOLDER_ENV`] set: it runs only
//! `holder_process`, which takes a job on the same data directory, says so on stdout and waits
//! to be killed — so the tests wait for the state they assert (the line), never for time.

// Test helpers panic on purpose: a panic is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use folio_core::{CoreError, Folio, ImportOptions};
use folio_model::{
    ContentId, JobKind, JobPhase, JobProgress, JobScope, NewContent, NewSite, PostStatus,
    PublishRequest, SectorId, SiteId,
};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use tokio::sync::broadcast::error::TryRecvError;

const HOLDER_ENV: &str = "FOLIO_TEST_JOB_HOLDER";

/// Not a test of its own: with [`HOLDER_ENV`] = `<data dir>|<content id>` this process publishes
/// nothing but holds that article's `publish` job until it is killed.
#[tokio::test]
async fn holder_process() {
    let Ok(spec) = std::env::var(HOLDER_ENV) else {
        return;
    };
    let (dir, content) = spec.split_once('|').unwrap();
    let folio = Folio::open(Path::new(dir)).await.unwrap();
    let content = ContentId(content.parse().unwrap());
    let job = folio
        .jobs()
        .start(JobKind::Publish, JobScope::Content { content })
        .await
        .unwrap();
    let mut out = std::io::stdout();
    writeln!(out, "holding {}", job.id()).unwrap();
    out.flush().unwrap();
    // Killed (SIGKILL) long before this ends; the bound only matters if the parent died first.
    tokio::time::sleep(std::time::Duration::from_secs(120)).await;
    drop(job);
}

/// Start the holder and wait until it holds the job; its process and the job's id.
fn spawn_holder(dir: &Path, content: ContentId) -> (Child, String) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "holder_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(HOLDER_ENV, format!("{}|{content}", dir.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        // libtest prints "test holder_process ... " before the test's own output.
        if let Some((_, id)) = line.split_once("holding ") {
            return (child, id.trim().to_owned());
        }
    }
    let status = child.wait().unwrap();
    panic!("the holder process ended ({status}) without taking the job");
}

async fn store() -> (tempfile::TempDir, Folio, SiteId, [SectorId; 2]) {
    let dir = tempfile::tempdir().unwrap();
    let folio = Folio::open(dir.path()).await.unwrap();
    let site = folio
        .create_site(&NewSite {
            name: "Garden".into(),
            domain: "garden.example".into(),
            sectors: vec!["Tools".into(), "Seeds".into()],
        })
        .await
        .unwrap();
    let sectors = [site.sectors[0].id, site.sectors[1].id];
    (dir, folio, site.id, sectors)
}

fn lock_files(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir.join("jobs")) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn drain(rx: &mut tokio::sync::broadcast::Receiver<JobProgress>) -> Vec<JobProgress> {
    let mut seen = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(p) => seen.push(p),
            Err(TryRecvError::Empty | TryRecvError::Closed) => return seen,
            Err(TryRecvError::Lagged(n)) => panic!("lagged by {n}"),
        }
    }
}

#[tokio::test]
async fn a_second_publish_from_another_process_is_refused_and_a_killed_holder_is_taken_over() {
    let (dir, folio, site, _) = store().await;
    let article = folio
        .add_content(NewContent {
            site,
            sector: None,
            title: "Best garden hoes".into(),
            body_html: Some("<p>Hoes.</p>".into()),
        })
        .await
        .unwrap();
    let (mut holder, holder_job) = spawn_holder(dir.path(), article.id);
    let pid = holder.id();

    // Refused before anything is sent anywhere, naming the other process.
    let err = folio
        .wp_publish(PublishRequest {
            content: article.id,
            status: PostStatus::Publish,
            at: None,
            force: false,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Busy { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("Publishing an article is already running")
            && message.contains(&format!("pid {pid}")),
        "{message}"
    );
    assert_eq!(err.to_dto().code.as_deref(), Some("busy"));

    // Listed here, but only its own process can cancel it.
    let jobs = folio.jobs().list().await.unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0].id.to_string(), holder_job);
    assert_eq!((jobs[0].pid, jobs[0].this_process), (pid, false));
    let err = folio.jobs().cancel(jobs[0].id).await.unwrap_err();
    assert!(err.to_string().contains("cancel it there"), "{err}");

    // The holder crashes: its lock goes with it, and the next publish job takes over.
    holder.kill().unwrap();
    holder.wait().unwrap();
    let job = folio
        .jobs()
        .start(
            JobKind::Publish,
            JobScope::Content {
                content: article.id,
            },
        )
        .await
        .expect("a killed holder's lock is taken over");
    let jobs = folio.jobs().list().await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert!(jobs[0].this_process && jobs[0].id == job.id());
    drop(job);
    assert!(folio.jobs().list().await.unwrap().is_empty());
    assert!(
        lock_files(dir.path()).is_empty(),
        "{:?}",
        lock_files(dir.path())
    );
}

#[tokio::test]
async fn a_cancelled_import_writes_nothing_and_ends_as_cancelled() {
    let (dir, folio, site, [tools, _]) = store().await;
    let mut file = String::from("Keyword\n");
    for i in 0..5000 {
        file.push_str(&format!("keyword number {i}\n"));
    }
    let mut rx = folio.jobs().subscribe();
    let _observer = {
        let jobs = folio.jobs().clone();
        folio.jobs().observe(move |p| {
            if p.phase == JobPhase::Writing && p.done > 0 {
                jobs.cancel_matching(p.kind, &p.scope);
            }
        })
    };
    let err = folio
        .import_keywords(
            site,
            Some(tools),
            file.into_bytes(),
            &ImportOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Cancelled), "{err:?}");

    let steps = drain(&mut rx);
    let phases: Vec<JobPhase> = steps.iter().map(|p| p.phase).collect();
    assert_eq!(
        phases,
        [
            JobPhase::Started,
            JobPhase::Parsing,
            JobPhase::Writing,
            JobPhase::Writing,
            JobPhase::Cancelled
        ],
        "cancelled after the first batch of 1,000"
    );
    let last = steps.last().unwrap();
    assert_eq!((last.done, last.total), (1000, Some(5000)));
    assert_eq!(
        last.scope,
        JobScope::Sector {
            site,
            sector: tools
        }
    );
    let page = folio
        .list_keywords(&folio_model::KeywordQuery {
            filter: folio_model::KeywordFilter::site(site),
            sort: Default::default(),
            limit: 10,
            offset: 0,
        })
        .await
        .unwrap();
    assert_eq!(page.total, 0, "nothing was written");
    assert!(folio.jobs().list().await.unwrap().is_empty());
    assert!(lock_files(dir.path()).is_empty());
}

#[tokio::test]
async fn one_import_per_sector_and_finished_jobs_release_their_lock() {
    let (_dir, folio, site, [tools, seeds]) = store().await;
    let holding = folio
        .jobs()
        .start(
            JobKind::KeywordImport,
            JobScope::Sector {
                site,
                sector: tools,
            },
        )
        .await
        .unwrap();
    let file = || b"Keyword\nhoe\nrake\n".to_vec();
    let err = folio
        .import_keywords(site, Some(tools), file(), &ImportOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Busy { .. }), "{err:?}");
    assert!(err.to_string().contains("in this window"), "{err}");
    // Another sector of the same site is another scope.
    let report = folio
        .import_keywords(site, Some(seeds), file(), &ImportOptions::default())
        .await
        .unwrap();
    assert_eq!(report.imported, 2);

    // Dropped without finishing (an early return, a panic): it still ends, as failed.
    let mut rx = folio.jobs().subscribe();
    drop(holding);
    let ended = drain(&mut rx);
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].phase, JobPhase::Failed);
    assert_eq!(
        ended[0].message.as_deref(),
        Some("stopped before it finished")
    );
    let report = folio
        .import_keywords(site, Some(tools), file(), &ImportOptions::default())
        .await
        .unwrap();
    assert_eq!(report.imported, 2, "the sector is free again");
}

#[tokio::test]
async fn provider_tests_may_run_side_by_side_and_a_newer_one_replaces_an_older() {
    let (_dir, folio, _, _) = store().await;
    let scope = JobScope::Provider {
        provider: "openai".into(),
    };
    let a = folio
        .jobs()
        .start(JobKind::ProviderTest, scope.clone())
        .await
        .unwrap();
    let b = folio
        .jobs()
        .start(JobKind::ProviderTest, scope.clone())
        .await
        .unwrap();
    assert_eq!(folio.jobs().list().await.unwrap().len(), 2);
    assert!(folio.cancel_provider_test("openai"));
    assert!(a.is_cancelled() && b.is_cancelled());
    assert_eq!(
        a.finish::<()>(Err(CoreError::Cancelled))
            .unwrap_err()
            .to_string(),
        "cancelled; nothing was changed"
    );
    drop(b);
    assert!(
        !folio.cancel_provider_test("openai"),
        "nothing left to cancel"
    );
    assert!(!folio
        .jobs()
        .cancel(folio_model::JobId(uuid::Uuid::nil()))
        .await
        .unwrap());
}
