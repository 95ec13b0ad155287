//! Publisher → Calendar: the calendar of posts and free slots, moving a post to another slot,
//! and "Schedule next approved". Each calls one core operation.

use super::folio;
use folio_model::ipc::{ScheduleCalendarArgs, ScheduleMoveArgs, SchedulePlanArgs};
use folio_model::{Calendar, ErrorDto, PlannedPost};
use tauri::AppHandle;

/// Posts and free slots in a span, from local data.
pub async fn schedule_calendar(
    app: AppHandle,
    args: ScheduleCalendarArgs,
) -> Result<Calendar, ErrorDto> {
    Ok(folio(&app)?.calendar(args.query).await?)
}

/// Move one article to a free slot (the same WordPress post, a new date).
pub async fn schedule_move(
    app: AppHandle,
    args: ScheduleMoveArgs,
) -> Result<PlannedPost, ErrorDto> {
    Ok(folio(&app)?.schedule_move(args.content, args.slot).await?)
}

/// Give the site's approved articles their slots (and upload them with `apply`).
pub async fn schedule_plan(
    app: AppHandle,
    args: SchedulePlanArgs,
) -> Result<Vec<PlannedPost>, ErrorDto> {
    Ok(folio(&app)?
        .schedule_plan(args.site, args.apply, args.replan)
        .await?)
}
