//! Running a site's automation: one job per site across processes, the run resumed where it
//! stopped or started behind the credit gate, its seven stages in order ([`super::stages`]),
//! and what ends it — done, a person's pause or cancel (from any process), the maximum runtime,
//! the balance or the per-run cap running out, three provider failures in a row, or a failed
//! item with stop-on-error.

use super::runs::{self, Request};
use crate::pipeline::runner::{ItemEnd, ItemSink};
use crate::{CoreError, Folio};
use folio_ai::{AiErrorKind, CancellationToken};
use folio_model::{
    AutomationConfig, AutomationRun, AutomationRunStatus, AutomationStage, ItemOutcome, JobKind,
    JobPhase, JobScope, RunTrigger, SiteId,
};
use futures_util::future::BoxFuture;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Provider failures in a row that pause a run (instead of failing every item left).
pub const PROVIDER_FAILURES_TO_PAUSE: u32 = 3;

/// How often a run looks for a pause or cancel another process asked for.
const REQUEST_POLL: Duration = Duration::from_millis(200);

/// Why a run stopped before its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    Pause(String),
    Cancel,
    Fail(String),
}

/// What the stages of one run share: the run, its config, the stop token and why it tripped.
pub(crate) struct RunCtx {
    pub folio: Folio,
    pub run: AutomationRun,
    pub config: AutomationConfig,
    pub stop: CancellationToken,
    pub job: crate::jobs::JobReporter,
    why: Mutex<Option<Stop>>,
    provider_failures: AtomicU32,
    spent: AtomicU64,
}

impl RunCtx {
    /// Stop the run for this reason (the first reason given wins).
    pub fn halt(&self, why: Stop) {
        if let Ok(mut w) = self.why.lock() {
            if w.is_none() {
                *w = Some(why);
            }
        }
        self.stop.cancel();
    }

    pub fn stopped(&self) -> bool {
        self.stop.is_cancelled()
    }

    fn why(&self) -> Option<Stop> {
        self.why.lock().ok().and_then(|w| w.clone())
    }

    /// Log an item and apply the run's rules to how it ended.
    pub async fn ended(
        &self,
        stage: AutomationStage,
        item: &str,
        label: &str,
        failure: Option<&CoreError>,
        credits: u64,
    ) {
        let (outcome, reason) = match failure {
            None => (ItemOutcome::Done, None),
            Some(e) => (ItemOutcome::Failed, Some(e.to_string())),
        };
        self.log(stage, item, label, outcome, credits, reason.as_deref())
            .await;
        let spent = self.spent.fetch_add(credits, Ordering::SeqCst) + credits;
        if let Some(cap) = self.config.run_credit_cap {
            if spent >= u64::from(cap) {
                self.halt(Stop::Pause(format!(
                    "reached its cap of {cap} credits a run ({spent} spent); raise the cap or \
                     resume to go on"
                )));
            }
        }
        match failure {
            None => self.provider_failures.store(0, Ordering::SeqCst),
            Some(CoreError::InsufficientCredits { .. }) => self.halt(Stop::Pause(format!(
                "the credit balance ran out: {}; add credits and resume",
                reason.unwrap_or_default()
            ))),
            Some(CoreError::Ai(e)) if provider_trouble(e.kind) => {
                let n = self.provider_failures.fetch_add(1, Ordering::SeqCst) + 1;
                if n >= PROVIDER_FAILURES_TO_PAUSE {
                    self.halt(Stop::Pause(format!(
                        "{n} provider failures in a row ({}): {e}; {}",
                        e.kind.as_str(),
                        trouble_hint(e.kind)
                    )));
                }
            }
            Some(_) if self.config.stop_on_error => self.halt(Stop::Fail(format!(
                "{} failed: {}; fix it (or turn off stop-on-error) and resume",
                label,
                reason.unwrap_or_default()
            ))),
            Some(_) => {}
        }
        self.progress(stage).await;
    }

    /// A log line, kept even when the database hiccups (the work itself is saved already).
    pub async fn log(
        &self,
        stage: AutomationStage,
        item: &str,
        label: &str,
        outcome: ItemOutcome,
        credits: u64,
        reason: Option<&str>,
    ) {
        if let Err(e) = runs::log_item(
            &self.folio,
            self.run.id,
            stage,
            item,
            label,
            outcome,
            credits,
            reason,
        )
        .await
        {
            tracing::error!(error = %e, run = %self.run.id, "could not log an automation item");
        }
    }

    /// Tell the job's watchers where the run is.
    pub async fn progress(&self, stage: AutomationStage) {
        if let Ok(run) = self.folio.automation_run_get(self.run.id).await {
            self.job.say(
                JobPhase::Writing,
                run.items_processed,
                Some(run.items_total.max(run.items_processed)),
                stage.label(),
            );
        }
    }

    /// Wait the config's delay between two operations (cut short by a stop).
    pub async fn pause_between(&self) {
        let d = Duration::from_secs(u64::from(self.config.delay_between_operations_secs));
        if !d.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(d) => {}
                () = self.stop.cancelled() => {}
            }
        }
    }
}

/// Provider errors that say the provider, not the item, is the trouble: the next item would
/// fail the same way.
fn provider_trouble(kind: AiErrorKind) -> bool {
    matches!(
        kind,
        AiErrorKind::Auth
            | AiErrorKind::QuotaExhausted
            | AiErrorKind::RateLimited
            | AiErrorKind::Overloaded
            | AiErrorKind::Timeout
            | AiErrorKind::Unreachable
            | AiErrorKind::Transport
            | AiErrorKind::Server
            | AiErrorKind::NotFound
    )
}

