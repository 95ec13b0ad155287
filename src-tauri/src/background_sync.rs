//! Background sync: while this device has a sync session, one task runs core's `sync_watch` and
//! tells the window about every change of the indicator (the `sync-status` event,
//! [`ipc::SyncStatusChanged`]).

use crate::events;
use crate::state::AppState;
use folio_core::{CoreError, Folio};
use folio_model::ipc;
use folio_model::{SyncStatus, SyncUpdate};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Runtime};
use tokio::sync::watch;

/// How often the task re-reads the stored status: core records "synced" while it stays
/// connected without calling `on_status`, and another process (the CLI) may sync too.
const STATUS_POLL: Duration = Duration::from_secs(1);

/// How long a stop waits for the sync round to notice before the task is aborted. Core writes
/// each received change in one transaction, so an aborted round leaves nothing half-applied.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// The running background sync, if any.
#[derive(Default)]
pub struct SyncControl {
    running: Option<Watcher>,
}

struct Watcher {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl SyncControl {
    /// Start syncing `folio` in the background unless a sync is already running. The task sets
    /// `needs_login` when the server rejects the session.
    pub fn start<R: Runtime>(
        &mut self,
        app: AppHandle<R>,
        folio: Folio,
        needs_login: Arc<AtomicBool>,
    ) {
        if self
            .running
            .as_ref()
            .is_some_and(|w| !w.task.inner().is_finished())
        {
            return;
        }
        let (stop, stop_rx) = watch::channel(false);
        let task = tauri::async_runtime::spawn(run(app, folio, stop_rx, needs_login));
        self.running = Some(Watcher { stop, task });
    }

    /// Stop the background sync (before a logout or a re-open) and wait for it to end.
    pub async fn stop(&mut self) {
        let Some(Watcher { stop, task }) = self.running.take() else {
            return;
        };
        let _ = stop.send(true);
        let abort = task.inner().abort_handle();
        if tokio::time::timeout(STOP_GRACE, task).await.is_err() {
            tracing::warn!("the background sync did not stop in time; aborting it");
            abort.abort();
        }
    }
}

async fn run<R: Runtime>(
    app: AppHandle<R>,
    folio: Folio,
    stop: watch::Receiver<bool>,
    needs_login: Arc<AtomicBool>,
) {
    let notifier = Notifier {
        app,
        last: Mutex::new(None),
        needs_login: needs_login.clone(),
    };
    let watching = folio.sync_watch(stop, |status| notifier.notify(status));
    tokio::pin!(watching);
    let mut poll = tokio::time::interval(STATUS_POLL);
    let result = loop {
        tokio::select! {
            result = &mut watching => break result,
            _ = poll.tick() => {
                if let Ok(status) = folio.sync_status().await {
                    notifier.notify(&status);
                }
            }
        }
    };
    match result {
        Ok(()) => tracing::info!("background sync stopped"),
        Err(e) => {
            if matches!(e, CoreError::Unauthenticated(_)) {
                needs_login.store(true, Ordering::Relaxed);
            }
            tracing::warn!(error = %e, "background sync ended");
            // Core recorded the failure as the status; the window must hear it (and the login
            // request) even when the status itself did not change.
            if let Ok(status) = folio.sync_status().await {
                notifier.force(&status);
            }
        }
    }
}

/// Emits the indicator's changes, leaving out repeats: while connected, core re-records
/// "synced" with a new time several times a second.
struct Notifier<R: Runtime> {
    app: AppHandle<R>,
    last: Mutex<Option<SyncStatus>>,
    needs_login: Arc<AtomicBool>,
}

impl<R: Runtime> Notifier<R> {
    fn notify(&self, status: &SyncStatus) {
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if last.as_ref().is_some_and(|l| l.same_on_screen(status)) {
            return;
        }
        *last = Some(status.clone());
        drop(last);
        self.emit(status);
    }

    fn force(&self, status: &SyncStatus) {
        if let Ok(mut last) = self.last.lock() {
            *last = Some(status.clone());
        }
        self.emit(status);
    }

    fn emit(&self, status: &SyncStatus) {
        let update = SyncUpdate {
            status: status.clone(),
            needs_login: self.needs_login.load(Ordering::Relaxed),
        };
        // No window (closing) just means nobody is listening.
        let _ = events::emit::<ipc::SyncStatusChanged, R>(&self.app, update);
    }
}

/// Tell the window about a status the shell itself settled (a logout).
pub fn announce<R: Runtime>(app: &AppHandle<R>, status: SyncStatus, needs_login: bool) {
    let update = SyncUpdate {
        status,
        needs_login,
    };
    let _ = events::emit::<ipc::SyncStatusChanged, R>(app, update);
}

/// Start the background sync for whatever session the (possibly re-opened) store has now.
pub async fn resume<R: Runtime>(app: &AppHandle<R>, state: &AppState, control: &mut SyncControl) {
    let Ok(folio) = state.folio() else {
        return;
    };
    match folio.account_session().await {
        Ok(Some(_)) => control.start(app.clone(), folio, state.needs_login.clone()),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "cannot read the sync session; not syncing"),
    }
}

/// At start-up: sync in the background when the device has a session.
pub async fn start_if_logged_in<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    let mut control = state.sync.lock().await;
    resume(app, state, &mut control).await;
}
