//! The Folio desktop app. A thin shell: each command parses its input, calls one folio-core
//! operation and maps the error to `{kind, message, field}`. No SQL, HTTP or business rules here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use folio_core::{logging, paths, Folio};
use folio_model::ErrorDto;
use std::process::ExitCode;

/// What the commands work on: the open store, or why it could not be opened (shown in the UI
/// rather than a window that silently fails to start).
pub struct AppState {
    pub folio: Result<Folio, ErrorDto>,
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
        .manage(AppState { folio })
        .invoke_handler(tauri::generate_handler![
            commands::site_list,
            commands::site_create
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
