//! A site's automation: its status, config and estimate, running (or resuming) its run — a core
//! job whose steps reach the window as `job-progress` — pausing and cancelling it from any
//! window or process, and its history with each run's item log.

use super::folio;
use folio_model::ipc::{
    AutomationCancelArgs, AutomationConfigUpdateArgs, AutomationEstimateArgs, AutomationLogArgs,
    AutomationPauseArgs, AutomationRunArgs, AutomationRunsArgs, AutomationStatusGetArgs,
};
use folio_model::{
    AutomationConfig, AutomationEstimate, AutomationItem, AutomationRun, AutomationStatus,
    ErrorDto, RunTrigger,
};
use tauri::AppHandle;

pub async fn automation_status_get(
    app: AppHandle,
    args: AutomationStatusGetArgs,
) -> Result<AutomationStatus, ErrorDto> {
    Ok(folio(&app)?.automation_status(args.site).await?)
}

pub async fn automation_config_update(
    app: AppHandle,
    args: AutomationConfigUpdateArgs,
) -> Result<AutomationConfig, ErrorDto> {
    Ok(folio(&app)?
        .update_automation_config(args.site, args.update)
        .await?)
}

pub async fn automation_estimate(
    app: AppHandle,
    args: AutomationEstimateArgs,
) -> Result<AutomationEstimate, ErrorDto> {
    Ok(folio(&app)?.automation_estimate(args.site).await?)
}

/// Run (or resume) the site's automation until it completes, pauses or is cancelled. Core
/// drives the run on a thread of its own; its job, progress, lock and stop are core's as for any
/// other job.
pub async fn automation_run(
    app: AppHandle,
    args: AutomationRunArgs,
) -> Result<AutomationRun, ErrorDto> {
    Ok(folio(&app)?
        .automation_run(args.site, RunTrigger::Manual)
        .await?)
}

pub async fn automation_pause(
    app: AppHandle,
    args: AutomationPauseArgs,
) -> Result<Option<AutomationRun>, ErrorDto> {
    Ok(folio(&app)?.automation_pause(args.site).await?)
}

pub async fn automation_cancel(
    app: AppHandle,
    args: AutomationCancelArgs,
) -> Result<Option<AutomationRun>, ErrorDto> {
    Ok(folio(&app)?.automation_cancel(args.site).await?)
}

pub async fn automation_runs(
    app: AppHandle,
    args: AutomationRunsArgs,
) -> Result<Vec<AutomationRun>, ErrorDto> {
    Ok(folio(&app)?.automation_runs(args.site).await?)
}

pub async fn automation_log(
    app: AppHandle,
    args: AutomationLogArgs,
) -> Result<Vec<AutomationItem>, ErrorDto> {
    Ok(folio(&app)?.automation_log(args.run).await?)
}
