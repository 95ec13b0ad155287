//! The Automation page's state and reducer: pure, so its rules (which reply is still wanted, when
//! to poll core, what the buttons may do, the live view's figures) are unit-tested without a
//! browser. Every reply carries the site (and request number) it answers; one about another site
//! or an older request is dropped.

use crate::scope::{ScopeAction, SiteScope};
use chrono::{DateTime, Utc};
use folio_model::{
    AutomationConfig, AutomationEstimate, AutomationItem, AutomationRun, AutomationRunId,
    AutomationRunStatus, AutomationStatus, ErrorDto, JobKind, JobProgress, JobScope, SiteId,
    SiteList,
};
use std::rc::Rc;
use yew::Reducible;

mod form;
mod live;
#[cfg(test)]
mod tests;

pub use form::{field, ConfigEdit, ConfigEditor, Number, Toggle};
pub use live::{duration, elapsed, eta, stage_step, Pace};

/// The jobs whose steps the live view shows: the run's own (it names the stage) and the
/// pipeline stages it runs on the site (they name the item and its part).
const FOLLOWED_JOBS: [JobKind; 5] = [
    JobKind::Automation,
    JobKind::Clustering,
    JobKind::Ideas,
    JobKind::Writing,
    JobKind::Images,
];

/// How long the page waits between two looks at an active run.
pub const POLL_MS: u32 = 1000;

/// A request to core the page sends when its number changes (the effect is keyed on it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ask {
    pub n: u64,
    /// Wait this long first (a poll), or send at once.
    pub after_ms: u32,
}

impl Ask {
    fn again(&mut self, after_ms: u32) {
        self.n += 1;
        self.after_ms = after_ms;
    }
}

/// A button press on the run that core is answering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Pause,
    Cancel,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AutomationState {
    pub scope: SiteScope,

    /// The chosen site's automation as core last reported it.
    pub status: Option<AutomationStatus>,
    pub status_error: Option<ErrorDto>,
    pub status_ask: Ask,

    pub config: ConfigEditor,

    /// What a run would cost; asked again after a save and after a run ends.
    pub estimate: Option<Result<AutomationEstimate, ErrorDto>>,
    pub estimate_ask: Ask,

    /// The site whose `automation_run` this window is waiting for (it answers when the run
    /// completes, pauses or is cancelled).
    pub running_here: Option<SiteId>,
    /// Why the last *Run now* / *Resume* did not run (refused, unaffordable, failed).
    pub run_error: Option<ErrorDto>,
    /// The run's job's latest step (from the app's `job-progress` stream).
    pub progress: Option<JobProgress>,
    /// Pause or Cancel sent, not answered yet.
    pub command: Option<Command>,
    pub command_error: Option<ErrorDto>,
    /// Cancel pressed: the person confirms first (a cancelled run is never resumed).
    pub confirming_cancel: bool,
    /// The newest run when *Run now* started another: until core reports the new one, the live
    /// view must not show the old one's figures.
    pub superseded: Option<AutomationRunId>,

    /// The time of the latest status, for the live view's clock.
    pub now: Option<DateTime<Utc>>,
    pub pace: Option<Pace>,

    pub runs: Vec<AutomationRun>,
    pub runs_error: Option<ErrorDto>,
    pub runs_ask: Ask,
    /// The run whose item log is open.
    pub selected: Option<AutomationRunId>,
    pub log: Option<Result<Vec<AutomationItem>, ErrorDto>>,
    pub log_ask: Ask,
}

pub enum AutomationAction {
    SitesLoaded(Result<SiteList, ErrorDto>),
    SiteChosen(SiteId),
    StatusLoaded {
        site: SiteId,
        ask: u64,
        result: Result<AutomationStatus, ErrorDto>,
        at: DateTime<Utc>,
    },
    ConfigEdited(ConfigEdit),
    SaveRequested,
    ConfigSaved {
        site: SiteId,
        result: Result<AutomationConfig, ErrorDto>,
    },
    Reverted,
    EstimateLoaded {
        site: SiteId,
        ask: u64,
        result: Result<AutomationEstimate, ErrorDto>,
    },
    /// *Run now* or *Resume*: the page calls `automation_run`.
    RunRequested,
    /// `automation_run` answered: the run completed, paused, was cancelled, or never started.
    RunReturned {
        site: SiteId,
        result: Result<AutomationRun, ErrorDto>,
    },
    /// A step of any job of the window; only this site's automation job's is taken.
    JobProgressed(JobProgress),
    PauseRequested,
    CancelRequested,
    CancelDeclined,
    CancelConfirmed,
    CommandAnswered {
        site: SiteId,
        result: Result<Option<AutomationRun>, ErrorDto>,
    },
    RunsLoaded {
        site: SiteId,
        ask: u64,
        result: Result<Vec<AutomationRun>, ErrorDto>,
    },
    RunOpened(AutomationRunId),
    LogClosed,
    LogLoaded {
        run: AutomationRunId,
        ask: u64,
        result: Result<Vec<AutomationItem>, ErrorDto>,
    },
    ErrorDismissed,
}

