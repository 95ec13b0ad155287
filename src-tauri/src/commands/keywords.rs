//! Keywords: the list, bulk changes, moving them between clusters, and importing a file (the native file dialog; the import
//! itself is a core job).

use super::folio;
use folio_core::ImportOptions;
use folio_model::ipc::{
    KeywordsBulkArgs, KeywordsImportArgs, KeywordsListArgs, KeywordsMoveArgs, NoArgs,
};
use folio_model::{ErrorDto, KeywordImportReport, KeywordPage};
use std::path::{Path, PathBuf};
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

/// Automated tests cannot click through a native file dialog; this variable answers it instead.
pub const PICK_FILE_ENV: &str = "FOLIO_PICK_FILE";

pub async fn keywords_list(
    app: AppHandle,
    args: KeywordsListArgs,
) -> Result<KeywordPage, ErrorDto> {
    Ok(folio(&app)?.list_keywords(&args.query).await?)
}

pub async fn keywords_bulk(app: AppHandle, args: KeywordsBulkArgs) -> Result<u64, ErrorDto> {
    Ok(folio(&app)?
        .bulk_keywords(&args.filter, &args.action)
        .await?)
}

/// Move keywords into a cluster of their sector, or out of any.
pub async fn keywords_move(app: AppHandle, args: KeywordsMoveArgs) -> Result<u64, ErrorDto> {
    Ok(folio(&app)?
        .move_keywords(args.site, args.keywords, args.cluster)
        .await?)
}

/// Ask for a keyword file with the system dialog; `None` when the person cancels.
pub async fn keywords_pick_file(app: AppHandle, _: NoArgs) -> Result<Option<String>, ErrorDto> {
    if let Some(path) = std::env::var_os(PICK_FILE_ENV) {
        return Ok(Some(PathBuf::from(path).to_string_lossy().into_owned()));
    }
    let picked = app
        .dialog()
        .file()
        .set_title("Import keywords")
        .add_filter("Keyword exports", &["csv", "tsv", "txt"])
        .add_filter("All files", &["*"])
        .blocking_pick_file();
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.to_string_lossy().into_owned()))
}

/// Import a file. It runs as a core job: the window follows it through `job-progress` and
/// cancels it with `jobs_cancel`.
pub async fn keywords_import(
    app: AppHandle,
    args: KeywordsImportArgs,
) -> Result<KeywordImportReport, ErrorDto> {
    Ok(folio(&app)?
        .import_keyword_file(
            args.site,
            args.sector,
            Path::new(&args.path),
            &ImportOptions::default(),
        )
        .await?)
}
