//! The core's error type. Messages are written for the person who typed the input: they say what
//! is wrong and what to do, and never contain a secret.

use folio_model::{ErrorDto, ErrorKind};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Input rejected by a rule; `field` names the input it is about.
    #[error("{message}")]
    Validation {
        field: &'static str,
        message: String,
    },

    /// The input clashes with existing data.
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },

    #[error("{what} not found")]
    NotFound { what: String },

    /// A keyword file that cannot be imported at all.
    #[error(transparent)]
    Import(#[from] crate::planner::keyword_file::ImportError),

    #[error("{0}")]
    Limit(String),

    /// The balance (or a local account's monthly budget) cannot cover an operation, which
    /// therefore did not start. `detail` splits `available` up; `hint` says how to get more.
    #[error("This needs {needed} credits but only {available} are left ({detail}); {hint}")]
    InsufficientCredits {
        needed: u64,
        available: u64,
        detail: String,
        hint: String,
    },

    #[error("cancelled; nothing was changed")]
    Cancelled,

    /// A job that allows one run per scope is already running (here or in another process);
    /// the message says which and where.
    #[error("{message}")]
    Busy { message: String },

    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// An image file could not be written into the data directory.
    #[error("cannot store the image file {path}: {source}. Check that the data directory is writable and its disk has space")]
    ImageFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot create the data directory {path}: {source}. Choose another with --data-dir or FOLIO_DATA_DIR")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("no data directory could be determined for this user; set FOLIO_DATA_DIR or pass --data-dir")]
    NoDataDir,

    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },

    #[error("cannot upgrade the database schema: {0}. If this data directory was written by a newer Folio, use that version")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    #[error("database error: {0}")]
    Storage(#[from] sqlx::Error),

    #[error("stored data is damaged: {0}")]
    Corrupt(String),

    /// Boxed: Automerge's error is large and would make every `Result` in core as large.
    #[error(transparent)]
    Document(Box<folio_sync::DocStoreError>),

    /// Talking to the sync server failed; the message says what to do.
    #[error("{0}")]
    Sync(String),

    /// The sync server did not accept the session (its message says to log in again).
    #[error("{0}")]
    Unauthenticated(String),

    /// The sync server does not let this person do that.
    #[error("{0}")]
    Forbidden(String),

    /// An AI provider call failed; the message says what to do (it never carries the key).
    #[error(transparent)]
    Ai(Box<folio_ai::AiError>),

    #[error(transparent)]
    Keychain(#[from] crate::keychain::KeychainError),

    /// Offline clustering: the model is missing or damaged, too many keywords, a bad threshold.
    #[error(transparent)]
    Embed(#[from] folio_embed::EmbedError),

    /// The WordPress site failed the request; the message says what to do. Nothing local was
    /// lost.
    #[error(transparent)]
    Wordpress(Box<folio_wordpress::WpError>),

    /// The WordPress user may not create a category (Authors cannot) the article needs.
    #[error(
        "WordPress user {user:?} may not create the {taxonomy} {name:?} (an Author can only use \
         existing categories). Create it in wp-admin (Posts → Categories), or connect with an \
         Editor or Administrator, then publish again"
    )]
    CannotCreateTerm {
        taxonomy: String,
        name: String,
        user: String,
        source: Box<folio_wordpress::WpError>,
    },

    /// The post was changed in wp-admin since Folio last saw it; an update would overwrite that.
    #[error(
        "Post {post_id} was edited in WordPress ({modified}) since Folio last published it \
         ({seen}); publishing now would overwrite that edit. Copy the change into Folio, or \
         publish again with force (--force in the CLI, Overwrite in the app) to replace it"
    )]
    EditedInWordpress {
        post_id: i64,
        modified: String,
        seen: String,
    },

    /// The password on this device cannot be used for the connection as it now stands (an entry
    /// from before passwords were bound to their address, or a connection without a REST
    /// address): connecting again on this device fixes it.
    // The address is synced (a teammate may have set it), so it is shown to be checked, not
    // pasted into the command as if it were trusted.
    #[error(
        "WordPress must be connected again on this device ({reason}): folio wp connect --site \
         {site} --url ADDRESS --user {user} (the application password on stdin), or Site → \
         WordPress in the app. The connection currently names {url} — check that it is really \
         your site before typing the password"
    )]
    WordpressReconnect {
        site: folio_model::SiteId,
        user: String,
        url: String,
        reason: String,
    },

    /// The post this article would update (found by its stored id or its slug) is not one
    /// Folio published for this article (no Folio marker for it in its content): updating it
    /// would overwrite someone else's post.
    #[error(
        "Post {post_id} on the site (slug {slug:?}) is not one Folio published for this article \
         (it carries no Folio mark for it); publishing would overwrite it. Change the article's \
         slug, or publish again with force (--force in the CLI, Overwrite in the app) if that post \
         really is this article (a post re-saved in the block editor loses the mark)"
    )]
    ForeignPost { post_id: i64, slug: String },

    #[error("cannot set up logging: {0}")]
    Logging(String),

    #[error("internal error: {0}")]
    Internal(String),
}