impl Reducible for AutomationState {
    type Action = AutomationAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.apply(action);
        Rc::new(s)
    }
}

impl AutomationState {
    pub fn new() -> Self {
        Self {
            scope: SiteScope::new(None),
            ..Self::default()
        }
    }

    fn apply(&mut self, action: AutomationAction) {
        use AutomationAction as A;
        match action {
            A::SitesLoaded(result) => {
                if self.scope.apply(ScopeAction::SitesLoaded(result)) {
                    self.site_changed();
                }
            }
            A::SiteChosen(site) => {
                if self.scope.apply(ScopeAction::SiteChosen(site)) {
                    self.site_changed();
                }
            }
            A::StatusLoaded {
                site,
                ask,
                result,
                at,
            } => {
                if Some(site) != self.site() || ask != self.status_ask.n {
                    return;
                }
                self.now = Some(at);
                match result {
                    Ok(status) => self.status_seen(status, at),
                    Err(e) => self.status_error = Some(e),
                }
                // Keep looking while something runs; the next look waits a moment.
                if self.polling() {
                    self.status_ask.again(POLL_MS);
                }
            }
            A::ConfigEdited(edit) => self.config.edit(edit),
            A::SaveRequested => {
                self.config.save_requested();
            }
            A::ConfigSaved { site, result } => {
                if Some(site) != self.site() {
                    return;
                }
                match result {
                    Ok(config) => {
                        if let Some(status) = &mut self.status {
                            status.config = config.clone();
                        }
                        self.config.saved_by_core(config);
                        // The limits changed what a run would cost.
                        self.estimate_ask.again(0);
                    }
                    Err(e) => self.config.rejected(e),
                }
            }
            A::Reverted => self.config.reverted(),
            A::EstimateLoaded { site, ask, result } => {
                if Some(site) == self.site() && ask == self.estimate_ask.n {
                    self.estimate = Some(result);
                }
            }
            A::RunRequested => {
                if self.can_run() {
                    self.superseded = self.run().filter(|r| !r.resumable()).map(|r| r.id);
                    self.running_here = self.site();
                    self.run_error = None;
                    self.command_error = None;
                    self.progress = None;
                    // Follow the run from its first steps.
                    self.status_ask.again(POLL_MS);
                }
            }
            A::RunReturned { site, result } => {
                if self.running_here == Some(site) {
                    self.running_here = None;
                }
                if Some(site) != self.site() {
                    return;
                }
                match result {
                    Ok(run) => {
                        self.remember_run(run);
                        // This process ran it (the lock allows no other), and no longer does.
                        if let Some(status) = &mut self.status {
                            status.active = false;
                        }
                    }
                    Err(e) => self.run_error = Some(e),
                }
                self.progress = None;
                self.command = None;
                self.confirming_cancel = false;
                self.run_ended();
            }
            A::JobProgressed(p) => {
                let Some(site) = self.site() else { return };
                if !FOLLOWED_JOBS.contains(&p.kind) || p.scope != (JobScope::Site { site }) {
                    return;
                }
                if !self.is_running() {
                    self.progress = None;
                    return;
                }
                if p.phase.is_final() {
                    // The stage's job ended; the run's next step says what comes next.
                    if self
                        .progress
                        .as_ref()
                        .is_some_and(|old| old.job_id == p.job_id)
                    {
                        self.progress = None;
                    }
                    return;
                }
                self.progress = Some(p);
            }
            A::PauseRequested => {
                if self.is_running() && self.command.is_none() {
                    self.command = Some(Command::Pause);
                    self.command_error = None;
                }
            }
            A::CancelRequested => {
                if self.can_cancel() && self.command.is_none() {
                    self.confirming_cancel = true;
                }
            }
            A::CancelDeclined => self.confirming_cancel = false,
            A::CancelConfirmed => {
                if self.confirming_cancel && self.command.is_none() {
                    self.confirming_cancel = false;
                    self.command = Some(Command::Cancel);
                    self.command_error = None;
                }
            }
            A::CommandAnswered { site, result } => {
                if Some(site) != self.site() {
                    return;
                }
                let command = self.command.take();
                match result {
                    Ok(Some(run)) => {
                        self.remember_run(run);
                        // A paused run that is cancelled has no `automation_run` to answer.
                        if command == Some(Command::Cancel) && !self.is_running() {
                            self.run_ended();
                        }
                    }
                    Ok(None) => {}
                    Err(e) => self.command_error = Some(e),
                }
                self.status_ask.again(0);
            }
            A::RunsLoaded { site, ask, result } => {
                if Some(site) != self.site() || ask != self.runs_ask.n {
                    return;
                }
                match result {
                    Ok(runs) => {
                        self.runs = runs;
                        self.runs_error = None;
                    }
                    Err(e) => self.runs_error = Some(e),
                }
            }
            A::RunOpened(run) => {
                if self.selected != Some(run) {
                    self.selected = Some(run);
                    self.log = None;
                    self.log_ask.again(0);
                }
            }
            A::LogClosed => {
                self.selected = None;
                self.log = None;
            }
            A::LogLoaded { run, ask, result } => {
                if Some(run) == self.selected && ask == self.log_ask.n {
                    self.log = Some(result);
                }
            }
            A::ErrorDismissed => {
                self.run_error = None;
                self.command_error = None;
            }
        }
    }

