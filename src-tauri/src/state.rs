//! What the commands work on: the open store and the background sync. Managed by Tauri;
//! commands reach it through their `AppHandle`. Long work (an import, a provider test) is core's
//! job registry's (`folio_core::jobs`), not the shell's.

use crate::background_sync::SyncControl;
use folio_core::sync::account_switch::AccountSwitch;
use folio_core::Folio;
use folio_model::{AccountSession, ErrorDto, ErrorKind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

pub struct AppState {
    /// The open store, or why it could not be opened (shown in the UI rather than a window that
    /// silently fails to start). Replaced when a login moves the device into another account,
    /// which only takes effect in a freshly opened store; commands take a (cheap) clone.
    folio: RwLock<Result<Folio, ErrorDto>>,
    /// The background sync. Held across a whole login or logout so they never interleave.
    pub sync: tokio::sync::Mutex<SyncControl>,
    /// The server rejected the session: the page asks to log in again.
    pub needs_login: Arc<AtomicBool>,
    /// Bumped whenever the store is replaced, so whoever follows the store's jobs
    /// ([`crate::job_events`]) moves to the new one.
    store_generation: tokio::sync::watch::Sender<u64>,
}

impl AppState {
    pub fn new(folio: Result<Folio, ErrorDto>) -> Self {
        Self {
            folio: RwLock::new(folio),
            sync: tokio::sync::Mutex::new(SyncControl::default()),
            needs_login: Arc::new(AtomicBool::new(false)),
            store_generation: tokio::sync::watch::channel(0).0,
        }
    }

    /// Changes whenever the store is replaced.
    pub fn store_replaced(&self) -> tokio::sync::watch::Receiver<u64> {
        self.store_generation.subscribe()
    }

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
        self.store_generation.send_modify(|g| *g += 1);
        Ok(())
    }

    /// Take in what a login or an account creation left: the session is fresh, and when the
    /// device joined another account core re-opened the store — work in the new one, or, if
    /// that open failed, show why on every command rather than use a store of a gone account.
    pub fn account_switched(&self, switched: AccountSwitch) -> Result<AccountSession, ErrorDto> {
        self.set_needs_login(false);
        if let Some(reopened) = switched.reopened {
            let reopened = reopened.map_err(|e| e.to_dto());
            let failed = reopened.as_ref().err().cloned();
            self.replace_folio(reopened)?;
            if let Some(e) = failed {
                return Err(e);
            }
        }
        Ok(switched.session)
    }

    pub fn set_needs_login(&self, needed: bool) {
        self.needs_login.store(needed, Ordering::Relaxed);
    }

    pub fn needs_login(&self) -> bool {
        self.needs_login.load(Ordering::Relaxed)
    }
}
