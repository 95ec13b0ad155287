//! The article editor: saving an article's edits (autosave, Ctrl-S, the HTML source view).
//! Core sanitises the body and writes it into the article's text by minimal splices, so edits
//! made on two devices to different paragraphs both survive a sync.

use super::folio;
use folio_model::ipc::ContentUpdateArgs;
use folio_model::{Content, ErrorDto};
use tauri::AppHandle;

pub async fn content_update(app: AppHandle, args: ContentUpdateArgs) -> Result<Content, ErrorDto> {
    Ok(folio(&app)?
        .update_content(args.content, args.update)
        .await?)
}
