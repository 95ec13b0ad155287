//! The server's records as the API returns them, and the caller a request acts for.

use chrono::{DateTime, Utc};
use folio_model::{AccountId, Role, SiteId, UserId};
use folio_sync::{DocId, DocKind};
use serde::Serialize;
use std::fmt;
use uuid::Uuid;

/// The authenticated caller of a request (or, later, of a sync connection). Built fresh from the
/// database for every request, so a role change or a removal applies to the very next one.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user_id: UserId,
    pub account_id: AccountId,
    pub role: Role,
    pub email: String,
    /// The login (refresh-token family) the access token belongs to.
    pub session_id: String,
    /// When the presented access token expires (epoch milliseconds): a sync socket opened with
    /// it closes then.
    pub access_expires_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub included_credits: i64,
    pub max_sites: i64,
    pub max_users: i64,
    pub max_keywords: i64,
    /// Documents the account may register.
    pub max_docs: i64,
    /// Bytes of document contents the server stores for the account.
    pub max_storage_bytes: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub plan_id: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub account_id: AccountId,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Invite {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub invited_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Site {
    pub id: SiteId,
    pub account_id: AccountId,
    pub name: String,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub site_id: SiteId,
    pub user_id: UserId,
    pub email: String,
    pub role: Role,
    pub granted_by: UserId,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Doc {
    #[serde(serialize_with = "as_text")]
    pub doc_id: DocId,
    pub account_id: AccountId,
    /// The site the id names, or for an `article/{id}`, the site it was registered under.
    pub site_id: Option<SiteId>,
    #[serde(serialize_with = "kind_text")]
    pub kind: DocKind,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// A stored document kind (`docs.kind`) back to its enum.
pub fn parse_doc_kind(s: &str) -> Option<DocKind> {
    [
        DocKind::Account,
        DocKind::Site,
        DocKind::Keywords,
        DocKind::Plan,
        DocKind::Articles,
        DocKind::Article,
    ]
    .into_iter()
    .find(|k| k.as_str() == s)
}

fn as_text<T: fmt::Display, S: serde::Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

fn kind_text<S: serde::Serializer>(kind: &DocKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.as_str())
}
