//! Settings → Account & sync: log in to (or create) an account on a sync server, see the
//! session and the last sync, sync now, log out. Every rule is core's (or the server's); its
//! message appears under the field it names, else above the form (state: `settings/state.rs`).
//! Below it, the AI providers section (`settings/providers.rs`, with the models in
//! `settings/models.rs`).

mod models;
mod providers;
mod state;

use crate::components::{BusyButton, TextField};
use crate::forms::input_value;
use crate::hooks::invoke;
use crate::sync::{local_clock, status_label, AccountAction, AccountState};
use folio_model::ipc::{self, AccountLoginArgs, AccountRegisterArgs, NoArgs, Secret};
use folio_model::AccountSession;
use providers::ProvidersSection;
use state::{SettingsAction, SettingsState, Submit};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub account: UseReducerHandle<AccountState>,
    /// Ask the shell for the account and status again (after a change made here).
    pub on_refresh: Callback<()>,
}

#[function_component(SettingsPage)]
pub fn settings_page(props: &SettingsProps) -> Html {
    let state = use_reducer(SettingsState::default);
    let account = props.account.clone();
    {
        let state = state.clone();
        use_effect_with(account.session.clone(), move |session| {
            if let Some(session) = session {
                state.dispatch(SettingsAction::SessionKnown(session.clone()));
            }
        });
    }

    let submit = {
        let state = state.clone();
        let account = account.clone();
        let on_refresh = props.on_refresh.clone();
        move |kind: Submit| {
            if state.submitting.is_some() {
                return;
            }
            let form = state.form.clone();
            state.dispatch(SettingsAction::SubmitAccount(kind));
            let state = state.clone();
            let account = account.clone();
            let on_refresh = on_refresh.clone();
            spawn_local(async move {
                let (server, email, password, allow_insecure) = (
                    form.server,
                    form.email,
                    Secret::new(form.password),
                    form.allow_insecure,
                );
                let result = match kind {
                    Submit::Login => {
                        let args = AccountLoginArgs {
                            server,
                            email,
                            password,
                            allow_insecure,
                        };
                        invoke::<ipc::AccountLogin>(&args).await
                    }
                    Submit::Register => {
                        let args = AccountRegisterArgs {
                            server,
                            email,
                            password,
                            allow_insecure,
                        };
                        invoke::<ipc::AccountRegister>(&args).await
                    }
                };
                match result {
                    Ok(session) => {
                        state.dispatch(SettingsAction::AccountAccepted);
                        account.dispatch(AccountAction::LoggedIn(session));
                        on_refresh.emit(());
                    }
                    Err(e) => state.dispatch(SettingsAction::AccountRejected(e)),
                }
            });
        }
    };
    let on_submit = {
        let submit = submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            submit(Submit::Login);
        })
    };
    let on_register = Callback::from(move |_: MouseEvent| submit(Submit::Register));
    let on_sync_now = {
        let state = state.clone();
        let on_refresh = props.on_refresh.clone();
        Callback::from(move |_: MouseEvent| {
            if state.syncing_now {
                return;
            }
            state.dispatch(SettingsAction::SyncNow);
            let state = state.clone();
            let on_refresh = on_refresh.clone();
            spawn_local(async move {
                let result = invoke::<ipc::SyncNow>(&NoArgs {}).await;
                state.dispatch(SettingsAction::SyncFinished(result));
                on_refresh.emit(());
            });
        })
    };
    let on_logout = {
        let state = state.clone();
        let account = account.clone();
        Callback::from(move |_: MouseEvent| {
            if state.logging_out {
                return;
            }
            state.dispatch(SettingsAction::LogOut);
            let state = state.clone();
            let account = account.clone();
            spawn_local(async move {
                let result = invoke::<ipc::AccountLogout>(&NoArgs {}).await;
                if result.is_ok() {
                    account.dispatch(AccountAction::LoggedOut);
                }
                state.dispatch(SettingsAction::LoggedOut(result));
            });
        })
    };
    let edit = |make: fn(String) -> SettingsAction| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.dispatch(make(input_value(&e))))
    };

    let body = if !account.loaded {
        html! { <p class="muted" id="account-loading">{"Loading\u{2026}"}</p> }
    } else if let Some(err) = &account.load_error {
        html! { <div id="account-load-error" class="error banner" role="alert">{err}</div> }
    } else {
        let form = (account.session.is_none() || account.needs_login).then(|| {
            account_form(
                &state,
                account.needs_login,
                on_submit,
                on_register,
                [
                    edit(SettingsAction::EditServer),
                    edit(SettingsAction::EditEmail),
                    edit(SettingsAction::EditPassword),
                ],
                {
                    let state = state.clone();
                    Callback::from(move |e: Event| {
                        state.dispatch(SettingsAction::AllowInsecure(crate::forms::checked(&e)))
                    })
                },
            )
        });
        html! {
            <>
                if let Some(session) = &account.session {
                    { session_panel(session, &account, &state, on_sync_now, on_logout) }
                }
                { for form }
            </>
        }
    };

    html! {
        <section class="page settings-page">
            <header class="page-header">
                <h1 id="page-title">{"Settings"}</h1>
                <p class="hint">{"How this device works with others, and the AI services it calls."}</p>
            </header>
            <div class="settings-sections">
                <section id="account-sync" class="settings-section" aria-labelledby="account-sync-title">
                    <h2 id="account-sync-title">{"Account & sync"}</h2>
                    <p class="help section-help">
                        {"Everything works on this device alone. With an account on a Folio sync server, your sites and their work sync between your devices and the people you invite."}
                    </p>
                    { body }
                </section>
                <ProvidersSection />
            </div>
        </section>
    }
}

