//! The dashboard, the app's start page: one call to core's `Folio::dashboard` for one site or
//! every site of the account, from local data.

use super::folio;
use folio_model::ipc::DashboardGetArgs;
use folio_model::{Dashboard, ErrorDto};
use tauri::AppHandle;

/// Pipeline counts, next posts, last automation runs, credits, this month's spend and the next
/// step of `args.site` (or of every site).
pub async fn dashboard_get(app: AppHandle, args: DashboardGetArgs) -> Result<Dashboard, ErrorDto> {
    Ok(folio(&app)?.dashboard(args.site).await?)
}
