//! One run of a pipeline stage as a page follows it: the estimate first (credits, USD, calls,
//! model, what is left), the person's yes or no, then the job's steps from the app's
//! `job-progress` stream with Cancel, then core's report. Pure, so the Clusters, Ideas, Queue and
//! article pages follow the same rules; `components::StagePanel` shows it.
//!
//! Nothing is spent before the person confirms an estimate; a cancel asked before the job's first
//! step is sent as soon as that step (and so the job's id) arrives.

use folio_model::{
    ErrorDto, ErrorKind, JobId, JobProgress, JobScope, Stage, StageEstimate, StageReport,
    StageTarget,
};

#[derive(Clone, Debug, Default, PartialEq)]
pub enum RunPhase {
    #[default]
    Idle,
    /// The estimate was asked for.
    Estimating { target: StageTarget },
    /// The estimate is shown; nothing runs until the person confirms.
    Confirming {
        target: StageTarget,
        estimate: StageEstimate,
    },
    Running {
        target: StageTarget,
        /// The job's latest step.
        progress: Option<JobProgress>,
        cancelling: bool,
        /// The shell took the cancel: the job stops at its next item.
        cancel_sent: bool,
    },
    /// Core's report, or why the estimate or the run failed.
    Finished(Result<StageReport, ErrorDto>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct StageRun {
    pub stage: Stage,
    pub phase: RunPhase,
}

/// What the person did, and what core answered.
pub enum RunAction {
    /// The person asked to run the stage on `target`: the estimate comes first.
    EstimateAsked(StageTarget),
    Estimated {
        target: StageTarget,
        result: Result<StageEstimate, ErrorDto>,
    },
    /// The person accepted the estimate: the run starts.
    SpendConfirmed,
    /// The person declined the estimate: nothing runs.
    SpendDeclined,
    /// A step of any job of the window; only this run's is taken.
    JobProgressed(JobProgress),
    CancelRequested,
    /// The shell answered the cancel of the run's job.
    CancelSent,
    Finished(Result<StageReport, ErrorDto>),
    Dismissed,
}

impl StageRun {
    pub fn new(stage: Stage) -> Self {
        Self {
            stage,
            phase: RunPhase::Idle,
        }
    }

    pub fn apply(&mut self, action: RunAction) {
        use RunAction as A;
        match action {
            A::EstimateAsked(target) => {
                if !self.is_busy() {
                    self.phase = RunPhase::Estimating { target };
                }
            }
            A::Estimated { target, result } => {
                // Only the answer to the estimate still asked for.
                if !matches!(&self.phase, RunPhase::Estimating { target: t } if *t == target) {
                    return;
                }
                self.phase = match result {
                    Ok(estimate) => RunPhase::Confirming { target, estimate },
                    Err(e) => RunPhase::Finished(Err(e)),
                };
            }
            A::SpendConfirmed => {
                if let RunPhase::Confirming { target, estimate } = &self.phase {
                    if estimate.affordable() {
                        self.phase = RunPhase::Running {
                            target: target.clone(),
                            progress: None,
                            cancelling: false,
                            cancel_sent: false,
                        };
                    }
                }
            }
            A::SpendDeclined => {
                if matches!(self.phase, RunPhase::Confirming { .. }) {
                    self.phase = RunPhase::Idle;
                }
            }
            A::JobProgressed(p) => {
                if let RunPhase::Running {
                    target, progress, ..
                } = &mut self.phase
                {
                    let ours = Some(p.kind) == self.stage.job_kind()
                        && p.scope == JobScope::Site { site: target.site };
                    // A step of an older job can trail behind: once the job is known, only its own.
                    let same_job = progress.as_ref().is_none_or(|old| old.job_id == p.job_id);
                    if ours && same_job {
                        *progress = Some(p);
                    }
                }
            }
            A::CancelRequested => {
                if let RunPhase::Running { cancelling, .. } = &mut self.phase {
                    *cancelling = true;
                }
            }
            A::CancelSent => {
                if let RunPhase::Running { cancel_sent, .. } = &mut self.phase {
                    *cancel_sent = true;
                }
            }
            A::Finished(result) => {
                if matches!(self.phase, RunPhase::Running { .. }) {
                    self.phase = RunPhase::Finished(result);
                }
            }
            A::Dismissed => {
                if matches!(self.phase, RunPhase::Finished(_)) {
                    self.phase = RunPhase::Idle;
                }
            }
        }
    }

    /// An estimate is asked, shown or a run is going: another cannot start.
    pub fn is_busy(&self) -> bool {
        matches!(
            self.phase,
            RunPhase::Estimating { .. } | RunPhase::Confirming { .. } | RunPhase::Running { .. }
        )
    }

    pub fn is_running(&self) -> bool {
        matches!(self.phase, RunPhase::Running { .. })
    }

    /// The target whose estimate the page must ask core for.
    pub fn to_estimate(&self) -> Option<&StageTarget> {
        match &self.phase {
            RunPhase::Estimating { target } => Some(target),
            _ => None,
        }
    }

    /// The target of the estimate on screen (what a confirm would run).
    pub fn to_confirm(&self) -> Option<&StageTarget> {
        match &self.phase {
            RunPhase::Confirming { target, estimate } if estimate.affordable() => Some(target),
            _ => None,
        }
    }

    /// The run's job to cancel: once the person asked to and its id is known.
    pub fn job_to_cancel(&self) -> Option<JobId> {
        match &self.phase {
            RunPhase::Running {
                progress: Some(p),
                cancelling: true,
                cancel_sent: false,
                ..
            } => Some(p.job_id),
            _ => None,
        }
    }

    /// The running job's latest message ("“Title”: section:2").
    pub fn message(&self) -> Option<&str> {
        match &self.phase {
            RunPhase::Running {
                progress: Some(p), ..
            } => p.message.as_deref(),
            _ => None,
        }
    }

    /// The report of the run that just ended.
    pub fn report(&self) -> Option<&StageReport> {
        match &self.phase {
            RunPhase::Finished(Ok(r)) => Some(r),
            _ => None,
        }
    }

    /// `data-phase` for tests and styles.
    pub fn phase_name(&self) -> &'static str {
        match &self.phase {
            RunPhase::Idle => "idle",
            RunPhase::Estimating { .. } => "estimating",
            RunPhase::Confirming { .. } => "confirming",
            RunPhase::Running { .. } => "running",
            RunPhase::Finished(Ok(r)) if r.cancelled => "cancelled",
            RunPhase::Finished(Ok(_)) => "finished",
            RunPhase::Finished(Err(e)) if e.kind == ErrorKind::Cancelled => "cancelled",
            RunPhase::Finished(Err(_)) => "failed",
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::scope::tests::id;
    use folio_model::{ItemFailure, JobKind, JobPhase};
    use rust_decimal::Decimal;

    fn target() -> StageTarget {
        StageTarget::site(id(1))
    }

    fn estimate(available: Option<u64>) -> StageEstimate {
        StageEstimate {
            stage: Stage::Clustering,
            items: 12,
            calls: 1,
            credits: 40,
            usd: Decimal::new(12, 3),
            model: "gpt-4o-mini".into(),
            available,
        }
    }

    fn step(job: u64, kind: JobKind, site: u64, done: u64) -> JobProgress {
        JobProgress {
            job_id: id(job),
            kind,
            scope: JobScope::Site { site: id(site) },
            phase: JobPhase::Calling,
            done,
            total: Some(12),
            message: Some(format!("step {done}")),
        }
    }

    fn confirming(available: Option<u64>) -> StageRun {
        let mut r = StageRun::new(Stage::Clustering);
        r.apply(RunAction::EstimateAsked(target()));
        assert_eq!(r.to_estimate(), Some(&target()));
        r.apply(RunAction::Estimated {
            target: target(),
            result: Ok(estimate(available)),
        });
        r
    }

    #[test]
    fn nothing_runs_until_the_estimate_is_confirmed() {
        let mut r = confirming(Some(500));
        assert_eq!(r.phase_name(), "confirming");
        assert_eq!(r.to_confirm(), Some(&target()));
        r.apply(RunAction::SpendDeclined);
        assert_eq!(r.phase, RunPhase::Idle);

        let mut r = confirming(None);
        r.apply(RunAction::SpendConfirmed);
        assert!(r.is_running());
        // another estimate cannot start meanwhile
        r.apply(RunAction::EstimateAsked(target()));
        assert!(r.is_running());
    }

    #[test]
    fn an_unaffordable_estimate_cannot_be_confirmed() {
        let mut r = confirming(Some(39));
        assert_eq!(r.to_confirm(), None);
        r.apply(RunAction::SpendConfirmed);
        assert_eq!(r.phase_name(), "confirming");
    }

    #[test]
    fn a_stale_estimate_is_dropped_and_a_failed_one_is_shown() {
        let mut r = StageRun::new(Stage::Clustering);
        let mut other = target();
        other.sector = Some(id(11));
        r.apply(RunAction::EstimateAsked(target()));
        r.apply(RunAction::Estimated {
            target: other,
            result: Ok(estimate(None)),
        });
        assert_eq!(r.phase_name(), "estimating");
        r.apply(RunAction::Estimated {
            target: target(),
            result: Err(ErrorDto::new(ErrorKind::Validation, "no model")),
        });
        assert_eq!(r.phase_name(), "failed");
        r.apply(RunAction::Dismissed);
        assert_eq!(r.phase, RunPhase::Idle);
    }

    #[test]
    fn only_this_stages_job_on_this_site_moves_the_bar() {
        let mut r = confirming(None);
        r.apply(RunAction::SpendConfirmed);
        r.apply(RunAction::JobProgressed(step(
            5,
            JobKind::KeywordImport,
            1,
            3,
        )));
        r.apply(RunAction::JobProgressed(step(5, JobKind::Clustering, 2, 3)));
        assert_eq!(r.message(), None);
        r.apply(RunAction::JobProgressed(step(5, JobKind::Clustering, 1, 3)));
        assert_eq!(r.message(), Some("step 3"));
        r.apply(RunAction::JobProgressed(step(6, JobKind::Clustering, 1, 9)));
        assert_eq!(r.message(), Some("step 3"), "another job's step");
    }

    #[test]
    fn a_cancel_asked_early_waits_for_the_jobs_id() {
        let mut r = confirming(None);
        r.apply(RunAction::SpendConfirmed);
        r.apply(RunAction::CancelRequested);
        assert_eq!(r.job_to_cancel(), None);
        r.apply(RunAction::JobProgressed(step(5, JobKind::Clustering, 1, 0)));
        assert_eq!(r.job_to_cancel(), Some(id(5)));
        r.apply(RunAction::CancelSent);
        assert_eq!(r.job_to_cancel(), None);
        r.apply(RunAction::Finished(Ok(StageReport {
            done: 1,
            cancelled: true,
            ..Default::default()
        })));
        assert_eq!(r.phase_name(), "cancelled");
    }

    #[test]
    fn the_report_is_kept_until_dismissed() {
        let mut r = confirming(None);
        r.apply(RunAction::SpendConfirmed);
        let report = StageReport {
            done: 2,
            failed: vec![ItemFailure {
                item: "x".into(),
                label: "Roses".into(),
                reason: "bad answer".into(),
            }],
            ..Default::default()
        };
        r.apply(RunAction::Finished(Ok(report.clone())));
        assert_eq!(r.report(), Some(&report));
        assert!(!r.is_busy());
        // progress trailing the result changes nothing
        r.apply(RunAction::JobProgressed(step(5, JobKind::Clustering, 1, 3)));
        assert_eq!(r.report(), Some(&report));
    }
}
