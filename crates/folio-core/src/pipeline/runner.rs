//! What every stage run shares: its job, a bound on provider calls in flight, the spend meter,
//! failure records and the report.
//!
//! Items run concurrently (at most `ai.concurrency` provider calls in flight across the whole
//! run, sections of one article included). A failed item is recorded — its reason and the
//! model's last raw answer in the device-local `stage_failures` table — and the run goes on,
//! unless the caller asked to stop at the first error. Cancel trips the job's token: calls in
//! flight end as cancelled, no new item starts, and finished items stay saved.

use crate::ai::calls::{AiCall, RunCache, SpendMeter};
use crate::jobs::Job;
use crate::store::db::{now, ts};
use crate::{CoreError, Folio};
use folio_ai::{cap_text, CancellationToken, MAX_RAW_ANSWER_BYTES};
use folio_model::{AiOperation, ItemFailure, JobPhase, SiteId, Stage, StageFailure, StageReport};
use futures_util::future::BoxFuture;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

tokio::task_local! {
    /// The credits of the item whose work is running on this task (see [`StageRun::item`]):
    /// every paid call adds its ledger entry's charge here too.
    pub(crate) static ITEM_METER: Arc<SpendMeter>;
}

/// How an item of a stage run ended, as told to a [`StageHooks::sink`].
pub(crate) struct ItemEnd<'a> {
    pub item: &'a str,
    pub label: &'a str,
    /// `None`: done.
    pub failure: Option<&'a CoreError>,
    pub credits: u64,
}

/// Told of each item of a stage run as it ends, before another item takes its place.
pub(crate) trait ItemSink: Send + Sync {
    fn item_ended<'a>(&'a self, end: ItemEnd<'a>) -> BoxFuture<'a, ()>;
}

/// What a caller running a stage inside longer work (an automation run) adds to it.
pub(crate) struct StageHooks {
    pub sink: Arc<dyn ItemSink>,
    /// Stops the stage run too: no new item starts, calls in flight end as cancelled.
    pub stop: CancellationToken,
    /// Waited after each item (the automation's delay between operations).
    pub delay: Duration,
}

/// One run of a stage.
pub(crate) struct StageRun {
    pub folio: Folio,
    pub stage: Stage,
    pub site: SiteId,
    pub model: String,
    job: Job,
    meter: Arc<SpendMeter>,
    cache: Arc<RunCache>,
    calls: Semaphore,
    /// The job's token, or a child tripped by the first failure when the caller asked to stop.
    stop: CancellationToken,
    stop_on_error: bool,
    report: Mutex<StageReport>,
    total: u64,
    width: usize,
    hooks: Option<StageHooks>,
    /// Trips `stop` when the hooks' token trips; ended with the run.
    link: Option<tokio::task::JoinHandle<()>>,
}

