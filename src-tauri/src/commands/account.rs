//! Account & sync: the session, logging in to (or creating) an account on a sync server, logging
//! out, syncing now. The background sync is stopped around a login or logout and started again
//! for whatever session the store has afterwards. Passwords go to core once and are neither kept
//! nor logged here.

use super::folio;
use crate::background_sync;
use crate::state::AppState;
use folio_core::sync::account_switch::SignIn;
use folio_core::CoreError;
use folio_model::ipc::{AccountLoginArgs, AccountRegisterArgs, NoArgs, Secret};
use folio_model::{AccountSession, AccountView, ErrorDto, SyncReport, SyncStatus};
use tauri::{AppHandle, Manager};

/// The sync session (if any), the indicator's state and whether a new login is needed.
pub async fn account_get(app: AppHandle, _: NoArgs) -> Result<AccountView, ErrorDto> {
    let folio = folio(&app)?;
    Ok(AccountView {
        session: folio.account_session().await?,
        status: folio.sync_status().await?,
        needs_login: app.state::<AppState>().needs_login(),
    })
}

/// Create an account on a sync server holding this device's data, then sync in the background.
pub async fn account_register(
    app: AppHandle,
    args: AccountRegisterArgs,
) -> Result<AccountSession, ErrorDto> {
    let AccountRegisterArgs {
        server,
        email,
        password,
        allow_insecure,
    } = args;
    allow_insecure_server(&app, &server, allow_insecure).await?;
    sign_in(&app, SignIn::Register, &server, &email, &password).await
}

/// Log in to an account on a sync server, then sync in the background.
pub async fn account_login(
    app: AppHandle,
    args: AccountLoginArgs,
) -> Result<AccountSession, ErrorDto> {
    let AccountLoginArgs {
        server,
        email,
        password,
        allow_insecure,
    } = args;
    allow_insecure_server(&app, &server, allow_insecure).await?;
    sign_in(&app, SignIn::Login, &server, &email, &password).await
}

/// The person ticked "allow plain HTTP" for this server: remembered on this device only.
async fn allow_insecure_server(app: &AppHandle, server: &str, allow: bool) -> Result<(), ErrorDto> {
    if allow {
        folio(app)?.allow_insecure_sync_server(Some(server)).await?;
    }
    Ok(())
}

async fn sign_in(
    app: &AppHandle,
    how: SignIn,
    server: &str,
    email: &str,
    password: &Secret,
) -> Result<AccountSession, ErrorDto> {
    let state = app.state::<AppState>();
    let mut control = state.sync.lock().await;
    // The running sync holds the old session's connection.
    control.stop().await;
    let switched = match state.folio() {
        Ok(folio) => folio
            .switch_account(how, server, email, password.expose())
            .await
            .map_err(ErrorDto::from),
        Err(e) => Err(e),
    };
    let result = switched.and_then(|switched| state.account_switched(switched));
    background_sync::resume(app, &state, &mut control).await;
    result
}

/// Stop syncing and forget the session; the data stays on this device.
pub async fn account_logout(app: AppHandle, _: NoArgs) -> Result<(), ErrorDto> {
    let state = app.state::<AppState>();
    let mut control = state.sync.lock().await;
    control.stop().await;
    if let Err(e) = folio(&app)?.account_logout().await {
        // Still logged in: keep syncing.
        background_sync::resume(&app, &state, &mut control).await;
        return Err(e.into());
    }
    state.set_needs_login(false);
    background_sync::announce(&app, SyncStatus::LocalOnly, false);
    Ok(())
}

/// One sync round now, beside the background sync.
pub async fn sync_now(app: AppHandle, _: NoArgs) -> Result<SyncReport, ErrorDto> {
    let result = folio(&app)?.sync_once().await;
    if let Err(CoreError::Unauthenticated(_)) = &result {
        app.state::<AppState>().set_needs_login(true);
    }
    Ok(result?)
}
