//! Automation runs in core against the HTTP fakes of the pipeline tests: the seven stages end to
//! end, pause and resume (from another handle on the data directory, as another process would),
//! cancel, a second run refused, the balance running out, three provider failures, the maximum
//! runtime, and the schedule. Runs under `scripts/headless.sh` (keys in the OS keychain).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake_model.rs"]
mod fake_model;
#[path = "support/pipeline_world.rs"]
mod pipeline_world;
#[path = "support/sync_server.rs"]
mod sync_server;
#[path = "support/wordpress_site.rs"]
mod wordpress_site;

use chrono::{Duration, Utc};
use fake_model::{Fault, Kind};
use folio_core::Folio;
use folio_model::{
    AutomationConfigUpdate, AutomationRun, AutomationRunStatus, AutomationStage, ContentStatus,
    ErrorKind, ItemOutcome, RunTrigger, SiteId, TaskStatus,
};
use pipeline_world::{ledger_calls, world, World};
use std::time::Duration as StdDuration;

/// Small limits, no delay: clustering every keyword, ideas for two clusters, two articles.
fn small() -> AutomationConfigUpdate {
    AutomationConfigUpdate {
        clustering_limit: Some(12),
        ideas_limit: Some(2),
        content_limit: Some(2),
        image_limit: Some(4),
        delay_between_operations_secs: Some(0),
        auto_approve: Some(true),
        stop_on_error: Some(false),
        ..Default::default()
    }
}

async fn configured(update: AutomationConfigUpdate) -> World {
    let w = world().await;
    w.folio
        .update_automation_config(w.site.id, update)
        .await
        .unwrap();
    w
}

