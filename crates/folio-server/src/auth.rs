//! Accounts, logins and the flows around them (register, login, refresh, logout, password reset,
//! invites). The HTTP handlers call these; the store does the transactional part.
//!
//! Tokens are opaque (not JWTs) so that revocation is immediate: an access token is only valid
//! while its login (session) row is live, which is what lets a logout, a reused refresh token or
//! a removed user end access at the next request instead of at token expiry.

use crate::config::{PasswordHashing, PlanId, TokenLifetimes};
use crate::mail::{Mail, MailKind, Mailer};
use crate::model::{Invite, Principal, User};
use crate::secrets::{self, TokenKind};
use crate::session_end::SessionEnd;
use crate::store::{now_ms, NewAccount, RefreshOutcome, RotateRules, ServerStore, SessionTokens};
use crate::ServerError;
use folio_model::{AccountId, Role, UserId};
use folio_sync::api::Tokens;
use folio_sync::SessionClose;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// What every route shares.
#[derive(Clone)]
pub struct AppState {
    pub store: ServerStore,
    pub settings: Arc<Settings>,
    /// The sync socket's shared documents (`GET /v1/sync`).
    pub relay: Arc<crate::relay::Relay>,
}

pub struct Settings {
    pub hashing: PasswordHashing,
    pub lifetimes: TokenLifetimes,
    pub mailer: Mailer,
    /// Base of links in emails, without a trailing slash.
    pub public_url: String,
    pub default_plan: PlanId,
    /// A hash of a random password, verified against when an email is unknown so that a login
    /// takes as long for a stranger's address as for a member's.
    pub dummy_hash: String,
    /// Every password hash and check goes through this bound.
    pub hash_gate: Arc<crate::hashing::HashGate>,
    pub limiter: crate::rate_limit::Limiter,
    /// See `ServerConfig::trust_proxy`.
    pub trust_proxy: bool,
}

/// A fresh access + refresh pair: the tokens for the client, their hashes for the store.
fn new_token_pair(lifetimes: &TokenLifetimes) -> (String, String, SessionTokens) {
    let access = secrets::new_token(TokenKind::Access);
    let refresh = secrets::new_token(TokenKind::Refresh);
    let now = now_ms();
    let stored = SessionTokens {
        access_hash: sha(TokenKind::Access, &access),
        access_expires_at: now.saturating_add(millis(lifetimes.access)),
        refresh_hash: sha(TokenKind::Refresh, &refresh),
        refresh_expires_at: now.saturating_add(millis(lifetimes.refresh)),
    };
    (access, refresh, stored)
}

// Tokens we just minted always carry their own prefix, so the hash exists; the fallback keeps the
// function total without an unwrap.
fn sha(kind: TokenKind, token: &str) -> String {
    secrets::token_hash(kind, token).unwrap_or_default()
}

pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl AppState {
    async fn hash(&self, password: &str) -> Result<String, ServerError> {
        self.settings
            .hash_gate
            .hash(self.settings.hashing, password)
            .await
    }

    fn tokens(&self, user: &User, access: String, refresh: String) -> Tokens {
        Tokens {
            account_id: user.account_id,
            user_id: user.id,
            role: user.role,
            access_token: access,
            refresh_token: refresh,
            token_type: "Bearer".to_owned(),
            expires_in: self.settings.lifetimes.access.as_secs(),
        }
    }

    /// A new account on the server's default plan, with the caller as its owner. A device that
    /// already has a local account may pass its id so its data joins the server account as is.
    pub async fn register(
        &self,
        email: &str,
        password: &str,
        account_name: Option<&str>,
        account_id: Option<AccountId>,
    ) -> Result<Tokens, ServerError> {
        let email = secrets::normalize_email(email)?;
        secrets::validate_password(password)?;
        let name = match account_name.map(str::trim) {
            Some("") | None => "My account".to_owned(),
            Some(n) if n.chars().count() > 200 => {
                return Err(ServerError::invalid(
                    "account_name",
                    "the account name is too long: use at most 200 characters",
                ))
            }
            Some(n) => n.to_owned(),
        };
        let password_hash = self.hash(password).await?;
        let (access, refresh, stored) = new_token_pair(&self.settings.lifetimes);
        let (account, user, _session) = self
            .store
            .create_account(
                NewAccount {
                    account_id: account_id.unwrap_or(AccountId(Uuid::now_v7())),
                    name,
                    plan: self.settings.default_plan,
                    owner_id: UserId(Uuid::now_v7()),
                    email,
                    password_hash,
                },
                &stored,
            )
            .await?;
        tracing::info!(account_id = %account.id, user_id = %user.id, plan = %account.plan_id, "account registered");
        Ok(self.tokens(&user, access, refresh))
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<Tokens, ServerError> {
        let wrong = || {
            ServerError::Unauthenticated(
                "the email or the password is wrong; check both, or reset the password".into(),
            )
        };
        // An address that is not even well formed cannot have an account; same answer as a miss.
        let Ok(email) = secrets::normalize_email(email) else {
            return Err(wrong());
        };
        let Some((user, hash)) = self.store.credentials(&email).await? else {
            // Spend the same argon2 time as a real check, so timing does not reveal members.
            let _ = self
                .settings
                .hash_gate
                .verify(&self.settings.dummy_hash, password)
                .await?;
            return Err(wrong());
        };
        if !self.settings.hash_gate.verify(&hash, password).await? {
            tracing::info!(user_id = %user.id, "login refused: wrong password");
            return Err(wrong());
        }
        let (access, refresh, stored) = new_token_pair(&self.settings.lifetimes);
        self.store.create_session(user.id, &stored).await?;
        tracing::info!(user_id = %user.id, "logged in");
        Ok(self.tokens(&user, access, refresh))
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<Tokens, ServerError> {
        let invalid = || {
            ServerError::Unauthenticated(
                "the refresh token is invalid, expired or revoked; log in again".into(),
            )
        };
        let hash = secrets::token_hash(TokenKind::Refresh, refresh_token).ok_or_else(invalid)?;
        let (access, refresh, stored) = new_token_pair(&self.settings.lifetimes);
        let lifetimes = &self.settings.lifetimes;
        let rules = RotateRules {
            sealed_next: crate::sealed::seal(refresh_token, &access, &refresh),
            grace_ms: millis(lifetimes.refresh_grace),
            session_max_ms: millis(lifetimes.session_max),
        };
        match self.store.rotate_refresh(&hash, &stored, &rules).await? {
            RefreshOutcome::Invalid => Err(invalid()),
            RefreshOutcome::Retried { user_id, sealed } => {
                let (access, refresh) =
                    crate::sealed::unseal(refresh_token, &sealed).ok_or_else(invalid)?;
                tracing::info!(%user_id, "a refresh was retried within the grace window; the same pair is sent again");
                let user = self.store.user(user_id).await?.ok_or_else(invalid)?;
                Ok(self.tokens(&user, access, refresh))
            }
            RefreshOutcome::SessionExpired { user_id } => {
                tracing::info!(%user_id, "a login reached its absolute lifetime");
                Err(ServerError::SessionExpired(
                    "this login has reached the longest a login may last; log in again".into(),
                ))
            }
            RefreshOutcome::Reused {
                user_id,
                session_id,
            } => {
                tracing::warn!(%user_id, %session_id, "a spent refresh token was presented again; the login is revoked");
                self.relay
                    .sessions_ended(SessionEnd::session(&session_id, SessionClose::SessionEnded));
                Err(invalid())
            }
            RefreshOutcome::Rotated { user_id } => {
                let user = self.store.user(user_id).await?.ok_or_else(invalid)?;
                Ok(self.tokens(&user, access, refresh))
            }
        }
    }

    pub async fn logout(&self, principal: &Principal) -> Result<(), ServerError> {
        self.store
            .revoke_session(&principal.session_id, "logged out")
            .await?;
        self.relay.sessions_ended(SessionEnd::session(
            &principal.session_id,
            SessionClose::SessionEnded,
        ));
        tracing::info!(user_id = %principal.user_id, "logged out");
        Ok(())
    }

    /// Start a password reset. Answers the same whether or not the address is known: the work
    /// (and its timing) happens in a background task, and only a member's address gets mail.
    pub fn request_password_reset(&self, email: &str) -> Result<(), ServerError> {
        // Said to everyone alike, member or not, so it reveals nothing about the address.
        self.settings.mailer.ensure_configured()?;
        let Ok(email) = secrets::normalize_email(email) else {
            return Ok(());
        };
        let state = self.clone();
        tokio::spawn(async move {
            if let Err(e) = state.send_password_reset(&email).await {
                tracing::error!(error = %e, "could not start a password reset");
            }
        });
        Ok(())
    }

    async fn send_password_reset(&self, email: &str) -> Result<(), ServerError> {
        let Some((user, _)) = self.store.credentials(email).await? else {
            tracing::info!("password reset asked for an unknown address; nothing sent");
            return Ok(());
        };
        let token = secrets::new_token(TokenKind::PasswordReset);
        let expires_at = now_ms().saturating_add(millis(self.settings.lifetimes.password_reset));
        self.store
            .create_password_reset(user.id, &sha(TokenKind::PasswordReset, &token), expires_at)
            .await?;
        self.settings
            .mailer
            .send(Mail {
                kind: MailKind::PasswordReset,
                to: user.email.clone(),
                subject: "Reset your Folio password".into(),
                link: format!("{}/reset-password#token={token}", self.settings.public_url),
                token,
            })
            .await
    }

    pub async fn confirm_password_reset(
        &self,
        token: &str,
        password: &str,
    ) -> Result<(), ServerError> {
        let hash = secrets::token_hash(TokenKind::PasswordReset, token)
            .ok_or_else(|| crate::store::invalid_token("password reset"))?;
        secrets::validate_password(password)?;
        let password_hash = self.hash(password).await?;
        match self.store.reset_password(&hash, &password_hash).await? {
            Some(user_id) => {
                tracing::info!(%user_id, "password reset; every login of the user was ended");
                self.relay
                    .sessions_ended(SessionEnd::user(user_id, SessionClose::SessionEnded));
                Ok(())
            }
            None => Err(crate::store::invalid_token("password reset")),
        }
    }

    /// Invite by email: refused with `mail_not_configured` before anything is created when the
    /// server cannot send mail.
    pub async fn invite(
        &self,
        actor: &Principal,
        email: &str,
        role: Role,
    ) -> Result<Invite, ServerError> {
        self.settings.mailer.ensure_configured()?;
        let (invite, mail) = self.new_invite(actor, email, role).await?;
        self.settings.mailer.send(mail).await?;
        Ok(invite)
    }

    /// Invite without an email: the link goes back to the owner or admin who asked (and is
    /// logged nowhere), for them to pass on.
    pub async fn invite_link(
        &self,
        actor: &Principal,
        email: &str,
        role: Role,
    ) -> Result<(Invite, String), ServerError> {
        let (invite, mail) = self.new_invite(actor, email, role).await?;
        Ok((invite, mail.link))
    }

    async fn new_invite(
        &self,
        actor: &Principal,
        email: &str,
        role: Role,
    ) -> Result<(Invite, Mail), ServerError> {
        let email = secrets::normalize_email(email)?;
        let token = secrets::new_token(TokenKind::Invite);
        let expires_at = now_ms().saturating_add(millis(self.settings.lifetimes.invite));
        let invite = self
            .store
            .create_invite(
                actor,
                &email,
                role,
                &sha(TokenKind::Invite, &token),
                expires_at,
            )
            .await?;
        tracing::info!(account_id = %actor.account_id, invite_id = %invite.id, role = %role, "invite created");
        let mail = Mail {
            kind: MailKind::Invite,
            to: email,
            subject: "You are invited to a Folio account".into(),
            link: format!("{}/accept-invite#token={token}", self.settings.public_url),
            token,
        };
        Ok((invite, mail))
    }

    pub async fn accept_invite(&self, token: &str, password: &str) -> Result<Tokens, ServerError> {
        let hash = secrets::token_hash(TokenKind::Invite, token)
            .ok_or_else(|| crate::store::invalid_token("invite"))?;
        secrets::validate_password(password)?;
        let password_hash = self.hash(password).await?;
        let (access, refresh, stored) = new_token_pair(&self.settings.lifetimes);
        let (user, _session) = self
            .store
            .accept_invite(&hash, UserId(Uuid::now_v7()), &password_hash, &stored)
            .await?;
        tracing::info!(account_id = %user.account_id, user_id = %user.id, role = %user.role, "invite accepted");
        Ok(self.tokens(&user, access, refresh))
    }

    /// The caller behind an access token.
    pub async fn authenticate(&self, access_token: &str) -> Result<Principal, ServerError> {
        let unauthenticated = || {
            ServerError::Unauthenticated(
                "the access token is missing, expired or revoked; refresh it or log in again"
                    .into(),
            )
        };
        let hash =
            secrets::token_hash(TokenKind::Access, access_token).ok_or_else(unauthenticated)?;
        self.store
            .authenticate(&hash)
            .await?
            .ok_or_else(unauthenticated)
    }
}
