//! The account this device syncs with: register, log in, log out, invite, grant. The refresh
//! token goes to the OS keychain; everything else about the session (server URL, email, ids — no
//! secret) to `local_meta`.

use crate::keychain::Keychain;
use crate::sync::server_api::Api;
use crate::{CoreError, Folio};
use chrono::Utc;
use folio_model::{AccountSession, Role, SiteId, SyncStatus};
use folio_sync::api::{
    path, GrantRequest, InviteRequest, LoginRequest, RefreshRequest, RegisterRequest, Tokens,
};
use std::str::FromStr;
use uuid::Uuid;

const META_SERVER: &str = "sync_server";

const META_EMAIL: &str = "sync_email";

const META_USER: &str = "sync_user_id";

const META_ROLE: &str = "sync_role";

pub(crate) const META_STATUS: &str = "sync_status";

fn keychain_error(e: crate::keychain::KeychainError) -> CoreError {
    CoreError::Sync(e.to_string())
}

fn secret_name(device: &str) -> String {
    format!("sync-session:{device}")
}

impl Folio {
    /// The session this device syncs with, if it is logged in.
    pub async fn account_session(&self) -> Result<Option<AccountSession>, CoreError> {
        let (Some(server), Some(email), Some(user), Some(role)) = (
            self.meta(META_SERVER).await?,
            self.meta(META_EMAIL).await?,
            self.meta(META_USER).await?,
            self.meta(META_ROLE).await?,
        ) else {
            return Ok(None);
        };
        Ok(Some(AccountSession {
            server,
            email,
            account_id: self.account_id.0,
            user_id: Uuid::from_str(&user)
                .map_err(|e| CoreError::Corrupt(format!("sync user id: {e}")))?,
            role,
        }))
    }

