//! Keywords: the list, bulk changes, and importing a file (the native file dialog, progress over
//! an ipc `Channel`, cancel).

use super::folio;
use folio_core::ImportOptions;
use folio_model::ipc::{KeywordsBulkArgs, KeywordsImportArgs, KeywordsListArgs, NoArgs};
use folio_model::{ErrorDto, ImportProgress, JobKind, JobPhase, KeywordImportReport, KeywordPage};
use std::path::{Path, PathBuf};
use tauri::ipc::Channel;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;
use tokio::sync::broadcast::error::RecvError;

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

/// Import a file as a core job; its progress is forwarded over `on_progress`.
pub async fn keywords_import(
    app: AppHandle,
    args: KeywordsImportArgs,
    on_progress: Channel<ImportProgress>,
) -> Result<KeywordImportReport, ErrorDto> {
    let folio = folio(&app)?;
    let mut progress = folio.jobs().subscribe();
    let forward = tauri::async_runtime::spawn(async move {
        loop {
            let p = match progress.recv().await {
                Ok(p) => p,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            };
            let step = match (p.kind, p.phase, p.total) {
                (JobKind::KeywordImport, JobPhase::Reading, _) => ImportProgress::Reading,
                (JobKind::KeywordImport, JobPhase::Parsing, _) => ImportProgress::Parsing,
                (JobKind::KeywordImport, JobPhase::Writing, Some(total)) => {
                    ImportProgress::Writing {
                        done: p.done,
                        total,
                    }
                }
                _ => continue,
            };
            // A closed window just stops listening; the import itself goes on.
            let _ = on_progress.send(step);
        }
    });
    let result = folio
        .import_keyword_file(
            args.site,
            args.sector,
            Path::new(&args.path),
            &ImportOptions::default(),
        )
        .await;
    forward.abort();
    Ok(result?)
}

/// Cancel this window's running import, if any; it rolls back and nothing is written.
pub async fn keywords_import_cancel(app: AppHandle, _: NoArgs) -> Result<bool, ErrorDto> {
    let folio = folio(&app)?;
    let mut cancelled = false;
    for job in folio.jobs().list().await? {
        if job.this_process && job.kind == JobKind::KeywordImport {
            cancelled |= folio.jobs().cancel(job.id).await?;
        }
    }
    Ok(cancelled)
}
