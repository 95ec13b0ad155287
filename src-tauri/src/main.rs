//! The Folio desktop app. A thin shell: each command parses its input, calls one folio-core
//! operation and maps the error to `{kind, message, field}`. No SQL, HTTP or business rules here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use folio_core::{logging, paths, Folio};
use folio_model::ErrorDto;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

/// What the commands work on: the open store, or why it could not be opened (shown in the UI
/// rather than a window that silently fails to start).
pub struct AppState {
    pub folio: Result<Folio, ErrorDto>,
    /// The cancel flag of the import in progress, if one is.
    pub import_cancel: Mutex<Option<Arc<AtomicBool>>>,
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

    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState {
            folio,
            import_cancel: Mutex::new(None),
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