    /// Another site (or the first one): everything shown was about the old one.
    fn site_changed(&mut self) {
        self.status = None;
        self.status_error = None;
        self.config = ConfigEditor::default();
        self.estimate = None;
        self.run_error = None;
        self.progress = None;
        self.command = None;
        self.command_error = None;
        self.confirming_cancel = false;
        self.superseded = None;
        self.pace = None;
        self.runs.clear();
        self.runs_error = None;
        self.selected = None;
        self.log = None;
        if self.site().is_some() {
            self.status_ask.again(0);
            self.estimate_ask.again(0);
            self.runs_ask.again(0);
        }
    }

    fn status_seen(&mut self, status: AutomationStatus, at: DateTime<Utc>) {
        self.status_error = None;
        // The form starts from the site's config; later it follows its own saves, so a look
        // sent before a save cannot undo it.
        if self.config.saved.is_none() {
            self.config.loaded(status.config.clone());
        }
        let old = self.status.as_ref().and_then(|s| s.run.clone());
        let was_active = self.status.as_ref().is_some_and(|s| s.active);
        if old != status.run {
            // The history shows the same run; its log grows while it runs.
            self.runs_ask.again(0);
            if let Some(run) = &status.run {
                if self.selected == Some(run.id) {
                    self.log_ask.again(0);
                }
            }
        }
        match (&status.run, status.active) {
            (Some(run), true) => {
                if self.pace.is_none_or(|p| p.run != run.id) {
                    self.pace = Some(Pace {
                        run: run.id,
                        since: at,
                        processed: run.items_processed,
                    });
                }
            }
            _ => {
                self.pace = None;
                self.progress = None;
            }
        }
        // A run another process (the schedule, the CLI) ran has ended: its cost is known now.
        if was_active && !status.active && self.running_here.is_none() {
            self.estimate_ask.again(0);
        }
        self.status = Some(status);
    }

    /// A run core answered with (from `automation_run`, pause or cancel): the newest one.
    fn remember_run(&mut self, run: AutomationRun) {
        if let Some(status) = &mut self.status {
            let newer = status
                .run
                .as_ref()
                .is_none_or(|old| old.id == run.id || old.started_at <= run.started_at);
            if newer {
                status.run = Some(run);
            }
        }
    }

    /// The run stopped: look again at once, and refresh what it changed.
    fn run_ended(&mut self) {
        self.status_ask.again(0);
        self.estimate_ask.again(0);
        self.runs_ask.again(0);
        if self.selected.is_some() {
            self.log_ask.again(0);
        }
    }

