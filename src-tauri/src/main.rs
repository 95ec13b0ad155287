//! The Folio desktop app. A thin shell: each command parses its input, calls one folio-core
//! operation and maps the error to `{kind, message, field}`. No SQL, HTTP or business rules here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod ai_commands;
mod commands;
mod content_commands;
mod sync;
mod usage_commands;
mod wordpress_commands;

use folio_core::{logging, paths, Folio};
use folio_model::{ErrorDto, ErrorKind};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};
use tauri::Manager;
use tauri_plugin_deep_link::DeepLinkExt;

/// What the commands work on.
pub struct AppState {
    /// The open store, or why it could not be opened (shown in the UI rather than a window that
    /// silently fails to start). Replaced when a login moves the device into another account,
    /// which only takes effect in a freshly opened store; commands take a (cheap) clone.
    pub folio: RwLock<Result<Folio, ErrorDto>>,
    pub data_dir: PathBuf,
    /// The background sync. Held across a whole login or logout so they never interleave.
    pub sync: tokio::sync::Mutex<sync::SyncControl>,
    /// The server rejected the session: the page asks to log in again.
    pub needs_login: Arc<AtomicBool>,
}

impl AppState {
    pub fn folio(&self) -> Result<Folio, ErrorDto> {
        self.folio
            .read()
            .map_err(|_| ErrorDto::new(ErrorKind::Internal, "the store handle is unusable"))?
            .clone()
    }

    pub fn replace_folio(&self, folio: Result<Folio, ErrorDto>) -> Result<(), ErrorDto> {
        *self
            .folio
            .write()
            .map_err(|_| ErrorDto::new(ErrorKind::Internal, "the store handle is unusable"))? =
            folio;
        Ok(())
    }
}

fn main() -> ExitCode {
    let data_dir = match paths::resolve_data_dir(None) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let _log = logging::init(&data_dir, "info")
        .map_err(|e| eprintln!("warning: {e}"))
        .ok();
    tracing::info!(data_dir = %data_dir.display(), version = env!("CARGO_PKG_VERSION"), "Folio starting");

    let folio = tauri::async_runtime::block_on(Folio::open(&data_dir)).map_err(|e| {
        tracing::error!(error = %e, "cannot open the data directory");
        e.to_dto()
    });

    // The browser opens `folio://` links by starting the app without FOLIO_DATA_DIR, so only
    // the app on the default data directory owns the scheme and stays single: an app on another
    // directory (a test, a second profile) neither swallows nor forwards those links.
    let owns_scheme = std::env::var_os(paths::DATA_DIR_ENV).is_none_or(|v| v.is_empty());
    let mut builder = tauri::Builder::default();
    if owns_scheme {
        // First: a second launch (the browser opening a `folio://` link) hands its link to the
        // running app, through the deep-link plugin, and quits.
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.set_focus();
            }
        }));
    }
    let result = builder
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState {
            folio: RwLock::new(folio),
            data_dir,
            sync: tokio::sync::Mutex::new(sync::SyncControl::default()),
            needs_login: Arc::new(AtomicBool::new(false)),
        })
        .setup(move |app| {
            // An installed app has the scheme from its package; a development build registers
            // it for the current user so the browser can find it.
            #[cfg(any(target_os = "linux", all(debug_assertions, windows)))]
            if owns_scheme {
                if let Err(e) = app.deep_link().register_all() {
                    tracing::warn!(error = %e, "cannot register the folio:// scheme");
                }
            }
            let links = app.handle().clone();
            app.deep_link().on_open_url(move |event| {
                wordpress_commands::forward_deep_links(&links, &event.urls());
            });
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                commands::start_sync_if_logged_in(&handle, &handle.state::<AppState>()).await;
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::site_list,
            commands::site_create,
            commands::keywords_list,
            commands::keywords_bulk,
            commands::keywords_pick_file,
            commands::keywords_import,
            commands::keywords_import_cancel,
            commands::site_get,
            commands::sector_add,
            commands::sector_rename,
            commands::sector_remove,
            commands::publishing_settings_get,
            commands::publishing_settings_update,
            commands::account_get,
            commands::account_register,
            commands::account_login,
            commands::account_logout,
            commands::sync_now,
            ai_commands::providers_list,
            ai_commands::provider_set_key,
            ai_commands::provider_remove_key,
            ai_commands::provider_set_url,
            ai_commands::provider_test,
            ai_commands::provider_test_cancel,
            ai_commands::models_list,
            ai_commands::model_set_default,
            ai_commands::model_add,
            ai_commands::model_remove,
            usage_commands::usage_report,
            usage_commands::usage_by_day,
            usage_commands::usage_top_content,
            usage_commands::credit_balance,
            wordpress_commands::wp_integration,
            wordpress_commands::wp_connect,
            wordpress_commands::wp_doctor,
            wordpress_commands::wp_sync,
            wordpress_commands::wp_disconnect,
            wordpress_commands::wp_authorize_start,
            wordpress_commands::wp_authorize_complete,
            wordpress_commands::wp_publish,
            wordpress_commands::wp_unpublish,
            wordpress_commands::wp_trash,
            wordpress_commands::wp_records,
            wordpress_commands::wp_open_post,
            content_commands::content_list,
            content_commands::content_get,
            content_commands::images_list,
            content_commands::image_attach,
            content_commands::image_data,
            content_commands::image_remove,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the app stopped with an error");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
