//! Secrets (tokens, passwords) in the OS keychain rather than in Folio's own files.
//!
//! Every secret is one keychain entry: the service names the owner ("folio", or a unique one per
//! test run), the entry name says which secret it is. Secrets never pass through `Debug`,
//! `Display` or the log: errors describe the keychain, not what was being stored.

/// The service name when `FOLIO_KEYCHAIN_SERVICE` is not set.
const DEFAULT_SERVICE: &str = "folio";

/// Overrides the service name so tests and side-by-side installs never touch the real entries.
pub const SERVICE_ENV: &str = "FOLIO_KEYCHAIN_SERVICE";

/// Secrets of one kind of owner in the OS keychain (Secret Service on Linux, Keychain on macOS,
/// Credential Manager on Windows). Never logs or formats a secret.
#[derive(Clone, Debug)]
pub struct Keychain {
    service: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    /// No keychain could be reached or opened; `reason` is the platform's own explanation.
    #[error("no OS keychain is available ({reason}): {hint}", hint = UNAVAILABLE_HINT)]
    Unavailable { reason: String },
    #[error(
        "access to the OS keychain was denied: allow Folio when the keychain asks, or unlock the \
         keychain, then try again"
    )]
    Denied,
    #[error("OS keychain error: {0}")]
    Other(String),
}

#[cfg(target_os = "linux")]
const UNAVAILABLE_HINT: &str = "on Linux start and unlock a Secret Service such as gnome-keyring \
     or KWallet in your desktop session (in a headless shell or CI, run the command under \
     scripts/headless.sh, which starts a throwaway one)";
#[cfg(target_os = "macos")]
const UNAVAILABLE_HINT: &str =
    "on macOS unlock your login keychain (Keychain Access) and allow Folio to use it";
#[cfg(target_os = "windows")]
const UNAVAILABLE_HINT: &str =
    "on Windows sign in with a user profile that can use Credential Manager";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const UNAVAILABLE_HINT: &str =
    "Folio supports the OS keychains of Linux (Secret Service), macOS and Windows only";

/// The entry holding an AI provider's API key for one account: keys belong to the account the
/// person pays the provider through, so switching accounts never uses another account's key.
pub fn provider_key_entry(account: &folio_model::AccountId, provider: &str) -> String {
    format!("ai-key:{account}:{provider}")
}

/// The entry holding a WordPress application password for one (site, WordPress user); its value
/// is a [`WordpressSecret`].
pub fn wordpress_password_entry(site: &folio_model::SiteId, user: &str) -> String {
    format!("wp-app-password:{site}:{user}")
}

/// The value stored in a [`wordpress_password_entry`]: the application password together with the
/// origin (scheme, host, port) of the REST root it was connected with on this device, and
/// whether that connection allowed plain http. Binding the origin here — on the device, not in
/// the synced integration row — is what lets Folio refuse to send the password anywhere a
/// teammate (or another device) has since pointed the connection.
///
/// Entries written before version 1 held the bare password; [`WordpressSecret::parse`] reads them
/// as `None` and the caller asks for a reconnect, since nothing says which origin they were for.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WordpressSecret {
    /// Format version (1).
    pub v: u32,
    pub origin: String,
    pub password: String,
    #[serde(default)]
    pub allow_insecure_http: bool,
}

impl std::fmt::Debug for WordpressSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordpressSecret")
            .field("v", &self.v)
            .field("origin", &self.origin)
            .field("password", &"<redacted>")
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl WordpressSecret {
    pub const VERSION: u32 = 1;

    pub fn new(
        origin: impl Into<String>,
        password: impl Into<String>,
        allow_insecure_http: bool,
    ) -> Self {
        Self {
            v: Self::VERSION,
            origin: origin.into(),
            password: password.into(),
            allow_insecure_http,
        }
    }

    /// The stored value as JSON (never logged).
    pub fn to_stored(&self) -> String {
        serde_json::json!({
            "v": self.v,
            "origin": self.origin,
            "password": self.password,
            "allow_insecure_http": self.allow_insecure_http,
        })
        .to_string()
    }

    /// `None` for an entry in the old format (a bare password, no origin) or of an unknown
    /// version.
    pub fn parse(stored: &str) -> Option<Self> {
        let secret: Self = serde_json::from_str(stored).ok()?;
        (secret.v == Self::VERSION && !secret.origin.trim().is_empty()).then_some(secret)
    }
}

/// The entry holding the one-click WordPress connection waiting for WordPress's answer on this
/// device (a [`folio_wordpress::PendingAuthorization`] as JSON plus the insecure-http choice):
/// one per site, replaced by a newer start and removed when used.
pub fn wordpress_authorize_entry(site: &folio_model::SiteId) -> String {
    format!("wp-authorize:{site}")
}

impl Default for Keychain {
    fn default() -> Self {
        Self::new()
    }
}

