//! Folio's domain types and DTOs.
//!
//! This crate is compiled for the desktop core and for the wasm UI alike, so it must stay free of
//! tokio, sqlx, reqwest and anything else that does not build for `wasm32-unknown-unknown`.

pub mod error;
pub mod ids;
pub mod keyword;
pub mod site;

pub use error::{ErrorDto, ErrorKind};
pub use ids::{AccountId, SectorId, SiteId};
pub use keyword::{Intent, KeywordFormat};
pub use site::{NewSite, Sector, Site, SiteList, MAX_SECTORS_PER_SITE};
