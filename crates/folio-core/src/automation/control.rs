//! Pausing, cancelling and reading a site's automation from anywhere: the process running the
//! run is asked through its row (it looks every 200 ms and stops after the items in flight); a
//! run no process is running is changed directly.

use super::runs::{self, Request};
use crate::{CoreError, Folio};
use folio_model::{
    AutomationRun, AutomationRunStatus, AutomationStatus, JobKind, JobScope, SiteId,
};

impl Folio {
    /// The site's config, newest run, whether a process runs it now, and the next scheduled
    /// start.
    pub async fn automation_status(&self, site: SiteId) -> Result<AutomationStatus, CoreError> {
        let config = self.automation_config(site).await?;
        let run = self.latest_automation_run(site).await?;
        let active = self.automation_active(site).await?;
        let next_scheduled = self.next_scheduled_run(&config, chrono::Utc::now()).await?;
        Ok(AutomationStatus {
            config,
            run,
            active,
            next_scheduled,
        })
    }

    /// Whether a process on this data directory runs the site's automation now.
    async fn automation_active(&self, site: SiteId) -> Result<bool, CoreError> {
        let scope = JobScope::Site { site };
        Ok(self
            .jobs()
            .list()
            .await?
            .iter()
            .any(|j| j.kind == JobKind::Automation && j.scope == scope))
    }

    /// Pause the site's run: a running one stops after its items in flight and resumes from
    /// there; `None` when the site has no run to pause.
    pub async fn automation_pause(&self, site: SiteId) -> Result<Option<AutomationRun>, CoreError> {
        self.stop_run(site, Request::Pause).await
    }

    /// Cancel the site's run: it is never resumed (the next run starts afresh); what it
    /// finished stays.
    pub async fn automation_cancel(
        &self,
        site: SiteId,
    ) -> Result<Option<AutomationRun>, CoreError> {
        self.stop_run(site, Request::Cancel).await
    }

    async fn stop_run(
        &self,
        site: SiteId,
        what: Request,
    ) -> Result<Option<AutomationRun>, CoreError> {
        let Some(run) = self.latest_automation_run(site).await? else {
            return Ok(None);
        };
        if !run.resumable() {
            return Ok(Some(run));
        }
        if self.automation_active(site).await? {
            runs::request(self, run.id, what).await?;
            return Ok(Some(self.wait_for_stop(run).await?));
        }
        // no process runs it: a run left `running` by a crash, or paused
        let to = match what {
            Request::Pause if run.status == AutomationRunStatus::Paused => return Ok(Some(run)),
            Request::Pause if run.status == AutomationRunStatus::Failed => return Ok(Some(run)),
            Request::Pause => AutomationRunStatus::Paused,
            Request::Cancel => AutomationRunStatus::Cancelled,
        };
        let reason = match what {
            Request::Pause => "paused by a person; resume to go on from where it stopped",
            Request::Cancel => "cancelled; finished items stay",
        };
        // a failed run cannot be cancelled by the status rules; it is paused first
        let run = if run.status == AutomationRunStatus::Failed {
            runs::set_status(self, &run, AutomationRunStatus::Running, None).await?
        } else {
            run
        };
        Ok(Some(
            runs::set_status(self, &run, to, Some(reason.into())).await?,
        ))
    }

    /// Wait (up to a minute) for the process running `run` to stop it; its row then says how.
    async fn wait_for_stop(&self, run: AutomationRun) -> Result<AutomationRun, CoreError> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let now = self.automation_run_get(run.id).await?;
            if now.status != AutomationRunStatus::Running
                || !self.automation_active(run.site_id).await?
                || tokio::time::Instant::now() >= deadline
            {
                return Ok(now);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}
