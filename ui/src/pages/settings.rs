//! Settings → Account & sync: log in to (or create) an account on a sync server, see the
//! session and the last sync, sync now, log out. Every rule is core's (or the server's); its
//! message appears under the field it names, else above the form. Below it, the AI providers
//! section (`pages/providers.rs`).

use crate::ipc;
use crate::pages::providers::ProvidersSection;
use crate::sync::{local_clock, status_label, AccountAction, AccountState};
use folio_model::ErrorDto;
use folio_model::{AccountSession, SyncReport};
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The form's fields, as the errors name them.
const FIELDS: [&str; 3] = ["server", "email", "password"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Submit {
    Login,
    Register,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountForm {
    pub server: String,
    pub email: String,
    /// Held only until the shell has it: cleared once the login went through.
    pub password: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettingsState {
    pub form: AccountForm,
    pub submitting: Option<Submit>,
    pub error: Option<ErrorDto>,
    pub syncing_now: bool,
    pub sync_result: Option<Result<SyncReport, ErrorDto>>,
    pub logging_out: bool,
    pub logout_error: Option<String>,
}

pub enum SettingsAction {
    EditServer(String),
    EditEmail(String),
    EditPassword(String),
    /// A session is known: a log-in-again form starts from its server and email.
    SessionKnown(AccountSession),
    SubmitAccount(Submit),
    AccountAccepted,
    AccountRejected(ErrorDto),
    SyncNow,
    SyncFinished(Result<SyncReport, ErrorDto>),
    LogOut,
    LoggedOut(Result<(), ErrorDto>),
}

impl Reducible for SettingsState {
    type Action = SettingsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            SettingsAction::EditServer(v) => {
                s.form.server = v;
                s.clear_error_for("server");
            }
            SettingsAction::EditEmail(v) => {
                s.form.email = v;
                s.clear_error_for("email");
            }
            SettingsAction::EditPassword(v) => {
                s.form.password = v;
                s.clear_error_for("password");
            }
            SettingsAction::SessionKnown(session) => {
                if s.form.server.is_empty() {
                    s.form.server = session.server;
                }
                if s.form.email.is_empty() {
                    s.form.email = session.email;
                }
            }
            SettingsAction::SubmitAccount(kind) => {
                s.submitting = Some(kind);
                s.error = None;
            }
            SettingsAction::AccountAccepted => {
                s.submitting = None;
                s.form.password.clear();
                s.sync_result = None;
                s.logout_error = None;
            }
            SettingsAction::AccountRejected(e) => {
                s.submitting = None;
                s.error = Some(e);
            }
            SettingsAction::SyncNow => {
                s.syncing_now = true;
                s.sync_result = None;
            }
            SettingsAction::SyncFinished(result) => {
                s.syncing_now = false;
                s.sync_result = Some(result);
            }
            SettingsAction::LogOut => {
                s.logging_out = true;
                s.logout_error = None;
            }
            SettingsAction::LoggedOut(Ok(())) => {
                s.logging_out = false;
                s.sync_result = None;
                s.form.password.clear();
            }
            SettingsAction::LoggedOut(Err(e)) => {
                s.logging_out = false;
                s.logout_error = Some(e.message);
            }
        }
        Rc::new(s)
    }
}

impl SettingsState {
    fn clear_error_for(&mut self, field: &str) {
        if self.error.as_ref().is_some_and(|e| e.is_about(field)) {
            self.error = None;
        }
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.is_about(field))
            .map(|e| e.message.as_str())
    }

    pub fn form_error(&self) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| !e.field.as_deref().is_some_and(|f| FIELDS.contains(&f)))
            .map(|e| e.message.as_str())
    }
}

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
                let result = match kind {
                    Submit::Login => ipc::login(&form.server, &form.email, &form.password).await,
                    Submit::Register => {
                        ipc::register_account(&form.server, &form.email, &form.password).await
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
                state.dispatch(SettingsAction::SyncFinished(ipc::sync_now().await));
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
                let result = ipc::logout().await;
                if result.is_ok() {
                    account.dispatch(AccountAction::LoggedOut);
                }
                state.dispatch(SettingsAction::LoggedOut(result));
            });
        })
    };
    let edit = |make: fn(String) -> SettingsAction| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            state.dispatch(make(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
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
                <button id="sync-now" type="button" class="primary" onclick={on_sync_now} disabled={busy}>
                    { if state.syncing_now { "Syncing\u{2026}" } else { "Sync now" } }
                </button>
                <button id="account-logout" type="button" onclick={on_logout} disabled={busy}>
                    { if state.logging_out { "Logging out\u{2026}" } else { "Log out" } }
                </button>
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
            { field("server", "Server URL", "url", "https://sync.example.com", &state.form.server, state.error_for("server"), on_server, "url") }
            { field("email", "Email", "email", "you@example.com", &state.form.email, state.error_for("email"), on_email, "username") }
            { field("password", "Password", "password", "", &state.form.password, state.error_for("password"), on_password, "current-password") }
            <div class="account-buttons">
                <button id="account-login" type="submit" class="primary" disabled={busy}>
                    { if state.submitting == Some(Submit::Login) { "Logging in\u{2026}" } else { "Log in" } }
                </button>
                if !relogin {
                    <button id="account-register" type="button" onclick={on_register} disabled={busy}>
                        { if state.submitting == Some(Submit::Register) { "Creating\u{2026}" } else { "Create account" } }
                    </button>
                }
            </div>
            <p class="help">{"Creating an account puts this device's sites into it. Logging in to an existing account moves them into that account."}</p>
        </form>
    }
}