impl Keychain {
    /// The service name is "folio" unless FOLIO_KEYCHAIN_SERVICE is set (tests use a unique one).
    pub fn new() -> Self {
        match std::env::var(SERVICE_ENV) {
            Ok(service) if !service.trim().is_empty() => Self::with_service(service),
            _ => Self::with_service(DEFAULT_SERVICE),
        }
    }

    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// Stores `secret` under `name`, replacing any earlier one.
    pub async fn set(&self, name: &str, secret: &str) -> Result<(), KeychainError> {
        let secret = secret.to_owned();
        self.blocking(name, move |service, name| {
            backend::set(&service, &name, &secret)
        })
        .await
    }

    /// The secret stored under `name`, or `None` when there is none.
    pub async fn get(&self, name: &str) -> Result<Option<String>, KeychainError> {
        self.blocking(name, |service, name| backend::get(&service, &name))
            .await
    }

    /// Removes the secret stored under `name`; `false` when there was none.
    pub async fn delete(&self, name: &str) -> Result<bool, KeychainError> {
        self.blocking(name, |service, name| backend::delete(&service, &name))
            .await
    }

    /// Keychain calls block on IPC (D-Bus, XPC, RPC) and may wait for an unlock prompt, so they
    /// run on tokio's blocking pool instead of stalling the async workers.
    async fn blocking<T, F>(&self, name: &str, call: F) -> Result<T, KeychainError>
    where
        T: Send + 'static,
        F: FnOnce(String, String) -> Result<T, KeychainError> + Send + 'static,
    {
        if name.is_empty() {
            return Err(KeychainError::Other(
                "a keychain entry needs a non-empty name".to_owned(),
            ));
        }
        let service = self.service.clone();
        let name = name.to_owned();
        tokio::task::spawn_blocking(move || call(service, name))
            .await
            // The join error's text could carry a panic payload, so it is not passed on.
            .map_err(|_| {
                KeychainError::Other("the keychain call panicked or was cancelled".into())
            })?
    }
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
mod backend {
    use super::KeychainError;
    use keyring::{Entry, Error};

    pub(super) fn set(service: &str, name: &str, secret: &str) -> Result<(), KeychainError> {
        entry(service, name)?
            .set_password(secret)
            .map_err(map_error)
    }

    pub(super) fn get(service: &str, name: &str) -> Result<Option<String>, KeychainError> {
        match entry(service, name)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(Error::NoEntry) => Ok(None),
            Err(err) => Err(map_error(err)),
        }
    }

    pub(super) fn delete(service: &str, name: &str) -> Result<bool, KeychainError> {
        match entry(service, name)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(Error::NoEntry) => Ok(false),
            Err(err) => Err(map_error(err)),
        }
    }

    fn entry(service: &str, name: &str) -> Result<Entry, KeychainError> {
        Entry::new(service, name).map_err(map_error)
    }

    /// Builds each message from the parts that describe the keychain only: `BadEncoding` carries
    /// the stored bytes, so keyring's own `Debug` of an error is never used.
    fn map_error(err: Error) -> KeychainError {
        match err {
            Error::PlatformFailure(inner) | Error::NoStorageAccess(inner) => {
                let reason = inner.to_string();
                if looks_denied(&reason) {
                    KeychainError::Denied
                } else {
                    KeychainError::Unavailable { reason }
                }
            }
            Error::NoEntry => KeychainError::Other("no such keychain entry".to_owned()),
            Error::BadEncoding(_) => {
                KeychainError::Other("the stored secret is not valid UTF-8".to_owned())
            }
            Error::TooLong(attribute, limit) => KeychainError::Other(format!(
                "the entry's {attribute} is longer than this keychain's limit of {limit}"
            )),
            Error::Invalid(attribute, reason) => {
                KeychainError::Other(format!("invalid keychain entry {attribute}: {reason}"))
            }
            Error::Ambiguous(matches) => KeychainError::Other(format!(
                "{} keychain entries match where one was expected; remove the extra ones",
                matches.len()
            )),
            // keyring's enum is non-exhaustive; its Display never prints stored data.
            other => KeychainError::Other(other.to_string()),
        }
    }

    /// Platforms report a refusal as a generic failure; only its text tells it apart (Secret
    /// Service: "unlock prompt was dismissed"; macOS: "User canceled the operation").
    fn looks_denied(reason: &str) -> bool {
        let reason = reason.to_ascii_lowercase();
        ["dismissed", "canceled", "cancelled", "denied"]
            .iter()
            .any(|word| reason.contains(word))
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
mod backend {
    use super::KeychainError;

    fn unsupported() -> KeychainError {
        KeychainError::Unavailable {
            reason: format!("no OS keychain backend for {}", std::env::consts::OS),
        }
    }

    pub(super) fn set(_: &str, _: &str, _: &str) -> Result<(), KeychainError> {
        Err(unsupported())
    }

    pub(super) fn get(_: &str, _: &str) -> Result<Option<String>, KeychainError> {
        Err(unsupported())
    }

    pub(super) fn delete(_: &str, _: &str) -> Result<bool, KeychainError> {
        Err(unsupported())
    }
}
