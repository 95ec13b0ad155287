//! The review queue: the articles waiting for a person's approval, with their quality gate's
//! findings, and the two answers to one (core's `writer/review.rs` holds the status rules).

use super::folio;
use folio_model::ipc::{ReviewApproveArgs, ReviewQueueArgs, ReviewRejectArgs};
use folio_model::{Content, ErrorDto, ReviewItem};
use tauri::AppHandle;

pub async fn review_queue(
    app: AppHandle,
    args: ReviewQueueArgs,
) -> Result<Vec<ReviewItem>, ErrorDto> {
    Ok(folio(&app)?.review_queue(args.site).await?)
}

pub async fn review_approve(app: AppHandle, args: ReviewApproveArgs) -> Result<Content, ErrorDto> {
    Ok(folio(&app)?.review_approve(args.content).await?)
}

pub async fn review_reject(app: AppHandle, args: ReviewRejectArgs) -> Result<Content, ErrorDto> {
    Ok(folio(&app)?.review_reject(args.content).await?)
}
