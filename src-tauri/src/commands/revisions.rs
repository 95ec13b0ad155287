//! An article's history (its saved versions: list, view, restore) and rewriting one of its
//! sections with AI (estimate, then a `section` job the UI follows and can cancel).

use super::folio;
use folio_model::ipc::{
    ContentRevisionGetArgs, ContentRevisionRestoreArgs, ContentRevisionsArgs, SectionEstimateArgs,
    SectionRegenerateArgs,
};
use folio_model::{
    Content, ContentRevision, ErrorDto, RevisionView, SectionRegenerated, StageEstimate,
};
use tauri::AppHandle;

pub async fn content_revisions(
    app: AppHandle,
    args: ContentRevisionsArgs,
) -> Result<Vec<ContentRevision>, ErrorDto> {
    Ok(folio(&app)?.content_revisions(args.content).await?)
}

pub async fn content_revision_get(
    app: AppHandle,
    args: ContentRevisionGetArgs,
) -> Result<RevisionView, ErrorDto> {
    Ok(folio(&app)?
        .content_revision(args.content, &args.revision)
        .await?)
}

pub async fn content_revision_restore(
    app: AppHandle,
    args: ContentRevisionRestoreArgs,
) -> Result<Content, ErrorDto> {
    Ok(folio(&app)?
        .restore_revision(args.content, &args.revision)
        .await?)
}

pub async fn section_estimate(
    app: AppHandle,
    args: SectionEstimateArgs,
) -> Result<StageEstimate, ErrorDto> {
    Ok(folio(&app)?
        .estimate_section(args.content, args.section as usize)
        .await?)
}

pub async fn section_regenerate(
    app: AppHandle,
    args: SectionRegenerateArgs,
) -> Result<SectionRegenerated, ErrorDto> {
    Ok(folio(&app)?
        .regenerate_section(args.content, args.section as usize)
        .await?)
}