fn trouble_hint(kind: AiErrorKind) -> &'static str {
    match kind {
        AiErrorKind::Auth => "check the provider's API key in Settings, then resume",
        AiErrorKind::QuotaExhausted => {
            "add funds or raise the quota with the provider, then resume"
        }
        AiErrorKind::NotFound => "check the model name in Settings, then resume",
        _ => "resume when the provider answers again",
    }
}

/// The stage pipeline's items reach the run's rules through this.
pub(crate) struct Sink(pub Arc<RunCtx>, pub AutomationStage);

impl ItemSink for Sink {
    fn item_ended<'a>(&'a self, end: ItemEnd<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            self.0
                .ended(self.1, end.item, end.label, end.failure, end.credits)
                .await;
        })
    }
}

impl Folio {
    /// Run the site's automation until it completes, pauses or is cancelled: its paused or
    /// interrupted run is resumed where it stopped; otherwise a new run starts, only when the
    /// balance covers 1.2× its estimate. One run per site at a time, across processes (a
    /// second is refused as busy; a crashed holder's run is taken over). Cancelling the job
    /// (Ctrl-C, the app's cancel) pauses the run.
    pub async fn automation_run(
        &self,
        site: SiteId,
        trigger: RunTrigger,
    ) -> Result<AutomationRun, CoreError> {
        self.get_site(site).await?;
        let job = self
            .jobs()
            .start(JobKind::Automation, JobScope::Site { site })
            .await?;
        // driven on a thread of its own with a deep stack (`jobs::own_thread`)
        let folio = self.clone();
        crate::jobs::own_thread::run("the automation run", move || async move {
            let outcome = folio.drive(site, trigger, &job).await;
            job.finish(outcome)
        })
        .await
    }

    async fn drive(
        &self,
        site: SiteId,
        trigger: RunTrigger,
        job: &crate::jobs::Job,
    ) -> Result<AutomationRun, CoreError> {
        let config = self.automation_config(site).await?;
        let run = match self.latest_automation_run(site).await? {
            Some(run) if run.resumable() => run,
            _ => {
                let estimate = self.automation_estimate(site).await?;
                if !estimate.affordable() {
                    return Err(CoreError::InsufficientCredits {
                        needed: estimate.required,
                        available: estimate.available.unwrap_or(0),
                        detail: format!(
                            "an automation run of this site is estimated at {} credits; it \
                             starts when the balance covers 1.2× that",
                            estimate.credits
                        ),
                        hint: "add credits or lower the run's limits".into(),
                    });
                }
                runs::create(self, site, trigger, estimate.credits).await?
            }
        };
        let run = runs::set_status(self, &run, AutomationRunStatus::Running, None).await?;
        let ctx = Arc::new(RunCtx {
            folio: self.clone(),
            spent: AtomicU64::new(run.credits_spent),
            run: run.clone(),
            config,
            stop: job.token().child_token(),
            job: job.reporter(),
            why: Mutex::new(None),
            provider_failures: AtomicU32::new(0),
        });
        let watcher = tokio::spawn(watch(ctx.clone()));
        let first = run.stage.unwrap_or(AutomationStage::Clustering);
        let mut stage = Some(first);
        let mut outcome = Ok(());
        while let Some(s) = stage {
            if ctx.stopped() {
                break;
            }
            runs::set_stage(self, run.id, s).await?;
            ctx.progress(s).await;
            outcome = super::stages::run(&ctx, s).await;
            if outcome.is_err() || ctx.stopped() {
                break;
            }
            stage = s.next();
        }
        watcher.abort();
        let (status, reason) = match (outcome, ctx.why()) {
            (Err(CoreError::Cancelled), None) | (Ok(()), None) if ctx.stopped() => (
                AutomationRunStatus::Paused,
                Some("paused; resume to go on from where it stopped".to_owned()),
            ),
            (Ok(()), None) => (AutomationRunStatus::Completed, None),
            (_, Some(Stop::Pause(why))) => (AutomationRunStatus::Paused, Some(why)),
            (_, Some(Stop::Cancel)) => (
                AutomationRunStatus::Cancelled,
                Some("cancelled; finished items stay".to_owned()),
            ),
            (_, Some(Stop::Fail(why))) => (AutomationRunStatus::Failed, Some(why)),
            (Err(e), None) => (
                AutomationRunStatus::Failed,
                Some(format!("{e}; fix it and resume")),
            ),
        };
        runs::set_status(self, &run, status, reason).await
    }
}

/// Trip the run's stop when another process asks, or when its maximum runtime is up.
async fn watch(ctx: Arc<RunCtx>) {
    let limit = Duration::from_secs(u64::from(ctx.config.max_runtime_secs));
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        tokio::select! {
            () = tokio::time::sleep_until(deadline) => {
                ctx.halt(Stop::Pause(format!(
                    "reached its maximum runtime of {} minutes; resume to go on",
                    limit.as_secs().div_ceil(60)
                )));
                return;
            }
            () = tokio::time::sleep(REQUEST_POLL) => {}
            () = ctx.stop.cancelled() => return,
        }
        match runs::requested(&ctx.folio, ctx.run.id).await {
            Ok(Some(Request::Pause)) => ctx.halt(Stop::Pause(
                "paused by a person; resume to go on from where it stopped".into(),
            )),
            Ok(Some(Request::Cancel)) => ctx.halt(Stop::Cancel),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not read an automation request"),
        }
    }
}
