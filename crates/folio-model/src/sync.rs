//! The device's sync with a Folio sync server, as core reports it and the shell, the CLI and the
//! UI show it: the session, the indicator's status and what a round did.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The account this device syncs with. Holds no secret: the refresh token is in the keychain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSession {
    pub server: String,
    pub email: String,
    pub account_id: Uuid,
    pub user_id: Uuid,
    pub role: String,
}

/// What the sync indicator shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncStatus {
    /// Not logged in to a sync server.
    LocalOnly,
    Offline {
        reason: String,
        since: DateTime<Utc>,
    },
    Syncing,
    Synced {
        at: DateTime<Utc>,
    },
    Error {
        reason: String,
        at: DateTime<Utc>,
    },
}

impl SyncStatus {
    /// A stable name of the state (the serialised tag), for styles, tests and logs.
    pub fn state(&self) -> &'static str {
        match self {
            SyncStatus::LocalOnly => "local_only",
            SyncStatus::Offline { .. } => "offline",
            SyncStatus::Syncing => "syncing",
            SyncStatus::Synced { .. } => "synced",
            SyncStatus::Error { .. } => "error",
        }
    }

    /// Whether two statuses read the same to a person: the same state and reason, and for
    /// "synced" the same minute (a status that only moves its time within a minute is not news).
    pub fn same_on_screen(&self, other: &SyncStatus) -> bool {
        match (self, other) {
            (SyncStatus::LocalOnly, SyncStatus::LocalOnly)
            | (SyncStatus::Syncing, SyncStatus::Syncing) => true,
            (SyncStatus::Synced { at: x }, SyncStatus::Synced { at: y }) => {
                x.timestamp() / 60 == y.timestamp() / 60
            }
            (SyncStatus::Offline { reason: a, .. }, SyncStatus::Offline { reason: b, .. })
            | (SyncStatus::Error { reason: a, .. }, SyncStatus::Error { reason: b, .. }) => a == b,
            _ => false,
        }
    }
}

/// What one sync round did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Documents in sync with the server after the round.
    pub documents: usize,
    /// Documents that changed here because of remote changes.
    pub received: usize,
    /// Sync messages this device sent.
    pub sent: usize,
    /// Documents the server would not sync, with the reason (`forbidden`, `read_only`, …).
    pub refused: Vec<(String, String)>,
    pub millis: u64,
}

/// The account as the Settings page and the sync indicator show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub session: Option<AccountSession>,
    pub status: SyncStatus,
    /// The server no longer accepts the session: the page asks to log in again.
    pub needs_login: bool,
}

/// A change of the sync indicator, pushed by the app while the background sync runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncUpdate {
    pub status: SyncStatus,
    pub needs_login: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_keep_their_wire_shape() {
        let s: SyncStatus = serde_json::from_str(
            r#"{"state":"offline","reason":"cannot reach","since":"2025-01-02T03:04:05Z"}"#,
        )
        .unwrap();
        assert_eq!(s.state(), "offline");
        let s: SyncStatus = serde_json::from_str(r#"{"state":"local_only"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"state":"local_only"}"#
        );
    }

    #[test]
    fn a_synced_time_within_the_same_minute_is_not_news() {
        let at = |s: &str| SyncStatus::Synced {
            at: s.parse().unwrap(),
        };
        assert!(at("2025-01-02T13:45:05Z").same_on_screen(&at("2025-01-02T13:45:59Z")));
        assert!(!at("2025-01-02T13:45:59Z").same_on_screen(&at("2025-01-02T13:46:00Z")));
        assert!(!SyncStatus::Syncing.same_on_screen(&SyncStatus::LocalOnly));
    }
}
