//! Folio's core: the one place where business rules live.
//!
//! The desktop shell, the CLI and (later) the sync server call these operations and nothing else;
//! they parse input, call one operation and map its [`CoreError`] to an [`folio_model::ErrorDto`].

pub mod accounts;
pub mod ai_calls;
pub mod defaults;
pub mod error;
pub mod image_store;
pub mod images;
pub mod keychain;
pub mod keyword_docs;
pub mod keyword_import;
mod keyword_index;
pub mod keywords;
pub mod ledger;
pub mod logging;
mod mirror;
pub mod model_registry;
pub mod paths;
pub mod planner;
pub mod projection;
pub mod prompts;
pub mod providers;
pub mod publisher;
pub mod seed_keywords;
pub mod settings;
pub mod site_settings;
pub mod sites;
pub mod store;
pub mod sync_client;
pub mod text;
pub mod wordpress;
pub mod write;
pub mod writer;

pub use error::CoreError;
pub use store::Folio;
pub use write::{Entity, WriteTx};
