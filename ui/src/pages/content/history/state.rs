//! The article's history panel: its saved versions (from its document's history), the one being
//! looked at, restoring one; and rewriting one section with AI — the estimate first, the job's
//! progress with cancel, and undo (restoring the version from just before). Pure and
//! unit-tested; `content/history.rs` draws it and calls core.

use folio_model::{
    ContentRevision, ErrorDto, JobId, JobPhase, JobProgress, RevisionView, SectionRegenerated,
    StageEstimate,
};
use std::rc::Rc;
use yew::Reducible;

/// Where a section rewrite is.
#[derive(Clone, Debug, PartialEq)]
pub enum Rewrite {
    Idle,
    /// Asking core what it costs.
    Estimating(u32),
    /// The estimate, waiting for the person's yes.
    Confirm(u32, StageEstimate),
    /// Running; the job (once its first step is heard) and what it says.
    Running {
        section: u32,
        job: Option<JobId>,
        message: String,
    },
    /// Done: the version to restore to undo it.
    Done {
        section: u32,
        undo: Option<String>,
        credits: u64,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryState {
    pub versions: Option<Result<Vec<ContentRevision>, ErrorDto>>,
    pub viewing: Option<Result<RevisionView, ErrorDto>>,
    pub sections: Vec<String>,
    pub rewrite: Rewrite,
    pub busy: bool,
    pub error: Option<ErrorDto>,
}

impl Default for HistoryState {
    fn default() -> Self {
        Self {
            versions: None,
            viewing: None,
            sections: Vec::new(),
            rewrite: Rewrite::Idle,
            busy: false,
            error: None,
        }
    }
}

pub enum HistoryAction {
    VersionsLoaded(Result<Vec<ContentRevision>, ErrorDto>),
    SectionsLoaded(Vec<String>),
    Viewed(Result<RevisionView, ErrorDto>),
    CloseView,
    Busy,
    /// A restore (or an undo) ended.
    Restored(Result<(), ErrorDto>),
    EstimateAsked(u32),
    Estimated(u32, Result<StageEstimate, ErrorDto>),
    CancelRewrite,
    RewriteStarted(u32),
    /// A step of a `section` job of this article.
    Progress(JobProgress),
    Rewritten(Result<SectionRegenerated, ErrorDto>),
}

impl Reducible for HistoryState {
    type Action = HistoryAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl HistoryState {
    /// The job to cancel, while a rewrite runs and its job is known.
    pub fn running_job(&self) -> Option<JobId> {
        match &self.rewrite {
            Rewrite::Running { job, .. } => *job,
            _ => None,
        }
    }

    pub fn apply(&mut self, action: HistoryAction) {
        match action {
            HistoryAction::VersionsLoaded(r) => self.versions = Some(r),
            HistoryAction::SectionsLoaded(s) => self.sections = s,
            HistoryAction::Viewed(r) => self.viewing = Some(r),
            HistoryAction::CloseView => self.viewing = None,
            HistoryAction::Busy => {
                self.busy = true;
                self.error = None;
            }
            HistoryAction::Restored(r) => {
                self.busy = false;
                match r {
                    Ok(()) => {
                        self.viewing = None;
                        if matches!(self.rewrite, Rewrite::Done { .. }) {
                            self.rewrite = Rewrite::Idle;
                        }
                    }
                    Err(e) => self.error = Some(e),
                }
            }
            HistoryAction::EstimateAsked(section) => {
                self.error = None;
                self.rewrite = Rewrite::Estimating(section);
            }
            HistoryAction::Estimated(section, r) => {
                if self.rewrite != Rewrite::Estimating(section) {
                    return;
                }
                match r {
                    Ok(e) => self.rewrite = Rewrite::Confirm(section, e),
                    Err(e) => {
                        self.rewrite = Rewrite::Idle;
                        self.error = Some(e);
                    }
                }
            }
            HistoryAction::CancelRewrite => {
                if matches!(self.rewrite, Rewrite::Confirm(..) | Rewrite::Estimating(_)) {
                    self.rewrite = Rewrite::Idle;
                }
            }
            HistoryAction::RewriteStarted(section) => {
                self.error = None;
                self.rewrite = Rewrite::Running {
                    section,
                    job: None,
                    message: "Starting\u{2026}".into(),
                };
            }
            HistoryAction::Progress(p) => {
                if let Rewrite::Running { job, message, .. } = &mut self.rewrite {
                    if p.phase == JobPhase::Started || job.is_none() {
                        *job = Some(p.job_id);
                    }
                    if *job == Some(p.job_id) {
                        *message = p.message.unwrap_or_else(|| p.phase.as_str().to_owned());
                    }
                }
            }
            HistoryAction::Rewritten(r) => {
                let Rewrite::Running { section, .. } = self.rewrite else {
                    return;
                };
                match r {
                    Ok(done) => {
                        self.rewrite = Rewrite::Done {
                            section,
                            undo: done.undo_revision,
                            credits: done.credits,
                        }
                    }
                    Err(e) => {
                        self.rewrite = Rewrite::Idle;
                        self.error = Some(e);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use folio_model::{ErrorKind, JobKind, JobScope, Stage};

    fn estimate() -> StageEstimate {
        StageEstimate {
            stage: Stage::Writing,
            items: 1,
            calls: 1,
            credits: 3,
            usd: rust_decimal::Decimal::ZERO,
            model: "m".into(),
            available: Some(100),
        }
    }

    fn progress(job: JobId, phase: JobPhase, message: &str) -> JobProgress {
        JobProgress {
            job_id: job,
            kind: JobKind::Section,
            scope: JobScope::Content {
                content: folio_model::ContentId(uuid::Uuid::nil()),
            },
            phase,
            done: 0,
            total: None,
            message: Some(message.into()),
        }
    }

    #[test]
    fn a_rewrite_shows_its_estimate_then_its_progress_then_offers_undo() {
        let mut s = HistoryState::default();
        s.apply(HistoryAction::EstimateAsked(1));
        s.apply(HistoryAction::Estimated(0, Ok(estimate())));
        assert_eq!(
            s.rewrite,
            Rewrite::Estimating(1),
            "an answer for another section is stale"
        );
        s.apply(HistoryAction::Estimated(1, Ok(estimate())));
        assert!(matches!(s.rewrite, Rewrite::Confirm(1, _)));
        s.apply(HistoryAction::RewriteStarted(1));
        assert_eq!(s.running_job(), None);
        let job = JobId(uuid::Uuid::from_u128(7));
        s.apply(HistoryAction::Progress(progress(
            job,
            JobPhase::Started,
            "writing",
        )));
        assert_eq!(s.running_job(), Some(job), "cancel knows the job");
        s.apply(HistoryAction::Rewritten(Ok(SectionRegenerated {
            content: crate::pages::content::sample_content(),
            section: 1,
            undo_revision: Some("abc".into()),
            credits: 3,
        })));
        assert_eq!(
            s.rewrite,
            Rewrite::Done {
                section: 1,
                undo: Some("abc".into()),
                credits: 3
            }
        );
        s.apply(HistoryAction::Restored(Ok(())));
        assert_eq!(s.rewrite, Rewrite::Idle, "undone");
    }

    #[test]
    fn a_failed_estimate_or_rewrite_says_why_and_goes_back_to_idle() {
        let mut s = HistoryState::default();
        s.apply(HistoryAction::EstimateAsked(0));
        s.apply(HistoryAction::Estimated(
            0,
            Err(ErrorDto::new(ErrorKind::Validation, "hand-written")),
        ));
        assert_eq!(s.rewrite, Rewrite::Idle);
        assert_eq!(s.error.as_ref().unwrap().message, "hand-written");
        s.apply(HistoryAction::RewriteStarted(0));
        s.apply(HistoryAction::Rewritten(Err(ErrorDto::new(
            ErrorKind::Cancelled,
            "cancelled",
        ))));
        assert_eq!(s.rewrite, Rewrite::Idle);
    }
}
