//! The error shape that crosses IPC and the CLI's `--json` output: `{kind, message, field?}`.

use serde::{Deserialize, Serialize};

/// What went wrong, coarsely enough for a UI to decide how to show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input was rejected; `field` names the offending input when there is one.
    Validation,
    /// The input clashes with existing data (a duplicate name, for example).
    Conflict,
    /// The thing asked for does not exist.
    NotFound,
    /// A plan limit (sites, users, keywords) would be exceeded.
    Limit,
    /// The credit balance (or a local account's monthly budget) cannot cover the operation; it
    /// did not start.
    InsufficientCredits,
    /// The person cancelled the operation; nothing was changed.
    Cancelled,
    /// The local store could not be read or written.
    Storage,
    /// The sync server could not be reached or refused the request.
    Sync,
    /// The sync server did not accept the credentials (log in again).
    Unauthenticated,
    /// The sync server does not allow this person to do that.
    Forbidden,
    /// An AI provider failed the call; `code` says how (`auth`, `rate_limited`, `unreachable`, …).
    Provider,
    /// The WordPress site failed the request; `code` says how (`auth`, `forbidden`, `not_found`,
    /// `not_json`, `server`, `timeout`, `unreachable`, `app_passwords_unavailable`, …). Nothing
    /// local was lost.
    Wordpress,
    /// Anything else; the message says what.
    Internal,
}

/// An error as the UI and the CLI see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDto {
    pub kind: ErrorKind,
    pub message: String,
    /// The input field the error is about, named as in the DTO (`name`, `domain`, `sectors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// A finer machine-readable reason within `kind`, e.g. the provider error kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl ErrorDto {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
            code: None,
        }
    }

    /// Whether the error is about this input field (forms show it beside the field).
    pub fn is_about(&self, field: &str) -> bool {
        self.field.as_deref() == Some(field)
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl std::fmt::Display for ErrorDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ErrorDto {}
