//! The account this device syncs with and the sync indicator, shared by every page: the app
//! keeps one [`AccountState`], fed by `account_get` on load and by the shell's `sync-status`
//! events while the background sync runs.

use chrono::{DateTime, Utc};
use folio_model::{AccountSession, AccountView, ErrorDto, SyncStatus, SyncUpdate};
use std::rc::Rc;
use yew::prelude::*;

/// What the indicator says; `clock` turns a stored time into the local `HH:MM`.
pub fn status_label(status: &SyncStatus, clock: impl Fn(&DateTime<Utc>) -> String) -> String {
    match status {
        SyncStatus::LocalOnly => "Local only".to_owned(),
        SyncStatus::Offline { reason, .. } => format!("Offline \u{2014} {reason}"),
        SyncStatus::Syncing => "Syncing\u{2026}".to_owned(),
        SyncStatus::Synced { at } => format!("Synced at {}", clock(at)),
        SyncStatus::Error { reason, .. } => format!("Sync error \u{2014} {reason}"),
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountState {
    /// `false` until the first `account_get` answered.
    pub loaded: bool,
    pub load_error: Option<String>,
    pub session: Option<AccountSession>,
    /// `None` until known.
    pub status: Option<SyncStatus>,
    pub needs_login: bool,
    /// How many status events arrived; a load that was sent before the latest one carries an
    /// older status than the event and must not overwrite it.
    pub events: u32,
}

pub enum AccountAction {
    /// `sent_after` is `events` when the request was sent.
    Loaded {
        result: Result<AccountView, ErrorDto>,
        sent_after: u32,
    },
    StatusChanged(SyncUpdate),
    LoggedIn(AccountSession),
    LoggedOut,
}

impl Reducible for AccountState {
    type Action = AccountAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            AccountAction::Loaded {
                result: Ok(view),
                sent_after,
            } => {
                s.loaded = true;
                s.load_error = None;
                s.session = view.session;
                if sent_after == s.events || s.status.is_none() {
                    s.status = Some(view.status);
                    s.needs_login = view.needs_login;
                }
            }
            AccountAction::Loaded { result: Err(e), .. } => {
                s.loaded = true;
                s.load_error = Some(e.message);
            }
            AccountAction::StatusChanged(update) => {
                s.events = s.events.wrapping_add(1);
                s.status = Some(update.status);
                s.needs_login = update.needs_login;
            }
            AccountAction::LoggedIn(session) => {
                s.session = Some(session);
                s.needs_login = false;
                // The background sync reports "syncing" at once; until then, say so already.
                if matches!(s.status, None | Some(SyncStatus::LocalOnly)) {
                    s.status = Some(SyncStatus::Syncing);
                }
            }
            AccountAction::LoggedOut => {
                s.session = None;
                s.needs_login = false;
                s.status = Some(SyncStatus::LocalOnly);
            }
        }
        Rc::new(s)
    }
}

/// A UTC time as the local `HH:MM` (the webview knows the person's timezone).
#[cfg(target_arch = "wasm32")]
pub fn local_clock(at: &DateTime<Utc>) -> String {
    // Milliseconds since the epoch are exact in an f64 for any date Folio stores.
    #[allow(clippy::cast_precision_loss)]
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// Native builds (unit tests) have no webview clock: `HH:MM` in UTC.
#[cfg(not(target_arch = "wasm32"))]
pub fn local_clock(at: &DateTime<Utc>) -> String {
    at.format("%H:%M").to_string()
}

#[derive(Properties, PartialEq)]
pub struct IndicatorProps {
    pub account: UseReducerHandle<AccountState>,
}

/// The sidebar's sync indicator (`#sync-status`, its state in `data-state`); it links to
/// Settings, where the account is managed.
#[function_component(SyncIndicator)]
pub fn sync_indicator(props: &IndicatorProps) -> Html {
    let account = &props.account;
    let (state, text) = match (&account.status, account.needs_login) {
        (_, true) => ("needs_login", "Log in again".to_owned()),
        (Some(status), false) => (status.state(), status_label(status, local_clock)),
        (None, false) if account.load_error.is_some() => {
            ("error", "Sync status unavailable".to_owned())
        }
        (None, false) => ("loading", "\u{2026}".to_owned()),
    };
    let title = match (&account.session, &account.load_error) {
        (_, Some(e)) => e.clone(),
        (Some(s), None) => format!("{text}\n{} on {}", s.email, s.server),
        (None, None) => text.clone(),
    };
    html! {
        <a id="sync-status" class={classes!("sync-status", state.replace('_', "-"))} data-state={state}
            href="#settings" title={title} aria-live="polite">
            <span class="sync-dot" aria-hidden="true"></span>
            <span id="sync-status-text" class="sync-text">{text}</span>
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_model::ErrorKind;

    fn synced(at: &str) -> SyncStatus {
        SyncStatus::Synced {
            at: at.parse().unwrap(),
        }
    }

    #[test]
    fn statuses_read_from_the_shells_json() {
        let s: SyncStatus = serde_json::from_str(
            r#"{"state":"offline","reason":"cannot reach","since":"2025-01-02T03:04:05Z"}"#,
        )
        .unwrap();
        assert_eq!(s.state(), "offline");
        assert_eq!(
            status_label(&s, local_clock),
            "Offline \u{2014} cannot reach"
        );
        let s: SyncStatus =
            serde_json::from_str(r#"{"state":"synced","at":"2025-01-02T13:45:05.123Z"}"#).unwrap();
        assert_eq!(status_label(&s, local_clock), "Synced at 13:45");
        let s: SyncStatus = serde_json::from_str(r#"{"state":"local_only"}"#).unwrap();
        assert_eq!(status_label(&s, local_clock), "Local only");
    }

    #[test]
    fn a_load_sent_before_an_event_keeps_the_events_status() {
        let s = Rc::new(AccountState::default());
        let sent_after = s.events;
        let s = s.reduce(AccountAction::StatusChanged(SyncUpdate {
            status: synced("2025-01-02T13:45:05Z"),
            needs_login: false,
        }));
        let s = s.reduce(AccountAction::Loaded {
            result: Ok(AccountView {
                session: None,
                status: SyncStatus::Syncing,
                needs_login: false,
            }),
            sent_after,
        });
        assert!(s.loaded);
        assert_eq!(s.status, Some(synced("2025-01-02T13:45:05Z")));
        let sent_after = s.events;
        let s = s.reduce(AccountAction::Loaded {
            result: Ok(AccountView {
                session: None,
                status: SyncStatus::Syncing,
                needs_login: true,
            }),
            sent_after,
        });
        assert_eq!(s.status, Some(SyncStatus::Syncing));
        assert!(s.needs_login);
    }

    #[test]
    fn login_and_logout_move_the_indicator() {
        let s = Rc::new(AccountState::default());
        let s = s.reduce(AccountAction::Loaded {
            result: Err(ErrorDto::new(ErrorKind::Storage, "no store")),
            sent_after: 0,
        });
        assert_eq!(s.load_error.as_deref(), Some("no store"));
        let session = AccountSession {
            server: "http://127.0.0.1:8787".into(),
            email: "a@b.example".into(),
            account_id: uuid::Uuid::nil(),
            user_id: uuid::Uuid::max(),
            role: "owner".into(),
        };
        let s = s.reduce(AccountAction::LoggedIn(session));
        assert_eq!(s.status, Some(SyncStatus::Syncing));
        let s = s.reduce(AccountAction::LoggedOut);
        assert_eq!(s.session, None);
        assert_eq!(s.status, Some(SyncStatus::LocalOnly));
    }
}
