//! The server's error type. Every failure a client can cause maps to one kind and one HTTP status;
//! messages say what is wrong and what to do, and never contain a secret, a hash or another
//! account's data.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Input rejected by a rule; `field` names the input it is about.
    #[error("{message}")]
    Validation {
        field: &'static str,
        message: String,
    },

    /// No credentials, or credentials that are wrong, expired or revoked.
    #[error("{0}")]
    Unauthenticated(String),

    /// The login is older than its absolute lifetime: refreshing cannot extend it.
    #[error("{0}")]
    SessionExpired(String),

    /// Authenticated, but the role or the site grants do not allow this.
    #[error("{0}")]
    Forbidden(String),

    /// Also the answer for anything that belongs to another account, so ids cannot be probed.
    #[error("{0} not found")]
    NotFound(&'static str),

    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },

    /// A plan limit (sites, users, keywords) would be exceeded.
    #[error("{0}")]
    Limit(String),

    /// Too many attempts (login, register, password reset, invite acceptance) from one address
    /// or for one email; answered 429 with `Retry-After`.
    #[error("too many attempts; wait {retry_after_secs} seconds before trying again")]
    RateLimited { retry_after_secs: u64 },

    /// The server is at its bound for password hashing; answered 503 with `Retry-After`.
    #[error("{0}")]
    Busy(String),

    /// This server has no mail transport, so nothing that needs an email can be done.
    #[error("mail is not configured on this server, so no email can be sent; ask an owner or admin for an invite link, or the operator to configure --smtp-host")]
    MailNotConfigured,

    /// The mail transport failed.
    #[error("{0}")]
    MailFailed(String),

    /// A bad command line or configuration (for example an unsupported database URL).
    #[error("{0}")]
    Config(String),

    #[error("cannot create the data directory {path}: {source}. Choose another with --data-dir or FOLIO_SERVER_DATA")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot open the database {url}: {source}")]
    Open {
        url: String,
        #[source]
        source: sqlx::Error,
    },

    #[error("cannot upgrade the server database schema: {0}. If this database was written by a newer folio-server, run that version")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    #[error("cannot listen on {addr}: {source}. Pick a free address with --listen")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },

    #[error("database error: {0}")]
    Storage(#[from] sqlx::Error),

    #[error("stored data is damaged: {0}")]
    Corrupt(String),

    #[error("internal error: {0}")]
    Internal(String),
}

impl ServerError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            field,
            message: message.into(),
        }
    }

    pub(crate) fn conflict(field: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            field,
            message: message.into(),
        }
    }

    /// The machine-readable kind in `{"error": {"kind", …}}`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "validation",
            Self::Unauthenticated(_) => "unauthenticated",
            Self::SessionExpired(_) => "session_expired",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::Limit(_) => "limit",
            Self::RateLimited { .. } => "rate_limited",
            Self::Busy(_) => "busy",
            Self::MailNotConfigured => "mail_not_configured",
            Self::MailFailed(_) => "mail_failed",
            Self::Config(_) | Self::DataDir { .. } | Self::Bind { .. } => "config",
            Self::Open { .. } | Self::Migrate(_) | Self::Storage(_) | Self::Corrupt(_) => "storage",
            Self::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthenticated(_) | Self::SessionExpired(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Limit(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::MailNotConfigured => StatusCode::NOT_IMPLEMENTED,
            Self::MailFailed(_) => StatusCode::BAD_GATEWAY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Validation { field, .. } | Self::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = match &self {
            Self::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            Self::Busy(_) => Some(1),
            _ => None,
        };
        // Server-side failures are logged in full here and answered with a generic message:
        // SQL errors can quote values, and a client can do nothing with them anyway.
        // Busy and mail errors are 5xx too, but their messages are written for the client.
        let hide = matches!(self.kind(), "internal" | "storage" | "config");
        let message = if hide {
            tracing::error!(error = %self, "request failed");
            "the server could not complete the request; try again, and tell the operator if it keeps failing".to_owned()
        } else {
            self.to_string()
        };
        let body = folio_sync::api::ErrorBody {
            error: folio_sync::api::ApiError {
                kind: self.kind().to_owned(),
                message,
                field: self.field().map(str::to_owned),
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<folio_sync::DocStoreError> for ServerError {
    fn from(e: folio_sync::DocStoreError) -> Self {
        match e {
            folio_sync::DocStoreError::Sql(e) => Self::Storage(e),
            corrupt @ folio_sync::DocStoreError::Corrupt { .. } => {
                Self::Corrupt(corrupt.to_string())
            }
        }
    }
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;