    /// Create an account on a sync server with this device's account and data in it.
    pub async fn account_register(
        &self,
        server: &str,
        email: &str,
        password: &str,
    ) -> Result<AccountSession, CoreError> {
        let api = Api::new(server, self.insecure_sync_origin().await?.as_deref())?;
        let name: (String,) = sqlx::query_as("SELECT name FROM accounts WHERE id = ?")
            .bind(self.account_id.to_string())
            .fetch_one(&self.pool)
            .await?;
        let request = RegisterRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            account_name: Some(name.0),
            account_id: Some(self.account_id),
        };
        let tokens: Tokens = api.post(path::REGISTER, &request).await?;
        self.keep_session(&api, email, tokens).await
    }

    /// Log in to an existing account. If it is not the account this device worked in so far, the
    /// device joins it: its sites move into that account, and the next open works there (open the
    /// data directory again).
    pub async fn account_login(
        &self,
        server: &str,
        email: &str,
        password: &str,
    ) -> Result<AccountSession, CoreError> {
        let api = Api::new(server, self.insecure_sync_origin().await?.as_deref())?;
        let request = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        let tokens: Tokens = api.post(path::LOGIN, &request).await?;
        if tokens.account_id != self.account_id {
            self.join_account(tokens.account_id.0).await?;
        }
        self.keep_session(&api, email, tokens).await
    }

    async fn keep_session(
        &self,
        api: &Api,
        email: &str,
        tokens: Tokens,
    ) -> Result<AccountSession, CoreError> {
        let device = self.device_id().await?;
        Keychain::new()
            .set(&secret_name(&device), &tokens.refresh_token)
            .await
            .map_err(keychain_error)?;
        self.set_meta(META_SERVER, &api.base).await?;
        self.set_meta(META_EMAIL, &email.trim().to_lowercase())
            .await?;
        self.set_meta(META_USER, &tokens.user_id.to_string())
            .await?;
        self.set_meta(META_ROLE, tokens.role.as_str()).await?;
        tracing::info!(server = %api.base, account = %tokens.account_id, "logged in to the sync server");
        Ok(AccountSession {
            server: api.base.clone(),
            email: email.trim().to_lowercase(),
            account_id: tokens.account_id.0,
            user_id: tokens.user_id.0,
            role: tokens.role.to_string(),
        })
    }

    /// Move this device into another account: its sites go along, and it works there from the
    /// next open on.
    async fn join_account(&self, account: Uuid) -> Result<(), CoreError> {
        let mut tx = self.begin_write().await?;
        let (name, plan): (String, Option<String>) =
            sqlx::query_as("SELECT name, plan_id FROM accounts WHERE id = ?")
                .bind(self.account_id.to_string())
                .fetch_one(tx.conn())
                .await?;
        sqlx::query(
            "INSERT OR IGNORE INTO accounts (id, name, plan_id, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(account.to_string())
        .bind(name)
        .bind(plan)
        .bind(Utc::now())
        .execute(tx.conn())
        .await?;
        sqlx::query("UPDATE sites SET account_id = ? WHERE account_id = ?")
            .bind(account.to_string())
            .bind(self.account_id.to_string())
            .execute(tx.conn())
            .await?;
        sqlx::query("UPDATE local_meta SET value = ? WHERE key = 'current_account_id'")
            .bind(account.to_string())
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        self.carry_provider_keys(&self.account_id, &folio_model::AccountId(account))
            .await
    }

    /// An exclusive lock on this data directory's session, across processes.
    async fn session_lock(&self) -> Result<std::fs::File, CoreError> {
        crate::store::open::lock_file(self.data_dir().join("sync-session.lock")).await
    }

    /// Forget the session (the data stays on this device). The server is told too when it can
    /// be reached; offline, the session just ends here.
    pub async fn account_logout(&self) -> Result<(), CoreError> {
        if let Ok((api, _)) = self.authorised_api().await {
            let logout: Result<serde_json::Value, _> =
                api.post(path::LOGOUT, &serde_json::json!({})).await;
            if let Err(e) = logout {
                tracing::info!(error = %e, "the server was not told of the logout");
            }
        }
        let device = self.device_id().await?;
        Keychain::new()
            .delete(&secret_name(&device))
            .await
            .map_err(keychain_error)?;
        for key in [META_SERVER, META_EMAIL, META_USER, META_ROLE] {
            sqlx::query("DELETE FROM local_meta WHERE key = ?")
                .bind(key)
                .execute(&self.pool)
                .await?;
        }
        self.set_status(&SyncStatus::LocalOnly).await
    }

    /// A fresh access token for the session (rotating the refresh token in the keychain).
    pub(crate) async fn authorised_api(&self) -> Result<(Api, AccountSession), CoreError> {
        let session = self.account_session().await?.ok_or_else(|| {
            CoreError::invalid("account", "this device is not logged in to a sync server; run `folio account login --server URL --email E` first")
        })?;
        let mut api = Api::new(
            &session.server,
            self.insecure_sync_origin().await?.as_deref(),
        )?;
        let device = self.device_id().await?;
        // The app and the CLI may sync the same data directory at once. Refresh tokens rotate
        // and the server treats a reused one as stolen (ending the session), so one process at
        // a time reads, spends and replaces it.
        let _refreshing = self.session_lock().await?;
        let keychain = Keychain::new();
        let refresh = keychain
            .get(&secret_name(&device))
            .await
            .map_err(keychain_error)?
            .ok_or_else(|| {
                CoreError::Unauthenticated(
                    "the session is not in the OS keychain any more; log in again".into(),
                )
            })?;
        let tokens: Tokens = api
            .post(
                path::REFRESH,
                &RefreshRequest {
                    refresh_token: refresh,
                },
            )
            .await?;
        keychain
            .set(&secret_name(&device), &tokens.refresh_token)
            .await
            .map_err(keychain_error)?;
        api.access = Some(tokens.access_token);
        Ok((api, session))
    }

    /// Invite someone into the account (owners and admins). The server emails the link; with
    /// `by_link` (a server without mail) the answer carries the link (`"link"`) for the
    /// inviter to pass on.
    pub async fn account_invite(
        &self,
        email: &str,
        role: &str,
        by_link: bool,
    ) -> Result<serde_json::Value, CoreError> {
        let role: Role = role
            .parse()
            .map_err(|e: String| CoreError::invalid("role", e))?;
        let (api, _) = self.authorised_api().await?;
        let request = InviteRequest {
            email: email.to_owned(),
            role,
        };
        let route = if by_link {
            path::INVITE_LINK
        } else {
            path::INVITES
        };
        api.post(route, &request).await
    }

    /// Let a non-admin member see and edit one site.
    pub async fn site_grant(
        &self,
        site: Uuid,
        email: &str,
    ) -> Result<serde_json::Value, CoreError> {
        let (api, _) = self.authorised_api().await?;
        self.register_sites(&api).await?;
        let request = GrantRequest {
            email: email.to_owned(),
        };
        api.post(&path::site_grants(SiteId(site)), &request).await
    }
}
