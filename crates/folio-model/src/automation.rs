//! Automation (DESIGN §6): a site's seven stages run unattended, as one resumable run with a
//! per-item log. The run and its log are this device's record (never synced); the config that
//! drives it is a synced site setting ([`crate::AutomationConfig`]).

use crate::ai_config::choice_enum;
use crate::ids::{id_type, SiteId};
use crate::status::AutomationRunStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

id_type!(
    /// One automation run of a site.
    AutomationRunId
);

choice_enum! {
    /// The seven stages of a run, in the order they run.
    AutomationStage, "automation stage" {
        /// New keywords → clusters.
        Clustering = "clustering",
        /// Clusters → ideas with outlines.
        Ideas = "ideas",
        /// Ideas → writing tasks (free).
        Queue = "queue",
        /// Tasks → articles.
        Writing = "writing",
        /// Articles → image prompts → images.
        Images = "images",
        /// Articles → review; with auto-approve, those whose quality gate passed → approved.
        Approval = "approval",
        /// Approved articles → the site's publishing slots on WordPress (with auto-publish).
        Schedule = "schedule",
    }
}

impl AutomationStage {
    /// What a person calls it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Clustering => "Clustering keywords",
            Self::Ideas => "Generating ideas",
            Self::Queue => "Queueing ideas",
            Self::Writing => "Writing articles",
            Self::Images => "Making images",
            Self::Approval => "Reviewing articles",
            Self::Schedule => "Scheduling posts",
        }
    }

    /// The stage after this one; `None` after the last.
    pub fn next(self) -> Option<Self> {
        let i = Self::ALL.iter().position(|s| *s == self)?;
        Self::ALL.get(i + 1).copied()
    }
}

choice_enum! {
    /// Who started a run.
    RunTrigger, "run trigger" {
        /// A person: *Run now*, `folio automation run`.
        Manual = "manual",
        /// The site's automation schedule (the app or `folio automation daemon`).
        Schedule = "schedule",
    }
}

choice_enum! {
    /// How one item of a run ended.
    ItemOutcome, "item outcome" {
        Done = "done",
        /// Finished before (an earlier, interrupted part of this run) or nothing to do.
        Skipped = "skipped",
        Failed = "failed",
    }
}

/// One automation run of a site, as this device recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationRun {
    pub id: AutomationRunId,
    pub site_id: SiteId,
    pub status: AutomationRunStatus,
    /// The stage it is in (or stopped in); `None` before the first.
    pub stage: Option<AutomationStage>,
    /// Items finished (done, skipped or failed) across its stages.
    pub items_processed: u64,
    /// Items its stages planned so far (a later stage's items are known when it starts).
    pub items_total: u64,
    /// Credits its provider calls were charged.
    pub credits_spent: u64,
    /// The estimate it started with.
    pub credits_estimated: u64,
    pub started_by: RunTrigger,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Why it paused or failed (what to do next), or what a completed run left undone.
    pub reason: Option<String>,
}

impl AutomationRun {
    /// Paused, failed or left running by a process that is gone: the next run of the site
    /// resumes it.
    pub fn resumable(&self) -> bool {
        matches!(
            self.status,
            AutomationRunStatus::Pending
                | AutomationRunStatus::Running
                | AutomationRunStatus::Paused
                | AutomationRunStatus::Failed
        )
    }
}

/// One line of a run's log: an item of a stage and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationItem {
    pub run: AutomationRunId,
    pub stage: AutomationStage,
    /// The item's id (a keyword batch's first keyword, a cluster, a task, an article).
    pub item: String,
    /// What a person recognises it by.
    pub label: String,
    pub outcome: ItemOutcome,
    /// Credits its calls were charged.
    pub credits: u64,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// What a stage of a run would cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationStageEstimate {
    pub stage: AutomationStage,
    /// Items it would work on (for stages whose items an earlier stage makes: the limit).
    pub items: u64,
    pub credits: u64,
}

/// What a whole run would cost before it starts, and whether it may start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationEstimate {
    pub site_id: SiteId,
    pub stages: Vec<AutomationStageEstimate>,
    pub credits: u64,
    /// What the balance must cover to start: 1.2× the estimate (DESIGN §4).
    pub required: u64,
    /// What the account can spend; `None`: no limit.
    pub available: Option<u64>,
    /// The site's per-run credit cap, if it has one.
    pub cap: Option<u64>,
}

impl AutomationEstimate {
    /// Whether a run may start: the balance covers [`Self::required`].
    pub fn affordable(&self) -> bool {
        self.available.is_none_or(|a| a >= self.required)
    }
}

/// A run and the latest lines of its log (`folio automation status`, the app's live view).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomationStatus {
    pub config: crate::AutomationConfig,
    /// The site's newest run, if it has had one.
    pub run: Option<AutomationRun>,
    /// Whether a process (this one or another on this data directory) is running it now.
    pub active: bool,
    /// When the site's schedule runs it next, if it has one and is active.
    pub next_scheduled: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_run_in_order_and_end() {
        assert_eq!(AutomationStage::ALL.len(), 7);
        assert_eq!(
            AutomationStage::Clustering.next(),
            Some(AutomationStage::Ideas)
        );
        assert_eq!(AutomationStage::Schedule.next(), None);
        assert_eq!(
            "approval".parse::<AutomationStage>(),
            Ok(AutomationStage::Approval)
        );
    }

    #[test]
    fn the_gate_needs_the_margin() {
        let mut e = AutomationEstimate {
            site_id: SiteId(uuid::Uuid::nil()),
            stages: vec![],
            credits: 100,
            required: 120,
            available: Some(119),
            cap: None,
        };
        assert!(!e.affordable());
        e.available = Some(120);
        assert!(e.affordable());
        e.available = None;
        assert!(e.affordable());
    }
}