    pub fn site(&self) -> Option<SiteId> {
        self.scope.target().map(|(site, _)| site)
    }

    /// The site's newest run.
    pub fn run(&self) -> Option<&AutomationRun> {
        self.status.as_ref()?.run.as_ref()
    }

    /// The run the live view shows: the newest, unless a new one is starting after it.
    pub fn live_run(&self) -> Option<&AutomationRun> {
        self.run().filter(|r| Some(r.id) != self.superseded)
    }

    /// A run of this site is going: started here and not answered yet, or reported active (by
    /// this or another process).
    pub fn is_running(&self) -> bool {
        (self.running_here.is_some() && self.running_here == self.site())
            || self.status.as_ref().is_some_and(|s| s.active)
    }

    /// The page keeps looking at core about once a second.
    pub fn polling(&self) -> bool {
        self.is_running() || self.command.is_some()
    }

    /// The newest run stopped part-way and *Resume* would go on from there.
    pub fn resumable(&self) -> Option<&AutomationRun> {
        if self.is_running() {
            return None;
        }
        self.run().filter(|r| r.resumable())
    }

    /// Why *Run now* (or *Resume*) cannot be pressed now; `None`: it can.
    pub fn run_blocked(&self) -> Option<String> {
        if self.site().is_none() || self.status.is_none() {
            return Some("Loading\u{2026}".into());
        }
        if self.is_running() {
            return Some("A run is going.".into());
        }
        if self.config.dirty() || self.config.saving.is_some() {
            return Some("Save the settings first: a run uses the saved ones.".into());
        }
        if self.resumable().is_some() {
            // Resuming goes on with what is left; core checks the balance for it.
            return None;
        }
        match &self.estimate {
            None => Some("Estimating what a run costs\u{2026}".into()),
            Some(Err(e)) => Some(format!("No estimate: {}", e.message)),
            Some(Ok(e)) if !e.affordable() => Some(format!(
                "A run needs {} credits (1.2\u{00d7} its estimate of {}); {} are left.",
                crate::format::count(e.required),
                crate::format::count(e.credits),
                crate::format::count(e.available.unwrap_or(0)),
            )),
            Some(Ok(e)) if e.credits == 0 && e.stages.iter().all(|s| s.items == 0) => {
                Some("Nothing is waiting for automation on this site.".into())
            }
            Some(Ok(_)) => None,
        }
    }

    pub fn can_run(&self) -> bool {
        self.run_blocked().is_none()
    }

    /// A run that is going or paused can be cancelled.
    pub fn can_cancel(&self) -> bool {
        self.is_running() || self.resumable().is_some()
    }

    /// The running job's latest message ("Writing “Title”: section 2").
    pub fn message(&self) -> Option<&str> {
        self.progress.as_ref()?.message.as_deref()
    }

    /// The time the run's known items still need, at the pace seen.
    pub fn eta(&self) -> Option<chrono::TimeDelta> {
        let (pace, run, now) = (self.pace.as_ref()?, self.live_run()?, self.now?);
        eta(pace, run, now)
    }

    /// How long the newest run has been going (or went).
    pub fn elapsed(&self) -> Option<chrono::TimeDelta> {
        let run = self.live_run()?;
        let active = self.status.as_ref().is_some_and(|s| s.active);
        Some(elapsed(run, active, self.now?))
    }

    /// `data-state` of the run panel, for tests and styles.
    pub fn run_state(&self) -> &'static str {
        if self.is_running() {
            // Core marks the run paused or cancelled at once; the items in flight still finish.
            return match (self.command, self.live_run().map(|r| r.status)) {
                (Some(Command::Cancel), _) | (_, Some(AutomationRunStatus::Cancelled)) => {
                    "cancelling"
                }
                (Some(Command::Pause), _) | (_, Some(AutomationRunStatus::Paused)) => "pausing",
                _ => "running",
            };
        }
        match self.run().map(|r| r.status) {
            None => "idle",
            Some(AutomationRunStatus::Paused) => "paused",
            Some(AutomationRunStatus::Failed) => "failed",
            // Left running or pending by a process that is gone.
            Some(AutomationRunStatus::Running | AutomationRunStatus::Pending) => "interrupted",
            Some(AutomationRunStatus::Completed) => "completed",
            Some(AutomationRunStatus::Cancelled) => "cancelled",
        }
    }
}
