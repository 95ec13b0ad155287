//! Why the server closed a sync socket: the WebSocket close codes it uses (RFC 6455 leaves
//! 4000–4999 to applications), so a device can tell "refresh and reconnect" from "log in again"
//! from "you are no longer a member". The close frame's reason is a sentence for people; the code
//! is what a program should look at.
//!
//! The socket is authenticated once, at the upgrade, with an access token. It lives no longer
//! than that token and the login (session) behind it: the server checks the session before every
//! frame it accepts and closes the socket as soon as it hears the session ended.

/// The access token the socket was opened with expired. The login is still good: refresh the
/// token (`POST /v1/auth/refresh`) and reconnect.
pub const CLOSE_ACCESS_EXPIRED: u16 = 4001;

/// The login behind the socket ended: logged out, the password was reset, or a spent refresh
/// token was presented again (the server took it for theft and ended the login). Refreshing will
/// not help; the person has to log in again.
pub const CLOSE_SESSION_ENDED: u16 = 4002;

/// The user was removed from the account. Logging in again will not help either: the account's
/// data is no longer theirs to sync.
pub const CLOSE_REMOVED: u16 = 4003;

/// What a close code from the server means, if it is one of Folio's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionClose {
    AccessExpired,
    SessionEnded,
    Removed,
}

impl SessionClose {
    pub fn code(self) -> u16 {
        match self {
            SessionClose::AccessExpired => CLOSE_ACCESS_EXPIRED,
            SessionClose::SessionEnded => CLOSE_SESSION_ENDED,
            SessionClose::Removed => CLOSE_REMOVED,
        }
    }

    pub fn from_code(code: u16) -> Option<Self> {
        match code {
            CLOSE_ACCESS_EXPIRED => Some(SessionClose::AccessExpired),
            CLOSE_SESSION_ENDED => Some(SessionClose::SessionEnded),
            CLOSE_REMOVED => Some(SessionClose::Removed),
            _ => None,
        }
    }

    /// The close frame's reason (well under the 123 bytes a close reason may take).
    pub fn reason(self) -> &'static str {
        match self {
            SessionClose::AccessExpired => "the access token expired; refresh it and reconnect",
            SessionClose::SessionEnded => "this login has ended; log in again",
            SessionClose::Removed => "you were removed from this account",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_reasons_fit_a_close_frame() {
        for close in [
            SessionClose::AccessExpired,
            SessionClose::SessionEnded,
            SessionClose::Removed,
        ] {
            assert_eq!(SessionClose::from_code(close.code()), Some(close));
            assert!((4000..5000).contains(&close.code()));
            assert!(close.reason().len() <= 123);
        }
        assert_eq!(SessionClose::from_code(1000), None);
    }
}
