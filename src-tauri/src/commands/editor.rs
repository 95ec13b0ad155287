//! The article editor: saving an article's edits (autosave, Ctrl-S, the HTML source view).
//! Core sanitises the body and writes it into the article's text by minimal splices, so edits
//! made on two devices to different paragraphs both survive a sync.

use super::folio;
use folio_model::ipc::{
    ContentQualityCheckArgs, ContentSectionsArgs, ContentTermChoicesArgs, ContentTermsSetArgs,
    ContentUpdateArgs, ReviewSubmitArgs,
};
use folio_model::quality::QualityReport;
use folio_model::{Content, ErrorDto, TermChoice};
use tauri::AppHandle;

pub async fn content_update(app: AppHandle, args: ContentUpdateArgs) -> Result<Content, ErrorDto> {
    Ok(folio(&app)?
        .update_content(args.content, args.update)
        .await?)
}

pub async fn content_quality_check(
    app: AppHandle,
    args: ContentQualityCheckArgs,
) -> Result<QualityReport, ErrorDto> {
    Ok(folio(&app)?.recheck_quality(args.content).await?)
}

pub async fn content_term_choices(
    app: AppHandle,
    args: ContentTermChoicesArgs,
) -> Result<Vec<TermChoice>, ErrorDto> {
    Ok(folio(&app)?.term_choices(args.content).await?)
}

pub async fn content_terms_set(
    app: AppHandle,
    args: ContentTermsSetArgs,
) -> Result<Vec<TermChoice>, ErrorDto> {
    let folio = folio(&app)?;
    folio
        .replace_content_terms(args.content, &args.terms)
        .await?;
    Ok(folio.term_choices(args.content).await?)
}

pub async fn review_submit(app: AppHandle, args: ReviewSubmitArgs) -> Result<Content, ErrorDto> {
    Ok(folio(&app)?.review_submit(args.content).await?)
}

pub async fn content_sections(
    app: AppHandle,
    args: ContentSectionsArgs,
) -> Result<Vec<String>, ErrorDto> {
    Ok(folio(&app)?.content_sections(args.content).await?)
}
