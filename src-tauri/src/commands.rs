//! Tauri commands: one per core operation, a few lines each.

use crate::AppState;
use folio_core::keywords::ImportOptions;
use folio_core::Folio;
use folio_model::{
    ErrorDto, ErrorKind, ImportProgress, KeywordBulkAction, KeywordFilter, KeywordImportReport,
    KeywordPage, KeywordQuery, NewSite, PublishingSettings, PublishingSettingsUpdate, Sector,
    SectorId, Site, SiteId, SiteList,
};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

/// Automated tests cannot click through a native file dialog; this variable answers it instead.
pub const PICK_FILE_ENV: &str = "FOLIO_PICK_FILE";

fn folio<'a>(state: &'a State<'_, AppState>) -> Result<&'a Folio, ErrorDto> {
    state.folio.as_ref().map_err(Clone::clone)
}

#[tauri::command]
pub async fn site_list(state: State<'_, AppState>) -> Result<SiteList, ErrorDto> {
    Ok(folio(&state)?.list_sites().await?)
}

#[tauri::command]
pub async fn site_create(state: State<'_, AppState>, input: NewSite) -> Result<Site, ErrorDto> {
    Ok(folio(&state)?.create_site(&input).await?)
}

#[tauri::command]
pub async fn keywords_list(
    state: State<'_, AppState>,
    query: KeywordQuery,
) -> Result<KeywordPage, ErrorDto> {
    Ok(folio(&state)?.list_keywords(&query).await?)
}

#[tauri::command]
pub async fn keywords_bulk(
    state: State<'_, AppState>,
    filter: KeywordFilter,
    action: KeywordBulkAction,
) -> Result<u64, ErrorDto> {
    Ok(folio(&state)?.bulk_keywords(&filter, &action).await?)
}

/// Ask for a keyword file with the system dialog; `None` when the person cancels.
#[tauri::command]
pub async fn keywords_pick_file(app: tauri::AppHandle) -> Result<Option<String>, ErrorDto> {
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

/// Import a file; progress streams over `on_progress`. One import at a time per window.
#[tauri::command]
pub async fn keywords_import(
    state: State<'_, AppState>,
    site: SiteId,
    sector: Option<SectorId>,
    path: String,
    on_progress: Channel<ImportProgress>,
) -> Result<KeywordImportReport, ErrorDto> {
    let folio = folio(&state)?;
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut current = state
            .import_cancel
            .lock()
            .map_err(|_| ErrorDto::new(ErrorKind::Internal, "the import state is unusable"))?;
        if current.is_some() {
            return Err(ErrorDto::new(
                ErrorKind::Conflict,
                "an import is already running; wait for it or cancel it first",
            ));
        }
        *current = Some(cancel.clone());
    }
    let progress = move |p: ImportProgress| {
        // A closed window just stops listening; the import itself goes on.
        let _ = on_progress.send(p);
    };
    let options = ImportOptions {
        file_name: None,
        progress: Some(&progress),
        cancel: Some(&cancel),
    };
    let result = folio
        .import_keyword_file(site, sector, std::path::Path::new(&path), &options)
        .await;
    if let Ok(mut current) = state.import_cancel.lock() {
        *current = None;
    }
    Ok(result?)
}

/// Cancel the running import, if any; it rolls back and nothing is written.
#[tauri::command]
pub async fn keywords_import_cancel(state: State<'_, AppState>) -> Result<bool, ErrorDto> {
    let current = state
        .import_cancel
        .lock()
        .map_err(|_| ErrorDto::new(ErrorKind::Internal, "the import state is unusable"))?;
    Ok(match current.as_ref() {
        Some(flag) => {
            flag.store(true, Ordering::Relaxed);
            true
        }
        None => false,
    })
}

#[tauri::command]
pub async fn site_get(state: State<'_, AppState>, site: SiteId) -> Result<Site, ErrorDto> {
    Ok(folio(&state)?.get_site(site).await?)
}

#[tauri::command]
pub async fn sector_add(
    state: State<'_, AppState>,
    site: SiteId,
    name: String,
) -> Result<Sector, ErrorDto> {
    Ok(folio(&state)?.add_sector(site, &name).await?)
}

#[tauri::command]
pub async fn sector_rename(
    state: State<'_, AppState>,
    site: SiteId,
    sector: SectorId,
    name: String,
) -> Result<Sector, ErrorDto> {
    Ok(folio(&state)?.rename_sector(site, sector, &name).await?)
}

/// Remove a sector; returns how many of its keywords went with it.
#[tauri::command]
pub async fn sector_remove(
    state: State<'_, AppState>,
    site: SiteId,
    sector: SectorId,
) -> Result<u64, ErrorDto> {
    Ok(folio(&state)?.remove_sector(site, sector).await?)
}

#[tauri::command]
pub async fn publishing_settings_get(
    state: State<'_, AppState>,
    site: SiteId,
) -> Result<PublishingSettings, ErrorDto> {
    Ok(folio(&state)?.site_publishing_settings(site).await?)
}

#[tauri::command]
pub async fn publishing_settings_update(
    state: State<'_, AppState>,
    site: SiteId,
    update: PublishingSettingsUpdate,
) -> Result<PublishingSettings, ErrorDto> {
    Ok(folio(&state)?
        .update_publishing_settings(site, update)
        .await?)
}
