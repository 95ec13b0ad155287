//! One error type for everything that can go wrong talking to a WordPress site, worded so a
//! site owner knows what to change. None of the variants ever holds the application password.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// What went wrong, independent of the details; drives retries, the doctor and UI wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WpErrorKind {
    /// HTTP 401: the login was not accepted (or was never sent).
    Auth,
    /// HTTP 403: logged in, but the user's role does not allow the action.
    Forbidden,
    /// HTTP 404 (or 410): the post, term or route does not exist.
    NotFound,
    /// WordPress answered HTML or broken JSON where JSON was expected.
    NotJson,
    /// HTTP 501 `application_passwords_disabled*`.
    AppPasswordsUnavailable,
    /// HTTP 5xx.
    Server,
    Timeout,
    /// Connect, DNS or TLS failure.
    Unreachable,
    /// HTTP 400 (and other 4xx): WordPress rejected the request's content.
    Invalid,
    /// Discovery found no WordPress REST API at the address.
    NoRestApi,
    /// The application password was about to go to an origin other than the one it was
    /// connected with on this device; nothing was sent.
    OriginChanged,
    /// Plain `http://` to a host that is not this computer, without the connection's opt-in.
    InsecureHttp,
    /// The answer was larger than Folio reads from a WordPress site.
    TooLarge,
    /// The address WordPress sent back from the one-click connection is not the answer to the
    /// authorization this device started.
    AuthorizeRefused,
    Other,
}

impl WpErrorKind {
    /// Stable snake-case code, stored in publishing records and shown to scripts.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auth => "auth",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::NotJson => "not_json",
            Self::AppPasswordsUnavailable => "app_passwords_unavailable",
            Self::Server => "server",
            Self::Timeout => "timeout",
            Self::Unreachable => "unreachable",
            Self::Invalid => "invalid",
            Self::NoRestApi => "no_rest_api",
            Self::OriginChanged => "origin_changed",
            Self::InsecureHttp => "insecure_http",
            Self::TooLarge => "too_large",
            Self::AuthorizeRefused => "authorize_refused",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for WpErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of every `WpClient` call.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WpError {
    #[error("{}", auth_text(.user.as_deref(), .wp_code.as_deref(), .message))]
    Auth {
        /// The user name that was sent (`None`: no credentials were configured).
        user: Option<String>,
        wp_code: Option<String>,
        message: String,
    },

    #[error("{}", forbidden_text(.wp_code.as_deref(), .message))]
    Forbidden {
        wp_code: Option<String>,
        message: String,
    },

    #[error("WordPress has nothing at {url} (HTTP {status}{}){}", code_part(.wp_code.as_deref()), detail(.message))]
    NotFound {
        url: String,
        status: u16,
        wp_code: Option<String>,
        message: String,
    },

    #[error(
        "WordPress answered {url} with something that is not JSON (HTTP {status}, {content_type}): \"{snippet}\" — \
         a plugin or theme is printing HTML into API responses (or the site shows a maintenance page); \
         check the site's PHP error log or disable plugins one by one"
    )]
    NotJson {
        url: String,
        status: u16,
        content_type: String,
        /// The page's `<title>`, or the start of its text.
        snippet: String,
    },

    #[error(
        "application passwords are not available on this site ({wp_code}): {message} — WordPress only offers them \
         over HTTPS (or with WP_ENVIRONMENT_TYPE set to local), and security plugins can switch them off; \
         enable HTTPS or allow application passwords, then connect again"
    )]
    AppPasswordsUnavailable { wp_code: String, message: String },

    #[error(
        "the WordPress site had an internal error (HTTP {status}{}){} — try again later; if it keeps happening, check the site's PHP error log",
        code_part(.wp_code.as_deref()),
        detail(.message)
    )]
    Server {
        status: u16,
        wp_code: Option<String>,
        message: String,
    },

    #[error(
        "{host} did not answer within {} — the site may be overloaded or slow; try again later",
        human_duration(*.after)
    )]
    Timeout { host: String, after: Duration },

    #[error("could not reach {host}: {detail} — check the address and that the site is online")]
    Unreachable { host: String, detail: String },

    #[error("WordPress rejected the request (HTTP {status}{}){}{}", code_part(.wp_code.as_deref()), detail(.message), params_part(.params))]
    Invalid {
        status: u16,
        wp_code: Option<String>,
        message: String,
        /// `data.params`: parameter → what is wrong with it.
        params: BTreeMap<String, String>,
        /// `data.term_id` of a `term_exists` answer: the term that already exists.
        term_id: Option<i64>,
    },

    #[error(
        "no WordPress REST API found at {site_url} (tried {}) — check the address; if it is a WordPress site, \
         a security plugin may be blocking the REST API (/wp-json/)",
        .tried.join(", ")
    )]
    NoRestApi {
        site_url: String,
        tried: Vec<String>,
    },

    /// The secret is bound to the origin (scheme, host, port) it was connected with; a REST root
    /// elsewhere (set by another device, or a redirect) never gets it.
    #[error(
        "the site's WordPress address changed to {requested} (the application password on this device \
         was connected for {trusted}); nothing was sent — reconnect WordPress on this device to trust \
         the new address (folio wp connect, or Site → WordPress in the app)"
    )]
    OriginChanged { trusted: String, requested: String },

    #[error(
        "{url} is plain http to another computer: the application password and the posts would cross \
         the network unencrypted — use the site's https:// address, or, for a site on your own \
         network, connect with --allow-insecure (the \"Allow insecure http\" box in the app)"
    )]
    InsecureHttp { url: String },

    #[error(
        "{url} answered with more than {} MiB, more than any WordPress answer Folio needs; the site \
         (or something in front of it) is misbehaving — check the address and try again later",
        .limit / (1024 * 1024)
    )]
    TooLarge { url: String, limit: usize },

    #[error("{message}")]
    AuthorizeRefused { message: String },

    #[error("{message}")]
    Other { message: String },
}

