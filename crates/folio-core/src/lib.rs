//! Folio's core: the one place where business rules live.
//!
//! The desktop shell, the CLI and the sync server call these operations and nothing else; they
//! parse input, call one operation and map its [`CoreError`] to an [`folio_model::ErrorDto`].
//!
//! Code lives in feature folders (docs/architecture.md maps each to what it owns):
//! [`store`] (the database, the one write path, documents ↔ rows), [`account`], [`sites`],
//! [`planner`] (keywords, clusters, ideas), [`writer`] (tasks, articles, images, terms), [`ai`]
//! (providers, models, prompts, paid calls), [`credits`] (the ledger), [`publishing`]
//! (WordPress), [`sync`] (the sync server) and [`jobs`] (long work: progress, cancel, locks).
//! Operations are methods of [`Folio`]; the paths re-exported below are the stable ones the shell
//! and the CLI import.

pub mod account;
pub mod ai;
pub mod automation;
pub mod credits;
pub mod dashboard;
pub mod defaults;
pub mod error;
pub mod files;
pub mod first_run;
pub mod jobs;
pub mod keychain;
pub mod logging;
pub mod paths;
pub mod pipeline;
pub mod planner;
pub mod publishing;
pub mod sites;
pub mod store;
pub mod sync;
pub mod text;
pub mod writer;

pub use error::CoreError;
/// The token long operations stop on ([`Folio::automation_daemon`]).
pub use folio_ai::CancellationToken;
pub use planner::keyword_import::ImportOptions;
pub use store::{Entity, Folio, WriteTx};
pub use writer::image_files::MAX_IMAGE_BYTES;
