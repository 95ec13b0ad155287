//! The Account & sync section's state: the login form (the password only until the shell has
//! it), what is running, and core's errors under the field they name.

use crate::forms::{clear_error_for, error_outside, message_for};
use folio_model::ErrorDto;
use folio_model::{AccountSession, SyncReport};
use std::rc::Rc;
use yew::Reducible;

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
    /// Allow this plain-HTTP server on this device (a server on a trusted network).
    pub allow_insecure: bool,
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
    AllowInsecure(bool),
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
            SettingsAction::AllowInsecure(v) => {
                s.form.allow_insecure = v;
                s.clear_error_for("server");
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
        clear_error_for(&mut self.error, field);
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        message_for(&self.error, field)
    }

    pub fn form_error(&self) -> Option<&str> {
        error_outside(&self.error, &FIELDS).map(|e| e.message.as_str())
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