impl From<folio_sync::DocStoreError> for CoreError {
    fn from(e: folio_sync::DocStoreError) -> Self {
        Self::Document(Box::new(e))
    }
}

impl From<folio_ai::AiError> for CoreError {
    fn from(e: folio_ai::AiError) -> Self {
        match e.kind {
            folio_ai::AiErrorKind::Cancelled => Self::Cancelled,
            _ => Self::Ai(Box::new(e)),
        }
    }
}

impl CoreError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation {
            field,
            message: message.into(),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Validation { .. } => ErrorKind::Validation,
            Self::Conflict { .. } => ErrorKind::Conflict,
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Import(_) | Self::ReadFile { .. } => ErrorKind::Validation,
            Self::Limit(_) => ErrorKind::Limit,
            Self::InsufficientCredits { .. } => ErrorKind::InsufficientCredits,
            Self::Cancelled => ErrorKind::Cancelled,
            Self::Busy { .. } => ErrorKind::Conflict,
            Self::Open { .. }
            | Self::Migrate(_)
            | Self::Storage(_)
            | Self::Corrupt(_)
            | Self::Document(_)
            | Self::ImageFile { .. } => ErrorKind::Storage,
            Self::Sync(_) => ErrorKind::Sync,
            Self::Unauthenticated(_) => ErrorKind::Unauthenticated,
            Self::Forbidden(_) => ErrorKind::Forbidden,
            Self::Ai(_) => ErrorKind::Provider,
            Self::Keychain(_) => ErrorKind::Internal,
            Self::Embed(e) => match e {
                folio_embed::EmbedError::Threshold(_) => ErrorKind::Validation,
                folio_embed::EmbedError::TooMany { .. } => ErrorKind::Limit,
                _ => ErrorKind::Internal,
            },
            Self::Wordpress(_) | Self::CannotCreateTerm { .. } => ErrorKind::Wordpress,
            Self::EditedInWordpress { .. } | Self::ForeignPost { .. } => ErrorKind::Conflict,
            Self::WordpressReconnect { .. } => ErrorKind::Wordpress,
            Self::DataDir { .. } | Self::NoDataDir | Self::Logging(_) | Self::Internal(_) => {
                ErrorKind::Internal
            }
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Validation { field, .. } | Self::Conflict { field, .. } => Some(field),
            Self::Import(_) | Self::ReadFile { .. } => Some("file"),
            Self::Embed(folio_embed::EmbedError::Threshold(_)) => Some("threshold"),
            _ => None,
        }
    }

    /// The `{kind, message, field}` shape the UI and the CLI's `--json` show.
    pub fn to_dto(&self) -> ErrorDto {
        let mut dto = ErrorDto::new(self.kind(), self.to_string());
        if let Some(f) = self.field() {
            dto = dto.with_field(f);
        }
        match self {
            Self::Ai(e) => dto = dto.with_code(e.kind.as_str()),
            Self::Wordpress(e) => dto = dto.with_code(e.code()),
            Self::CannotCreateTerm { .. } => dto = dto.with_code("forbidden"),
            Self::EditedInWordpress { .. } => dto = dto.with_code("edited_in_wordpress"),
            Self::ForeignPost { .. } => dto = dto.with_code("foreign_post"),
            Self::WordpressReconnect { .. } => dto = dto.with_code("reconnect_required"),
            Self::Busy { .. } => dto = dto.with_code("busy"),
            Self::Embed(e) => dto = dto.with_code(e.code()),
            _ => {}
        }
        dto
    }
}

impl From<CoreError> for ErrorDto {
    fn from(e: CoreError) -> Self {
        e.to_dto()
    }
}