impl WpError {
    pub fn kind(&self) -> WpErrorKind {
        match self {
            Self::Auth { .. } => WpErrorKind::Auth,
            Self::Forbidden { .. } => WpErrorKind::Forbidden,
            Self::NotFound { .. } => WpErrorKind::NotFound,
            Self::NotJson { .. } => WpErrorKind::NotJson,
            Self::AppPasswordsUnavailable { .. } => WpErrorKind::AppPasswordsUnavailable,
            Self::Server { .. } => WpErrorKind::Server,
            Self::Timeout { .. } => WpErrorKind::Timeout,
            Self::Unreachable { .. } => WpErrorKind::Unreachable,
            Self::Invalid { .. } => WpErrorKind::Invalid,
            Self::NoRestApi { .. } => WpErrorKind::NoRestApi,
            Self::OriginChanged { .. } => WpErrorKind::OriginChanged,
            Self::InsecureHttp { .. } => WpErrorKind::InsecureHttp,
            Self::TooLarge { .. } => WpErrorKind::TooLarge,
            Self::AuthorizeRefused { .. } => WpErrorKind::AuthorizeRefused,
            Self::Other { .. } => WpErrorKind::Other,
        }
    }

    /// Stable snake-case code (`auth`, `forbidden`, `not_json`, …).
    pub fn code(&self) -> &'static str {
        self.kind().as_str()
    }

    /// WordPress's own error code (`rest_cannot_create`, `term_exists`, …), when it sent one.
    pub fn wp_code(&self) -> Option<&str> {
        match self {
            Self::Auth { wp_code, .. }
            | Self::Forbidden { wp_code, .. }
            | Self::NotFound { wp_code, .. }
            | Self::Server { wp_code, .. }
            | Self::Invalid { wp_code, .. } => wp_code.as_deref(),
            Self::AppPasswordsUnavailable { wp_code, .. } => Some(wp_code),
            _ => None,
        }
    }

    /// The HTTP status WordPress answered with, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Auth { .. } => Some(401),
            Self::Forbidden { .. } => Some(403),
            Self::AppPasswordsUnavailable { .. } => Some(501),
            Self::NotFound { status, .. }
            | Self::NotJson { status, .. }
            | Self::Server { status, .. }
            | Self::Invalid { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The existing term's id of a `term_exists` rejection.
    pub fn term_id(&self) -> Option<i64> {
        match self {
            Self::Invalid { term_id, .. } => *term_id,
            _ => None,
        }
    }

    /// Whether a GET may be repeated in the hope of a different answer.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind(),
            WpErrorKind::Server | WpErrorKind::Timeout | WpErrorKind::Unreachable
        )
    }

    pub(crate) fn refused(message: impl Into<String>) -> Self {
        Self::AuthorizeRefused {
            message: message.into(),
        }
    }

    pub(crate) fn other(message: impl Into<String>) -> Self {
        Self::Other {
            message: message.into(),
        }
    }
}

fn auth_text(user: Option<&str>, wp_code: Option<&str>, message: &str) -> String {
    let code = code_part(wp_code);
    match user {
        Some(user) => format!(
            "WordPress did not accept the login for user {user} (HTTP 401{code}){} — check the application password \
             (create a new one under Users → Profile → Application Passwords; the normal login password does not work here); \
             if it is right, the web server may be stripping the Authorization header \
             (add `SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1` or `CGIPassAuth On` to .htaccess)",
            detail(message)
        ),
        None => format!(
            "WordPress requires a login for this (HTTP 401{code}){} — connect the site with a user name and an application password",
            detail(message)
        ),
    }
}

fn forbidden_text(wp_code: Option<&str>, message: &str) -> String {
    match wp_code {
        Some(code) => format!(
            "WordPress refused this action (HTTP 403, {code}){} — the WordPress user's role does not allow it; \
             publishing and uploading need Author or above, creating categories needs Editor or above",
            detail(message)
        ),
        // Not WordPress's JSON: a firewall or security plugin answered before WordPress ran.
        None => format!(
            "the site refused the request before WordPress saw it (HTTP 403){} — a firewall or security plugin \
             (Wordfence, Cloudflare, the host's WAF) is blocking the REST API; allow requests to /wp-json/ for logged-in users",
            detail(message)
        ),
    }
}

fn human_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{} s", d.as_secs_f64().ceil() as u64)
    }
}

fn code_part(wp_code: Option<&str>) -> String {
    wp_code.map(|c| format!(", {c}")).unwrap_or_default()
}

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

fn params_part(params: &BTreeMap<String, String>) -> String {
    if params.is_empty() {
        return String::new();
    }
    let list: Vec<String> = params.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!(" ({})", list.join("; "))
}