#[allow(clippy::too_many_arguments)] // one call per field reads better than a struct here
fn field(
    id: &'static str,
    label: &'static str,
    kind: &'static str,
    placeholder: &'static str,
    value: &str,
    error: Option<&str>,
    oninput: Callback<InputEvent>,
    autocomplete: &'static str,
) -> Html {
    let input_id = format!("account-{id}");
    let error_id = format!("account-{id}-error");
    html! {
        <div class={classes!("field", error.is_some().then_some("invalid"))}>
            <label for={input_id.clone()}>{label}</label>
            <input id={input_id} type={kind} placeholder={placeholder} value={value.to_owned()} {oninput}
                autocomplete={autocomplete} spellcheck="false"
                aria-invalid={error.is_some().to_string()} aria-describedby={error_id.clone()} />
            if let Some(msg) = error { <div id={error_id} class="error" role="alert">{msg}</div> }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_model::ErrorKind;

    #[test]
    fn errors_go_under_their_field_and_clear_when_it_is_edited() {
        let s = Rc::new(SettingsState::default());
        let s = s.reduce(SettingsAction::SubmitAccount(Submit::Register));
        assert_eq!(s.submitting, Some(Submit::Register));
        let s = s.reduce(SettingsAction::AccountRejected(
            ErrorDto::new(ErrorKind::Conflict, "taken").with_field("email"),
        ));
        assert_eq!(s.submitting, None);
        assert_eq!(s.error_for("email"), Some("taken"));
        assert_eq!(s.form_error(), None);
        let s = s.reduce(SettingsAction::EditServer("http://x".into()));
        assert_eq!(s.error_for("email"), Some("taken"), "other fields keep it");
        let s = s.reduce(SettingsAction::EditEmail("b@c.example".into()));
        assert_eq!(s.error_for("email"), None);

        let s = s.reduce(SettingsAction::AccountRejected(ErrorDto::new(
            ErrorKind::Sync,
            "cannot reach",
        )));
        assert_eq!(s.form_error(), Some("cannot reach"));
    }

    #[test]
    fn the_password_is_dropped_once_accepted_and_a_session_fills_the_form() {
        let s = Rc::new(SettingsState::default());
        let s = s.reduce(SettingsAction::EditPassword("secret-pass-123".into()));
        let s = s.reduce(SettingsAction::SubmitAccount(Submit::Login));
        let s = s.reduce(SettingsAction::AccountAccepted);
        assert_eq!(s.form.password, "");
        let s = s.reduce(SettingsAction::EditEmail("typed@x.example".into()));
        let s = s.reduce(SettingsAction::SessionKnown(AccountSession {
            server: "http://127.0.0.1:8787".into(),
            email: "kept@x.example".into(),
            account_id: uuid::Uuid::nil(),
            user_id: uuid::Uuid::nil(),
            role: "owner".into(),
        }));
        assert_eq!(s.form.server, "http://127.0.0.1:8787");
        assert_eq!(s.form.email, "typed@x.example", "what was typed wins");
    }
}
