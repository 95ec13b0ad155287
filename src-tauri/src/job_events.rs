//! The window's one progress stream: every step of every job of the open store, emitted as
//! `job-progress` (`folio_model::ipc::JobProgressed`). When a login replaces the store, the
//! stream follows the new one.

use crate::events;
use crate::state::AppState;
use folio_model::ipc::JobProgressed;
use tauri::{AppHandle, Manager};
use tokio::sync::broadcast::error::RecvError;

/// Forward job progress to the window for as long as the app runs.
pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let mut replaced = state.store_replaced();
        loop {
            // No store (it could not be opened): wait for one.
            let Ok(folio) = state.folio() else {
                if replaced.changed().await.is_err() {
                    return;
                }
                continue;
            };
            let mut progress = folio.jobs().subscribe();
            loop {
                tokio::select! {
                    step = progress.recv() => match step {
                        // A closed window just stops listening; the job itself goes on.
                        Ok(p) => { let _ = events::emit::<JobProgressed, _>(&app, p); }
                        // A bar only needs the newest step; the final one is always sent last.
                        Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => break,
                    },
                    changed = replaced.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        break;
                    }
                }
            }
        }
    });
}