impl StageRun {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        folio: &Folio,
        job: Job,
        stage: Stage,
        site: SiteId,
        model: String,
        concurrency: usize,
        stop_on_error: bool,
        total: u64,
        hooks: Option<StageHooks>,
    ) -> Self {
        let stop = job.token().child_token();
        let link = hooks.as_ref().map(|h| {
            let (outer, stop) = (h.stop.clone(), stop.clone());
            tokio::spawn(async move {
                tokio::select! {
                    () = outer.cancelled() => stop.cancel(),
                    () = stop.cancelled() => {}
                }
            })
        });
        Self {
            folio: folio.clone(),
            stage,
            site,
            model,
            job,
            meter: Arc::new(SpendMeter::default()),
            cache: Arc::new(RunCache::default()),
            calls: Semaphore::new(concurrency.max(1)),
            stop,
            stop_on_error,
            report: Mutex::new(StageReport::default()),
            total,
            width: concurrency.max(1),
            hooks,
            link,
        }
    }

    /// A call of this run with its model: charged to the site, counted by the run's meter,
    /// through the run's provider clients.
    pub(crate) fn call_with(&self, operation: AiOperation, model: &str) -> AiCall {
        AiCall::new(operation)
            .site(self.site)
            .model(model)
            .meter(self.meter.clone())
            .cache(self.cache.clone())
    }

    /// A call of this run with the stage's model.
    pub(crate) fn call(&self, operation: AiOperation) -> AiCall {
        self.call_with(operation, &self.model)
    }

    /// Items kept going at once (each still waits for a call slot).
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// The token provider calls of this run take.
    pub(crate) fn token(&self) -> &CancellationToken {
        &self.stop
    }

    /// Whether the run should start no more work (cancelled, or stopped at a failure).
    pub(crate) fn stopped(&self) -> bool {
        self.stop.is_cancelled()
    }

    pub(crate) fn check(&self) -> Result<(), CoreError> {
        if self.stopped() {
            Err(CoreError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// A stage's items, given out while the run goes on: once it is cancelled (or stopped at a
    /// failure) no further item starts, not even its free local steps.
    pub(crate) fn items<'a, T: 'a>(
        &'a self,
        items: Vec<T>,
    ) -> impl futures_util::Stream<Item = T> + 'a {
        use futures_util::StreamExt;
        futures_util::stream::iter(items).take_while(|_| std::future::ready(!self.stopped()))
    }

    /// Wait for a free provider-call slot. The permit is held for the call only.
    pub(crate) async fn slot(&self) -> Result<SemaphorePermit<'_>, CoreError> {
        tokio::select! {
            permit = self.calls.acquire() => permit
                .map_err(|_| CoreError::Internal("the call limit was closed".into())),
            () = self.stop.cancelled() => Err(CoreError::Cancelled),
        }
    }

    /// Say what the run is doing, with the count so far.
    pub(crate) fn say(&self, message: impl Into<String>) {
        let done = self.finished_items();
        self.job
            .say(JobPhase::Calling, done, Some(self.total), message);
    }

    fn finished_items(&self) -> u64 {
        self.report
            .lock()
            .map(|r| r.done + r.skipped + r.failed.len() as u64)
            .unwrap_or(0)
    }

    fn update(&self, f: impl FnOnce(&mut StageReport)) {
        if let Ok(mut r) = self.report.lock() {
            f(&mut r);
        }
        let done = self.finished_items();
        self.job.step(JobPhase::Writing, done, Some(self.total));
    }

    /// An item finished in this run; `created` are the ids of what it made.
    pub(crate) async fn done(&self, item: &str, created: impl IntoIterator<Item = String>) {
        if let Err(e) = clear_failure(&self.folio, self.stage, item).await {
            tracing::warn!(error = %e, "could not clear an item's old failure");
        }
        self.update(|r| {
            r.done += 1;
            r.created.extend(created);
        });
    }

    /// Items finished by an earlier run.
    pub(crate) fn skipped(&self, n: u64) {
        if n > 0 {
            self.update(|r| r.skipped += n);
        }
    }

    /// Do an item's work and record its outcome: done, or failed with its reason (a cancel is
    /// neither). The credits its calls were charged are counted for the item alone, however
    /// many items run at once.
    pub(crate) async fn item(
        &self,
        item: &str,
        label: &str,
        work: impl Future<Output = Result<Vec<String>, CoreError>>,
    ) {
        let meter = Arc::new(SpendMeter::default());
        let outcome = ITEM_METER.scope(meter.clone(), work).await;
        let credits = meter.total().0;
        let failure = match outcome {
            Ok(created) => {
                self.done(item, created).await;
                None
            }
            Err(CoreError::Cancelled) => return,
            Err(e) => {
                self.failed(item, label, &e).await;
                Some(e)
            }
        };
        let Some(hooks) = &self.hooks else { return };
        hooks
            .sink
            .item_ended(ItemEnd {
                item,
                label,
                failure: failure.as_ref(),
                credits,
            })
            .await;
        if !hooks.delay.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(hooks.delay) => {}
                () = self.stop.cancelled() => {}
            }
        }
    }

    /// An item failed: its reason and the model's last answer are kept, and the run goes on
    /// (or stops, if the caller asked).
    pub(crate) async fn failed(&self, item: &str, label: &str, error: &CoreError) {
        let reason = error.to_string();
        let raw = match error {
            CoreError::Ai(e) => e.raw_answer.clone(),
            _ => None,
        };
        tracing::warn!(stage = %self.stage, item, reason = %reason, "pipeline item failed");
        if let Err(e) = record_failure(
            &self.folio,
            self.stage,
            item,
            label,
            &reason,
            raw.as_deref(),
        )
        .await
        {
            tracing::error!(error = %e, "could not record an item's failure");
        }
        self.update(|r| {
            r.failed.push(ItemFailure {
                item: item.to_owned(),
                label: label.to_owned(),
                reason,
            })
        });
        if self.stop_on_error {
            self.stop.cancel();
        }
    }

    /// End the run: the report with what its calls cost. A cancelled run ends its job as
    /// cancelled but still reports what it finished.
    pub(crate) fn finish(self) -> StageReport {
        if let Some(link) = &self.link {
            link.abort();
        }
        let mut report = self.report.lock().map(|r| r.clone()).unwrap_or_default();
        let (credits, usd) = self.meter.total();
        report.credits = credits;
        report.usd = usd.normalize();
        report.cancelled = self.job.is_cancelled();
        let result = if report.cancelled {
            Err(CoreError::Cancelled)
        } else {
            Ok(())
        };
        let _ = self.job.finish(result);
        report
    }
}

