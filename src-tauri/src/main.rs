//! The Folio desktop app. A thin shell: each command parses its input, calls one folio-core
//! operation and maps the error to `{kind, message, field}`. No SQL, HTTP or business rules here.
//!
//! - `commands.rs` registers the commands against the typed contract (`folio_model::ipc`);
//!   `commands/<area>.rs` holds them, one file per area.
//! - `state.rs`: what they work on (the store, the background sync, `needs_login`).
//! - `background_automation.rs`: the sites' automation schedules while the app is open.
//! - `background_sync.rs`: the sync task and its `sync-status` events; `deep_link.rs`: the
//!   `folio://` links; `events.rs`: typed events to the window; `job_events.rs`: every job's
//!   progress as `job-progress` events.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod background_automation;
mod background_sync;
mod closing;
mod commands;
mod deep_link;
mod events;
mod job_events;
mod picked_files;
mod state;
mod webview;

use folio_core::{logging, paths, Folio};
use state::AppState;
use std::process::ExitCode;
use tauri::Manager;
use tauri_plugin_deep_link::DeepLinkExt;

fn main() -> ExitCode {
    let _ = commands::window::STARTED.set(std::time::Instant::now());
    webview::before_start();
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
        .manage(AppState::new(folio))
        .manage(picked_files::PickedFiles::default())
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
                deep_link::forward(&links, &event.urls());
            });
            if let Some(window) = app.get_webview_window("main") {
                webview::make_lean(&window);
            }
            job_events::start(app.handle().clone());
            background_automation::start(app.handle());
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                background_sync::start_if_logged_in(&handle, &handle.state::<AppState>()).await;
            });
            Ok(())
        })
        .on_window_event(closing::on_window_event)
        .invoke_handler(commands::handler())
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
