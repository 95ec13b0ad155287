//! The sync server's HTTP API: its paths and the JSON bodies the device and the server
//! exchange, declared once so the two sides cannot drift (the WebSocket frames are
//! [`crate::frame`]'s). The server routes [`path`]'s templates under [`PREFIX`]; the device
//! fills them with the functions beside them.
//!
//! Pinned by `crates/folio-server/tests/auth.rs` (the wire shape of [`Tokens`]), the
//! server's isolation and people tests (every route), and `crates/folio-core/tests/sync_*.rs`
//! (the device against a real server).

use folio_model::{AccountId, Role, SiteId, UserId};
use serde::{Deserialize, Serialize};

/// Every API path starts with this.
pub const PREFIX: &str = "/v1";

/// Paths under [`PREFIX`], as axum route templates.
pub mod path {
    use folio_model::SiteId;

    pub const REGISTER: &str = "/auth/register";
    pub const LOGIN: &str = "/auth/login";
    pub const REFRESH: &str = "/auth/refresh";
    pub const LOGOUT: &str = "/auth/logout";
    pub const PASSWORD_RESET: &str = "/auth/password-reset";
    pub const PASSWORD_RESET_CONFIRM: &str = "/auth/password-reset/confirm";
    pub const ME: &str = "/me";
    pub const ACCOUNT: &str = "/account";
    pub const INVITES: &str = "/account/invites";
    /// Owners and admins: create an invite and get its link back instead of an email (the way
    /// to invite on a server without mail).
    pub const INVITE_LINK: &str = "/account/invites/link";
    pub const ACCEPT_INVITE: &str = "/invites/accept";
    pub const USER_ROLE: &str = "/account/users/{user_id}/role";
    pub const USER: &str = "/account/users/{user_id}";
    pub const SITES: &str = "/sites";
    pub const SITE_GRANTS: &str = "/sites/{site_id}/grants";
    pub const SITE_GRANT: &str = "/sites/{site_id}/grants/{user_id}";
    pub const DOCS: &str = "/docs";
    /// Document ids contain `/` (`site/{id}/plan`), hence the wildcard.
    pub const DOC: &str = "/docs/{*doc_id}";
    /// The WebSocket ([`crate::frame`]).
    pub const SYNC: &str = "/sync";

    /// [`SITE_GRANTS`] for one site.
    pub fn site_grants(site: SiteId) -> String {
        SITE_GRANTS.replace("{site_id}", &site.to_string())
    }
}

/// `path` under [`PREFIX`], as the device requests it.
pub fn url_path(path: &str) -> String {
    format!("{PREFIX}{path}")
}

/// `POST /auth/register`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub account_name: Option<String>,
    /// The device's local account id, so its data joins the new server account without
    /// re-keying.
    #[serde(default)]
    pub account_id: Option<AccountId>,
}

/// `POST /auth/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// `POST /auth/refresh`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// What register, login, refresh and accepting an invite answer.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub account_id: AccountId,
    pub user_id: UserId,
    pub role: Role,
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// Never print the tokens.
impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("account_id", &self.account_id)
            .field("user_id", &self.user_id)
            .field("role", &self.role)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// `POST /auth/password-reset`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordResetRequest {
    pub email: String,
}

/// `POST /auth/password-reset/confirm`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordResetConfirm {
    pub token: String,
    pub password: String,
}

/// `GET /me`: the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: UserId,
    pub email: String,
    pub role: Role,
    pub account_id: AccountId,
    pub account_name: String,
    pub plan_id: String,
    pub site_grants: Vec<SiteId>,
}

/// `POST /account/invites`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRequest {
    pub email: String,
    pub role: Role,
}

/// `POST /invites/accept`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInvite {
    pub token: String,
    pub password: String,
}

/// `PUT /account/users/{user_id}/role`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRequest {
    pub role: Role,
}

/// `POST /sites`: register a site of the caller's account (idempotent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRequest {
    pub site_id: SiteId,
    pub name: String,
}

/// `POST /sites/{site_id}/grants`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRequest {
    pub email: String,
}

/// `POST /docs`: register a document (idempotent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocRequest {
    pub doc_id: String,
    /// Optional, since the id says it; when sent it must agree.
    #[serde(default)]
    pub kind: Option<String>,
    /// Required for `article/{id}` (its id names no site); for other site documents optional
    /// and, when sent, equal to the site the id names.
    #[serde(default)]
    pub site_id: Option<SiteId>,
}

/// `GET /docs?site_id=…`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocsQuery {
    #[serde(default)]
    pub site_id: Option<String>,
}

/// A document as `GET /docs` lists it (the fields the device reads; the server sends more).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedDoc {
    pub doc_id: String,
}

/// The envelope of every list answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// Every error answer: `{"error": {"kind", "message", "field"?}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ApiError,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub kind: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn filled_paths_follow_their_templates() {
        let site = SiteId(Uuid::nil());
        assert_eq!(
            path::site_grants(site),
            "/sites/00000000-0000-0000-0000-000000000000/grants"
        );
        assert_eq!(url_path(path::LOGIN), "/v1/auth/login");
    }

    #[test]
    fn error_bodies_leave_out_a_missing_field() {
        let body = ErrorBody {
            error: ApiError {
                kind: "validation".into(),
                message: "bad".into(),
                field: None,
            },
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"error":{"kind":"validation","message":"bad"}}"#
        );
    }

    #[test]
    fn tokens_never_show_in_debug() {
        let t = Tokens {
            account_id: AccountId(Uuid::nil()),
            user_id: UserId(Uuid::nil()),
            role: Role::Owner,
            access_token: "fa_secret_access".into(),
            refresh_token: "fr_secret_refresh".into(),
            token_type: "Bearer".into(),
            expires_in: 900,
        };
        let shown = format!("{t:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
