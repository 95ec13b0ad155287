//! Jobs: what runs (this window's and other processes' on the same data directory) and
//! cancelling one. Their progress reaches the window as `job-progress` events
//! ([`crate::job_events`]).

use super::folio;
use folio_model::ipc::{JobsCancelArgs, NoArgs};
use folio_model::{ErrorDto, JobInfo};
use tauri::AppHandle;

pub async fn jobs_list(app: AppHandle, _: NoArgs) -> Result<Vec<JobInfo>, ErrorDto> {
    Ok(folio(&app)?.jobs().list().await?)
}

pub async fn jobs_cancel(app: AppHandle, args: JobsCancelArgs) -> Result<bool, ErrorDto> {
    Ok(folio(&app)?.jobs().cancel(args.job).await?)
}