fn session_panel(
    session: &AccountSession,
    account: &AccountState,
    state: &SettingsState,
    on_sync_now: Callback<MouseEvent>,
    on_logout: Callback<MouseEvent>,
) -> Html {
    let status = account
        .status
        .as_ref()
        .map(|s| status_label(s, local_clock))
        .unwrap_or_default();
    let busy = state.syncing_now || state.logging_out;
    html! {
        <div id="account-session" class="panel account-session">
            <dl class="account-facts">
                <dt>{"Server"}</dt><dd id="account-server-value">{&session.server}</dd>
                <dt>{"Email"}</dt><dd id="account-email-value">{&session.email}</dd>
                <dt>{"Role"}</dt><dd id="account-role">{&session.role}</dd>
                <dt>{"Account id"}</dt><dd id="account-id" class="mono">{session.account_id.to_string()}</dd>
                <dt>{"Last status"}</dt>
                <dd id="account-status" data-state={account.status.as_ref().map(|s| s.state())}>{status}</dd>
            </dl>
            <div class="form-actions account-actions">
                <BusyButton id="sync-now" class="primary" label="Sync now" busy_label="Syncing\u{2026}"
                    busy={state.syncing_now} disabled={busy} onclick={on_sync_now} />
                <BusyButton id="account-logout" label="Log out" busy_label="Logging out\u{2026}"
                    busy={state.logging_out} disabled={busy} onclick={on_logout} />
                { match &state.sync_result {
                    Some(Ok(r)) => html! {
                        <span id="sync-now-result" class="notice-inline">
                            { format!("In sync: {} documents, {} changed here, {} messages sent.", r.documents, r.received, r.sent) }
                        </span>
                    },
                    _ => html! {},
                } }
            </div>
            if let Some(Err(e)) = &state.sync_result {
                <div id="sync-now-error" class="error banner" role="alert">{&e.message}</div>
            }
            if let Some(msg) = &state.logout_error {
                <div id="logout-error" class="error banner" role="alert">{msg}</div>
            }
            <p class="help">{"Logging out stops syncing; everything stays on this device."}</p>
        </div>
    }
}

fn account_form(
    state: &SettingsState,
    relogin: bool,
    on_submit: Callback<SubmitEvent>,
    on_register: Callback<MouseEvent>,
    [on_server, on_email, on_password]: [Callback<InputEvent>; 3],
    on_insecure: Callback<Event>,
) -> Html {
    let busy = state.submitting.is_some();
    html! {
        <form id="account-form" class="panel form account-form" onsubmit={on_submit} novalidate=true>
            if relogin {
                <div id="account-relogin" class="error banner" role="alert">
                    {"The sync server no longer accepts this device's session. Log in again to keep syncing."}
                </div>
            }
            if let Some(msg) = state.form_error() {
                <div id="account-form-error" class="error banner" role="alert">{msg}</div>
            }
            <TextField id="account-server" label="Server URL" kind="url" placeholder="https://sync.example.com"
                value={state.form.server.clone()} error={state.error_for("server").map(str::to_owned)}
                oninput={on_server} autocomplete="url" no_spellcheck=true />
            <label class="checkbox" for="account-allow-insecure">
                <input id="account-allow-insecure" type="checkbox" checked={state.form.allow_insecure}
                    onchange={on_insecure} />
                {" Allow plain HTTP to this server (only on a network you trust; https:// and this computer need no allowing)"}
            </label>
            <TextField id="account-email" label="Email" kind="email" placeholder="you@example.com"
                value={state.form.email.clone()} error={state.error_for("email").map(str::to_owned)}
                oninput={on_email} autocomplete="username" no_spellcheck=true />
            <TextField id="account-password" label="Password" kind="password" placeholder=""
                value={state.form.password.clone()} error={state.error_for("password").map(str::to_owned)}
                oninput={on_password} autocomplete="current-password" no_spellcheck=true />
            <div class="account-buttons">
                <BusyButton id="account-login" kind="submit" class="primary" label="Log in"
                    busy_label="Logging in\u{2026}" busy={state.submitting == Some(Submit::Login)}
                    disabled={busy} />
                if !relogin {
                    <BusyButton id="account-register" label="Create account" busy_label="Creating\u{2026}"
                        busy={state.submitting == Some(Submit::Register)} disabled={busy}
                        onclick={on_register} />
                }
            </div>
            <p class="help">{"Creating an account puts this device's sites into it. Logging in to an existing account moves them into that account."}</p>
        </form>
    }
}