pub(crate) async fn record_failure(
    folio: &Folio,
    stage: Stage,
    item: &str,
    label: &str,
    reason: &str,
    raw_answer: Option<&str>,
) -> Result<(), CoreError> {
    sqlx::query(
        "INSERT INTO stage_failures (stage, item, label, reason, raw_answer, at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (stage, item) DO UPDATE SET label = excluded.label, reason = excluded.reason,
           raw_answer = excluded.raw_answer, at = excluded.at",
    )
    .bind(stage.as_str())
    .bind(item)
    .bind(label)
    .bind(cap_text(reason, 4096))
    .bind(raw_answer.map(|r| cap_text(r, MAX_RAW_ANSWER_BYTES)))
    .bind(ts(now()))
    .execute(&folio.pool)
    .await?;
    Ok(())
}

async fn clear_failure(folio: &Folio, stage: Stage, item: &str) -> Result<(), CoreError> {
    sqlx::query("DELETE FROM stage_failures WHERE stage = ? AND item = ?")
        .bind(stage.as_str())
        .bind(item)
        .execute(&folio.pool)
        .await?;
    Ok(())
}

/// A `stage_failures` row: stage, item, label, reason, raw answer, when.
type FailureRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    chrono::DateTime<chrono::Utc>,
);

impl Folio {
    /// This device's record of why items of a stage failed, newest first (with the model's
    /// last raw answer, never synced).
    pub async fn stage_failures(
        &self,
        stage: Option<Stage>,
    ) -> Result<Vec<StageFailure>, CoreError> {
        let rows: Vec<FailureRow> = sqlx::query_as(
            "SELECT stage, item, label, reason, raw_answer, at FROM stage_failures
                 WHERE ?1 IS NULL OR stage = ?1 ORDER BY at DESC",
        )
        .bind(stage.map(|s| s.as_str()))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(stage, item, label, reason, raw_answer, at)| {
                Ok(StageFailure {
                    stage: stage
                        .parse()
                        .map_err(|e: String| CoreError::Corrupt(format!("stored stage: {e}")))?,
                    item,
                    label,
                    reason,
                    raw_answer,
                    at,
                })
            })
            .collect()
    }
}
