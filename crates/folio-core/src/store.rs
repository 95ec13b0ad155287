//! The store: the only place that knows SQL shapes shared by features.
//!
//! - [`open`]: one SQLite database per data directory, migrated at open, and the [`Folio`]
//!   handle every operation hangs off.
//! - [`write_tx`]: the one write path — rows and their Automerge documents commit together.
//! - [`mirror`] (rows → documents) and [`projection`] (documents → rows), [`keyword_docs`] (keywords
//!   as import batches plus decisions) and [`keyword_index`] (the in-memory keyword lists).
//! - [`db`] (row helpers), [`scope`] (site/sector checks) and [`local_meta`] (device-local facts).

pub mod authorship;
pub mod db;
pub(crate) mod doc_cache;
pub mod keyword_docs;
pub mod keyword_index;
pub mod local_meta;
pub mod mirror;
pub mod open;
pub mod projection;
pub mod scope;
pub mod write_tx;

pub use open::Folio;
pub use write_tx::{Entity, WriteTx};
