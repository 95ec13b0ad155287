//! Folio's domain types and DTOs.
//!
//! This crate is compiled for the desktop core and for the wasm UI alike, so it must stay free of
//! tokio, sqlx, reqwest and anything else that does not build for `wasm32-unknown-unknown`.

pub mod error;
pub mod ids;
pub mod keyword;
pub mod site;
pub mod status;

pub use error::{ErrorDto, ErrorKind};
pub use ids::{
    AccountId, ClusterId, ContentId, IdeaId, ImageId, ImportId, KeywordId, SectorId, SiteId,
    TaskId, TermId, UserId,
};
pub use keyword::{
    ImportProgress, Intent, KeywordBulkAction, KeywordFilter, KeywordFormat, KeywordImportReport,
    KeywordPage, KeywordQuery, KeywordRow, KeywordSort, KeywordSortField, RejectedRow,
    MAX_KEYWORD_PAGE,
};
pub use site::{NewSite, Sector, Site, SiteList, MAX_SECTORS_PER_SITE};
pub use status::{
    transition, AutomationRunStatus, ClusterStatus, ContentStatus, IdeaStatus, ImageStatus,
    KeywordStatus, SiteStatus, Status, TaskStatus, TransitionError,
};