/// Wait until the site's run satisfies `ok` (the run goes on in another task meanwhile).
async fn until(folio: &Folio, site: SiteId, ok: impl Fn(&AutomationRun) -> bool) -> AutomationRun {
    let deadline = std::time::Instant::now() + StdDuration::from_secs(60);
    loop {
        if let Some(run) = folio.automation_status(site).await.unwrap().run {
            if ok(&run) {
                return run;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the run never got there"
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
}

/// Run the site's automation to its end (completed, paused, failed or cancelled).
async fn run_now(folio: &Folio, site: SiteId) -> AutomationRun {
    folio
        .automation_run(site, RunTrigger::Manual)
        .await
        .unwrap()
}

/// Start the site's run in the background; its outcome comes back through the handle.
fn start(folio: &Folio, site: SiteId) -> tokio::task::JoinHandle<AutomationRun> {
    let folio = folio.clone();
    tokio::task::spawn_blocking(move || {
        tokio::runtime::Handle::current()
            .block_on(folio.automation_run(site, RunTrigger::Manual))
            .unwrap()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_run_takes_new_keywords_to_approved_articles_and_logs_every_item() {
    let w = configured(small()).await;
    let (folio, site) = (&w.folio, w.site.id);
    let estimate = folio.automation_estimate(site).await.unwrap();
    assert!(estimate.credits > 0, "{estimate:?}");
    assert_eq!(
        estimate.required,
        estimate.credits + estimate.credits.div_ceil(5)
    );
    assert_eq!(estimate.stages.len(), 7);

    let run = run_now(folio, site).await;
    assert_eq!(run.status, AutomationRunStatus::Completed, "{run:?}");
    assert_eq!(run.stage, Some(AutomationStage::Schedule));
    assert_eq!(run.credits_estimated, estimate.credits);

    let log = folio.automation_log(run.id).await.unwrap();
    let of = |stage| {
        log.iter()
            .filter(|i| i.stage == stage)
            .map(|i| i.outcome)
            .collect::<Vec<_>>()
    };
    assert_eq!(of(AutomationStage::Clustering), vec![ItemOutcome::Done]);
    assert_eq!(
        of(AutomationStage::Ideas),
        vec![ItemOutcome::Done; 2],
        "{log:#?}"
    );
    assert_eq!(of(AutomationStage::Queue), vec![ItemOutcome::Done; 2]);
    assert_eq!(of(AutomationStage::Writing), vec![ItemOutcome::Done; 2]);
    assert_eq!(of(AutomationStage::Approval), vec![ItemOutcome::Done; 2]);
    assert!(!of(AutomationStage::Images).is_empty());
    assert!(of(AutomationStage::Images)
        .iter()
        .all(|o| *o == ItemOutcome::Done));
    // every credit the ledger charged is in the run's count and its items'
    let spent: u64 = log.iter().map(|i| i.credits).sum();
    assert_eq!(run.credits_spent, spent);
    let ledger = folio
        .usage_report(
            &folio_model::UsageFilter::default(),
            folio_model::UsageGroup::Operation,
        )
        .await
        .unwrap()
        .totals
        .credits;
    assert_eq!(spent, ledger);
    assert_eq!(run.items_processed, log.len() as u64);
    // what the live view shows adds up: one clustering batch, 2 + 2 + 2 items, images, 2
    assert_eq!(run.items_total, run.items_processed, "{run:?} {log:#?}");

    // the fake's articles pass the quality gate: both approved
    let articles = folio.list_content(site).await.unwrap();
    assert_eq!(articles.len(), 2);
    for a in &articles {
        assert_eq!(a.status, ContentStatus::Approved, "{a:?} {log:#?}");
    }
    let tasks = folio.list_tasks(site, None, None).await.unwrap();
    assert_eq!(
        tasks
            .iter()
            .filter(|t| t.status == TaskStatus::Completed)
            .count(),
        2
    );

    // a second run starts afresh and pays for the next two clusters' ideas only
    let calls = ledger_calls(folio).await;
    let second = run_now(folio, site).await;
    assert_ne!(second.id, run.id);
    assert_eq!(second.status, AutomationRunStatus::Completed);
    assert!(ledger_calls(folio).await > calls);
    let runs = folio.automation_runs(site).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![second.id, run.id]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_auto_approve_articles_wait_for_review_with_the_reason() {
    let w = configured(AutomationConfigUpdate {
        auto_approve: Some(false),
        image_limit: Some(0),
        ..small()
    })
    .await;
    let run = run_now(&w.folio, w.site.id).await;
    assert_eq!(run.status, AutomationRunStatus::Completed);
    let queue = w.folio.review_queue(w.site.id).await.unwrap();
    assert_eq!(queue.len(), 2);
    let log = w.folio.automation_log(run.id).await.unwrap();
    let approval: Vec<_> = log
        .iter()
        .filter(|i| i.stage == AutomationStage::Approval)
        .collect();
    assert_eq!(approval.len(), 2);
    assert!(approval
        .iter()
        .all(|i| i.reason.as_deref().unwrap().contains("waiting")));
    assert!(log.iter().all(|i| i.stage != AutomationStage::Images));
}

/// The same run twice — once straight through, once paused from another handle and resumed —
/// pays for exactly the same calls.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_paused_run_resumes_where_it_stopped_and_pays_for_nothing_twice() {
    let straight = configured(AutomationConfigUpdate {
        image_limit: Some(0),
        ..small()
    })
    .await;
    let done = run_now(&straight.folio, straight.site.id).await;
    assert_eq!(done.status, AutomationRunStatus::Completed);
    let expected = ledger_calls(&straight.folio).await;

    let w = configured(AutomationConfigUpdate {
        image_limit: Some(0),
        ..small()
    })
    .await;
    w.model.set_delay(StdDuration::from_millis(300));
    let site = w.site.id;
    let running = start(&w.folio, site);
    // the first article's first part is paid for: pause from another handle on the directory
    until(&w.folio, site, |r| {
        r.stage == Some(AutomationStage::Writing)
    })
    .await;
    let other = Folio::open(w._dir.path()).await.unwrap();
    let paused = other.automation_pause(site).await.unwrap().unwrap();
    assert_eq!(paused.status, AutomationRunStatus::Paused, "{paused:?}");
    assert!(paused
        .reason
        .as_deref()
        .unwrap()
        .contains("paused by a person"));
    let ended = running.await.unwrap();
    assert_eq!(ended.id, paused.id);
    assert_eq!(ended.status, AutomationRunStatus::Paused);
    assert!(!w.folio.automation_status(site).await.unwrap().active);

    w.model.set_delay(StdDuration::ZERO);
    let resumed = run_now(&w.folio, site).await;
    assert_eq!(
        resumed.id, paused.id,
        "the paused run is resumed, not replaced"
    );
    assert_eq!(resumed.status, AutomationRunStatus::Completed);
    assert_eq!(resumed.items_total, resumed.items_processed, "{resumed:?}");
    assert_eq!(ledger_calls(&w.folio).await, expected);
    assert_eq!(w.folio.list_content(site).await.unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_second_run_of_the_site_is_refused_and_a_cancelled_run_is_never_resumed() {
    let w = configured(small()).await;
    w.model.set_delay(StdDuration::from_millis(300));
    let site = w.site.id;
    let running = start(&w.folio, site);
    let first = until(&w.folio, site, |r| r.status == AutomationRunStatus::Running).await;
    let other = Folio::open(w._dir.path()).await.unwrap();
    let err = other
        .automation_run(site, RunTrigger::Manual)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(other.automation_status(site).await.unwrap().active);

    let cancelled = other.automation_cancel(site).await.unwrap().unwrap();
    assert_eq!(cancelled.status, AutomationRunStatus::Cancelled);
    assert_eq!(
        running.await.unwrap().status,
        AutomationRunStatus::Cancelled
    );
    w.model.set_delay(StdDuration::ZERO);
    let next = run_now(&w.folio, site).await;
    assert_ne!(next.id, first.id);
    assert_eq!(next.status, AutomationRunStatus::Completed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_provider_failures_in_a_row_pause_the_run_with_the_reason() {
    let w = configured(AutomationConfigUpdate {
        ideas_limit: Some(3),
        image_limit: Some(0),
        ..small()
    })
    .await;
    w.model.fail(Kind::Ideas, vec![Fault::QuotaExhausted; 3]);
    let run = run_now(&w.folio, w.site.id).await;
    assert_eq!(run.status, AutomationRunStatus::Paused, "{run:?}");
    assert_eq!(run.stage, Some(AutomationStage::Ideas));
    let reason = run.reason.unwrap();
    assert!(
        reason.contains("3 provider failures in a row (quota_exhausted)"),
        "{reason}"
    );
    assert!(reason.contains("resume"), "{reason}");
    // nothing was written: the run stopped instead of failing every article
    assert!(w.folio.list_content(w.site.id).await.unwrap().is_empty());

    // the provider is back: resuming makes the ideas and the articles
    let resumed = run_now(&w.folio, w.site.id).await;
    assert_eq!(resumed.id, run.id);
    assert_eq!(resumed.status, AutomationRunStatus::Completed);
    assert_eq!(w.folio.list_content(w.site.id).await.unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_run_that_cannot_be_covered_never_starts_and_one_whose_balance_runs_out_pauses() {
    let w = configured(AutomationConfigUpdate {
        image_limit: Some(0),
        ..small()
    })
    .await;
    let (folio, site) = (&w.folio, w.site.id);
    let estimate = folio.automation_estimate(site).await.unwrap();
    folio
        .set_monthly_budget(Some(u32::try_from(estimate.credits).unwrap()))
        .await
        .unwrap();
    let err = folio
        .automation_run(site, RunTrigger::Manual)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsufficientCredits, "{err}");
    assert!(folio.automation_runs(site).await.unwrap().is_empty());

    // covered at the start, then the budget is cut while it writes
    folio
        .set_monthly_budget(Some(u32::try_from(estimate.required).unwrap()))
        .await
        .unwrap();
    w.model.set_delay(StdDuration::from_millis(200));
    let running = start(folio, site);
    let writing = until(folio, site, |r| r.stage == Some(AutomationStage::Writing)).await;
    folio
        .set_monthly_budget(Some(u32::try_from(writing.credits_spent).unwrap()))
        .await
        .unwrap();
    let run = running.await.unwrap();
    assert_eq!(run.status, AutomationRunStatus::Paused, "{run:?}");
    assert!(
        run.reason.as_deref().unwrap().contains("add credits"),
        "{run:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_run_stops_at_its_credit_cap_and_goes_on_when_resumed() {
    let w = configured(AutomationConfigUpdate {
        image_limit: Some(0),
        run_credit_cap: Some(1),
        ..small()
    })
    .await;
    let run = run_now(&w.folio, w.site.id).await;
    assert_eq!(run.status, AutomationRunStatus::Paused, "{run:?}");
    let reason = run.reason.as_deref().unwrap();
    assert!(reason.contains("cap of 1 credits"), "{reason}");
    // the first paid item reached the cap: nothing after it started
    assert_eq!(run.stage, Some(AutomationStage::Clustering));
    assert!(w
        .folio
        .list_ideas(w.site.id, None, None)
        .await
        .unwrap()
        .is_empty());
    // raised, the run goes on from there
    w.folio
        .update_automation_config(
            w.site.id,
            AutomationConfigUpdate {
                run_credit_cap: Some(0),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let resumed = run_now(&w.folio, w.site.id).await;
    assert_eq!(resumed.id, run.id);
    assert_eq!(resumed.status, AutomationRunStatus::Completed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_run_past_its_maximum_runtime_stops_cleanly_and_resumes() {
    let w = configured(AutomationConfigUpdate {
        image_limit: Some(0),
        ..small()
    })
    .await;
    // the config refuses less than a minute; a value synced from elsewhere is what a run reads
    sqlx_set_max_runtime(&w, 1).await;
    w.model.set_delay(StdDuration::from_millis(400));
    let run = run_now(&w.folio, w.site.id).await;
    assert_eq!(run.status, AutomationRunStatus::Paused, "{run:?}");
    assert!(run.reason.as_deref().unwrap().contains("maximum runtime"));
    w.model.set_delay(StdDuration::ZERO);
    sqlx_set_max_runtime(&w, 3600).await;
    let resumed = run_now(&w.folio, w.site.id).await;
    assert_eq!(resumed.status, AutomationRunStatus::Completed);
}

async fn sqlx_set_max_runtime(w: &World, secs: i64) {
    wordpress_site::write_as_synced(
        w._dir.path(),
        "UPDATE automation_configs SET max_runtime = ? WHERE site_id = ?",
        &[&secs.to_string(), &w.site.id.to_string()],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_missed_schedule_slot_runs_once_at_the_next_start() {
    let w = configured(AutomationConfigUpdate {
        image_limit: Some(0),
        schedule_days: Some(
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .map(String::from)
                .to_vec(),
        ),
        schedule_time: Some("03:00".into()),
        ..small()
    })
    .await;
    let (folio, site) = (&w.folio, w.site.id);
    let status = folio.automation_status(site).await.unwrap();
    assert!(status.next_scheduled.unwrap() > Utc::now());
    // three days later: three slots were missed; one run
    let later = Utc::now() + Duration::days(3);
    let due = folio.automation_due(later).await.unwrap();
    assert_eq!(due.len(), 1);
    let ran = folio.run_due_automations(later).await.unwrap();
    assert_eq!(ran.len(), 1);
    let run = ran.into_iter().next().unwrap().1.unwrap();
    assert_eq!(run.started_by, RunTrigger::Schedule);
    assert_eq!(run.status, AutomationRunStatus::Completed);
    assert!(folio.automation_due(later).await.unwrap().is_empty());
    // the next day's slot runs again
    let next_day = later + Duration::days(1);
    assert_eq!(folio.automation_due(next_day).await.unwrap().len(), 1);
    // an inactive site's schedule never runs
    folio
        .update_automation_config(
            site,
            AutomationConfigUpdate {
                is_active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(folio
        .automation_due(next_day + Duration::days(1))
        .await
        .unwrap()
        .is_empty());
}
