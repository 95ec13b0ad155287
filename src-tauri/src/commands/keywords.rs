//! Keywords: the list, bulk changes, moving them between clusters, and importing a file (the native file dialog; the import
//! itself is a core job).

use super::folio;
use crate::picked_files::PickedFiles;
use folio_core::ImportOptions;
use folio_model::ipc::{
    KeywordsBulkArgs, KeywordsImportArgs, KeywordsListArgs, KeywordsMoveArgs, NoArgs,
};
use folio_model::ErrorKind;
use folio_model::{ErrorDto, KeywordImportReport, KeywordPage};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager};
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

/// Ask for a keyword file with the system dialog; `None` when the person cancels. The file is
/// remembered as chosen: [`keywords_import`] reads no other ([`PickedFiles`]).
pub async fn keywords_pick_file(app: AppHandle, _: NoArgs) -> Result<Option<String>, ErrorDto> {
    let picked = match std::env::var_os(PICK_FILE_ENV) {
        Some(path) => Some(PathBuf::from(path)),
        None => app
            .dialog()
            .file()
            .set_title("Import keywords")
            .add_filter("Keyword exports", &["csv", "tsv", "txt"])
            .add_filter("All files", &["*"])
            .blocking_pick_file()
            .and_then(|p| p.into_path().ok()),
    };
    let Some(path) = picked else {
        return Ok(None);
    };
    // The page gets the path back as text; only text that round-trips is usable.
    let Some(text) = path.to_str().map(str::to_owned) else {
        return Err(ErrorDto::new(
            ErrorKind::Validation,
            "the chosen file's path is not valid UTF-8; move or rename it and choose it again",
        ));
    };
    app.state::<PickedFiles>().picked(&path);
    Ok(Some(text))
}

/// Import a file. It runs as a core job: the window follows it through `job-progress` and
/// cancels it with `jobs_cancel`.
pub async fn keywords_import(
    app: AppHandle,
    args: KeywordsImportArgs,
) -> Result<KeywordImportReport, ErrorDto> {
    if !app.state::<PickedFiles>().was_picked(Path::new(&args.path)) {
        return Err(ErrorDto::new(
            ErrorKind::Validation,
            "choose the keyword file with Import… (Folio reads only files chosen in its file dialog)",
        )
        .with_field("file"));
    }
    Ok(folio(&app)?
        .import_keyword_file(
            args.site,
            args.sector,
            Path::new(&args.path),
            &ImportOptions::default(),
        )
        .await?)
}
