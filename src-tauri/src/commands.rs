//! Tauri commands: one per core operation, a few lines each.

use crate::sync::{self, SyncControl};
use crate::AppState;
use folio_core::Folio;
use folio_core::ImportOptions;
use folio_model::{AccountSession, AccountView, SyncReport, SyncStatus};
use folio_model::{
    ErrorDto, ImportProgress, JobKind, JobPhase, KeywordBulkAction, KeywordFilter,
    KeywordImportReport, KeywordPage, KeywordQuery, NewSite, PublishingSettings,
    PublishingSettingsUpdate, Sector, SectorId, Site, SiteId, SiteList,
};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use tokio::sync::broadcast::error::RecvError;

/// Automated tests cannot click through a native file dialog; this variable answers it instead.
pub const PICK_FILE_ENV: &str = "FOLIO_PICK_FILE";

fn folio(state: &State<'_, AppState>) -> Result<Folio, ErrorDto> {
    state.folio()
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

/// Import a file as a core job; its progress is forwarded over `on_progress`.
#[tauri::command]
pub async fn keywords_import(
    state: State<'_, AppState>,
    site: SiteId,
    sector: Option<SectorId>,
    path: String,
    on_progress: Channel<ImportProgress>,
) -> Result<KeywordImportReport, ErrorDto> {
    let folio = folio(&state)?;
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
            site,
            sector,
            std::path::Path::new(&path),
            &ImportOptions::default(),
        )
        .await;
    forward.abort();
    Ok(result?)
}

/// Cancel this window's running import, if any; it rolls back and nothing is written.
#[tauri::command]
pub async fn keywords_import_cancel(state: State<'_, AppState>) -> Result<bool, ErrorDto> {
    let folio = folio(&state)?;
    let mut cancelled = false;
    for job in folio.jobs().list().await? {
        if job.this_process && job.kind == JobKind::KeywordImport {
            cancelled |= folio.jobs().cancel(job.id).await?;
        }
    }
    Ok(cancelled)
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

/// The sync session (if any), the indicator's state and whether a new login is needed.
#[tauri::command]
pub async fn account_get(state: State<'_, AppState>) -> Result<AccountView, ErrorDto> {
    let folio = folio(&state)?;
    Ok(AccountView {
        session: folio.account_session().await?,
        status: folio.sync_status().await?,
        needs_login: state.needs_login.load(Ordering::Relaxed),
    })
}

/// Create an account on a sync server holding this device's data, then sync in the background.
/// The password goes to core once and is neither kept nor logged.
#[tauri::command]
pub async fn account_register(
    app: AppHandle,
    state: State<'_, AppState>,
    server: String,
    email: String,
    password: String,
) -> Result<AccountSession, ErrorDto> {
    let mut control = state.sync.lock().await;
    // The running sync holds the old session's connection.
    control.stop().await;
    let result = folio(&state)?
        .account_register(&server, &email, &password)
        .await;
    if result.is_ok() {
        state.needs_login.store(false, Ordering::Relaxed);
    }
    resume_sync(&app, &state, &mut control).await;
    Ok(result?)
}

/// Log in to an account on a sync server, then sync in the background. Joining another account
/// than the device's only takes effect in a freshly opened store, so the store is re-opened.
#[tauri::command]
pub async fn account_login(
    app: AppHandle,
    state: State<'_, AppState>,
    server: String,
    email: String,
    password: String,
) -> Result<AccountSession, ErrorDto> {
    let mut control = state.sync.lock().await;
    control.stop().await;
    let current = folio(&state)?;
    let result = current.account_login(&server, &email, &password).await;
    if let Ok(session) = &result {
        state.needs_login.store(false, Ordering::Relaxed);
        if session.account_id != current.account_id().as_uuid() {
            tracing::info!(account = %session.account_id, "joined another account; re-opening the store");
            let reopened = reopen(state.data_dir.clone()).await;
            let failed = reopened.as_ref().err().cloned();
            state.replace_folio(reopened)?;
            if let Some(e) = failed {
                return Err(e);
            }
        }
    }
    resume_sync(&app, &state, &mut control).await;
    Ok(result?)
}

async fn reopen(data_dir: PathBuf) -> Result<Folio, ErrorDto> {
    Folio::open(&data_dir).await.map_err(|e| {
        tracing::error!(error = %e, "cannot re-open the data directory");
        e.to_dto()
    })
}

/// Stop syncing and forget the session; the data stays on this device.
#[tauri::command]
pub async fn account_logout(app: AppHandle, state: State<'_, AppState>) -> Result<(), ErrorDto> {
    let mut control = state.sync.lock().await;
    control.stop().await;
    if let Err(e) = folio(&state)?.account_logout().await {
        // Still logged in: keep syncing.
        resume_sync(&app, &state, &mut control).await;
        return Err(e.into());
    }
    state.needs_login.store(false, Ordering::Relaxed);
    sync::announce(&app, SyncStatus::LocalOnly, false);
    Ok(())
}

/// One sync round now, beside the background sync.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncReport, ErrorDto> {
    let result = folio(&state)?.sync_once().await;
    if let Err(folio_core::CoreError::Unauthenticated(_)) = &result {
        state.needs_login.store(true, Ordering::Relaxed);
    }
    Ok(result?)
}

/// At start-up: sync in the background when the device has a session.
pub async fn start_sync_if_logged_in<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    let mut control = state.sync.lock().await;
    resume_sync(app, state, &mut control).await;
}

/// Start the background sync for whatever session the (possibly re-opened) store has now.
async fn resume_sync<R: Runtime>(app: &AppHandle<R>, state: &AppState, control: &mut SyncControl) {
    let Ok(folio) = state.folio() else {
        return;
    };
    match folio.account_session().await {
        Ok(Some(_)) => control.start(app.clone(), folio, state.needs_login.clone()),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "cannot read the sync session; not syncing"),
    }
}
