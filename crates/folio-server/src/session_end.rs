//! Sync sockets live no longer than the login that opened them (DESIGN §3, trust inside an
//! account). A socket is authenticated once, at the upgrade; after that it is ended by:
//!
//! - a notice: whoever ends a login on this instance (logout, password reset, a reused refresh
//!   token, a removal) broadcasts a [`SessionEnd`] to every live socket, which closes at once even
//!   if idle;
//! - a re-check before every frame it accepts (one primary-key lookup of the login, plus the
//!   access token's expiry time held in memory): this is what makes a frame sent after the end
//!   never applied, whatever the order in which the socket hears of the frame and of the notice,
//!   and what ends sockets on other instances in scale mode, which hear no notice;
//! - a timer at the access token's expiry.
//!
//! The socket then closes with one of `folio_sync::close`'s codes.

use crate::model::Principal;
use crate::store::{now_ms, ServerStore, SessionStatus};
use crate::ServerError;
use folio_model::UserId;
use folio_sync::SessionClose;
use tokio::sync::broadcast;

/// Notices a slow socket may fall behind by; one that falls further re-checks its login.
pub const NOTICE_CAPACITY: usize = 256;

/// Whose logins ended, and why.
#[derive(Clone, Debug)]
pub struct SessionEnd {
    pub whose: Whose,
    pub why: SessionClose,
}

#[derive(Clone, Debug)]
pub enum Whose {
    /// One login (logout, a reused refresh token).
    Session(String),
    /// Every login of a user (password reset, removal from the account).
    User(UserId),
}

impl SessionEnd {
    pub fn session(session_id: &str, why: SessionClose) -> Self {
        Self {
            whose: Whose::Session(session_id.to_owned()),
            why,
        }
    }

    pub fn user(user_id: UserId, why: SessionClose) -> Self {
        Self {
            whose: Whose::User(user_id),
            why,
        }
    }

    /// Whether this notice ends the socket opened by `principal`.
    pub fn ends(&self, principal: &Principal) -> bool {
        match &self.whose {
            Whose::Session(id) => *id == principal.session_id,
            Whose::User(user) => *user == principal.user_id,
        }
    }
}

/// The notices' channel: one per server, shared by the auth flows and the relay.
pub fn channel() -> broadcast::Sender<SessionEnd> {
    broadcast::channel(NOTICE_CAPACITY).0
}

/// The re-check before a frame: `Some(why)` once the socket's login is over.
pub async fn check(
    store: &ServerStore,
    principal: &Principal,
) -> Result<Option<SessionClose>, ServerError> {
    if now_ms() >= principal.access_expires_at {
        return Ok(Some(SessionClose::AccessExpired));
    }
    Ok(match store.session_status(&principal.session_id).await? {
        SessionStatus::Live => None,
        SessionStatus::Ended => Some(SessionClose::SessionEnded),
        // The login's row goes when its user is removed (cascade). A login purged because all
        // its tokens expired cannot reach here: its access token expired first.
        SessionStatus::Gone => Some(SessionClose::Removed),
    })
}

/// When the access token expires, as a tokio instant (now if it already has).
pub fn expiry(principal: &Principal) -> tokio::time::Instant {
    let left = principal.access_expires_at.saturating_sub(now_ms()).max(0);
    tokio::time::Instant::now() + std::time::Duration::from_millis(left.unsigned_abs())
}
