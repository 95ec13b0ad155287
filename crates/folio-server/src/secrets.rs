//! Tokens, passwords and email addresses: everything that turns a secret into something storable.
//!
//! Tokens are opaque random strings; the database keeps only their SHA-256. A lookup by hash is
//! the comparison, so no byte-by-byte comparison of a secret ever happens in our code (nothing to
//! time), and a stolen database holds no usable token.

use crate::config::PasswordHashing;
use crate::ServerError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Long enough for any passphrase or manager-generated password, short enough that nobody can make
/// the server hash megabytes.
pub const MAX_PASSWORD_CHARS: usize = 512;

/// What a token is for. The prefix makes a leaked token recognisable (and greppable by secret
/// scanners) and lets the server refuse a token presented in the wrong place without a lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
    PasswordReset,
    Invite,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Access => "fat_",
            TokenKind::Refresh => "frt_",
            TokenKind::PasswordReset => "fpr_",
            TokenKind::Invite => "fin_",
        }
    }
}

/// A fresh token: 256 random bits from the thread-local CSPRNG, base64url.
pub fn new_token(kind: TokenKind) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{}{}",
        kind.prefix(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The stored form of a token (hex SHA-256), or `None` when it cannot be one of `kind`.
pub fn token_hash(kind: TokenKind, token: &str) -> Option<String> {
    let token = token.trim();
    if !token.starts_with(kind.prefix()) || token.len() > 128 {
        return None;
    }
    Some(sha256_hex(token))
}

fn sha256_hex(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

pub fn validate_password(password: &str) -> Result<(), ServerError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(ServerError::invalid(
            "password",
            format!("the password is too short: use at least {MIN_PASSWORD_CHARS} characters (a few words work well)"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(ServerError::invalid(
            "password",
            format!("the password is too long: use at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Trimmed and lowercased, so `Ann@Example.com` and `ann@example.com ` are one person. Loose on
/// purpose: the only real test of an address is mail reaching it.
pub fn normalize_email(email: &str) -> Result<String, ServerError> {
    let email = email.trim().to_lowercase();
    let bad = || {
        ServerError::invalid(
            "email",
            format!("{email:?} is not an email address; use the form name@example.com"),
        )
    };
    if email.len() > 254 || email.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let (local, domain) = email.rsplit_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !domain.contains('@');
    if local.is_empty() || !domain_ok {
        return Err(bad());
    }
    Ok(email)
}

fn argon2(hashing: PasswordHashing) -> Result<Argon2<'static>, ServerError> {
    let params = match hashing {
        PasswordHashing::Default => Params::default(),
        PasswordHashing::InsecureFastForTests => Params::new(Params::MIN_M_COST, 1, 1, None)
            .map_err(|e| ServerError::Internal(format!("argon2 parameters: {e}")))?,
    };
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// An argon2id PHC string (parameters and salt included). Runs on the blocking pool: a default
/// hash takes tens of milliseconds of CPU, which must not stall the async workers.
pub async fn hash_password(
    hashing: PasswordHashing,
    password: &str,
) -> Result<String, ServerError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| ServerError::Internal(format!("password salt: {e}")))?;
        argon2(hashing)?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServerError::Internal(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| ServerError::Internal(format!("password hashing task: {e}")))?
}

/// Whether `password` matches `stored`. The parameters come from the stored string, so hashes made
/// with other settings keep working.
pub async fn verify_password(stored: &str, password: &str) -> Result<bool, ServerError> {
    let stored = stored.to_owned();
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| ServerError::Corrupt(format!("a stored password hash: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| ServerError::Internal(format!("password check task: {e}")))?
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hash_only_for_their_kind() {
        let a = new_token(TokenKind::Refresh);
        let b = new_token(TokenKind::Refresh);
        assert_ne!(a, b);
        assert!(a.starts_with("frt_") && a.len() == 4 + 43);
        let h = token_hash(TokenKind::Refresh, &a).unwrap();
        assert_eq!(h.len(), 64);
        assert!(!h.contains(&a[4..]));
        assert_eq!(token_hash(TokenKind::Access, &a), None);
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(validate_password("short").is_err());
        assert!(validate_password("ünïcødé!!!").is_ok());
        assert!(validate_password(&"x".repeat(513)).is_err());
    }

    #[test]
    fn emails_are_checked_loosely_and_lowercased() {
        assert_eq!(
            normalize_email(" Ann@Example.COM ").unwrap(),
            "ann@example.com"
        );
        for bad in [
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@.com",
            "a b@x.io",
            "ann@x..io",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn hashes_verify_and_do_not_contain_the_password() {
        let h = hash_password(
            PasswordHashing::InsecureFastForTests,
            "correct horse battery",
        )
        .await
        .unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(!h.contains("correct horse"));
        assert!(verify_password(&h, "correct horse battery").await.unwrap());
        assert!(!verify_password(&h, "wrong horse battery").await.unwrap());
    }
}
