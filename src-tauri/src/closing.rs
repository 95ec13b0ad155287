//! Closing the window without losing what is being typed: the article editor saves about a
//! second after typing stops, so a close request is held until the page has saved what it holds.
//!
//! The first close request (the window's close button, the system, `Window::close`) is
//! prevented and the page is told (`window-close-requested`); the page saves and answers
//! `window_close`, which closes the window for good. A page that does not answer (it never
//! loaded, or its save hangs) does not keep the window open: it closes after [`PATIENCE`].
//! Test: `tests/e2e_editor.rs::typing_just_before_the_window_closes_is_saved`.

use crate::events;
use folio_model::ipc::WindowCloseRequested;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent};

/// How long a close waits for the page at most. A save is a local write (milliseconds).
const PATIENCE: Duration = Duration::from_secs(2);

/// The page was asked; later requests wait for the same answer.
static ASKED: AtomicBool = AtomicBool::new(false);
/// The window is being closed for good.
static CLOSED: AtomicBool = AtomicBool::new(false);

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    api.prevent_close();
    if ASKED.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = window.app_handle().clone();
    if let Err(e) = events::emit::<WindowCloseRequested, R>(&app, ()) {
        tracing::warn!(error = %e, "cannot ask the page to save before closing");
        close_now(&app);
        return;
    }
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(PATIENCE).await;
        if !CLOSED.load(Ordering::SeqCst) {
            tracing::warn!("the page did not answer the close request; closing");
            close_now(&app);
        }
    });
}

/// Close the window for good (`destroy` does not ask again); the app ends with it.
pub fn close_now<R: Runtime>(app: &AppHandle<R>) {
    if CLOSED.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Some(window) = app.get_webview_window("main") {
        if let Err(e) = window.destroy() {
            tracing::warn!(error = %e, "cannot close the window");
        }
    }
}
