//! Folio's replication layer, shared by the desktop core and the sync server.
//!
//! - [`api`]: the sync server's HTTP paths and JSON bodies, shared by device and server.
//! - [`doc_id`]: the names of the bounded documents an account's data lives in (DESIGN §3).
//! - [`frame`]: the binary frames client and server exchange over the WebSocket.
//! - [`close`]: the close codes the server ends a sync socket with (session over, removed).
//! - [`inflate_bound`]: how far a peer's sync message would inflate, measured before applying it.
//! - [`doc_store`]: documents and per-peer sync states in SQLite.
//! - [`keyword_batch`]: the keyword bucket documents' format.
//! - [`records`]: which records a document may hold (the trust rule inside an account).

pub mod api;
pub mod close;
pub mod doc_id;
pub mod doc_store;
pub mod frame;
pub mod inflate_bound;
pub mod keyword_batch;
pub mod records;

pub use close::{SessionClose, CLOSE_ACCESS_EXPIRED, CLOSE_REMOVED, CLOSE_SESSION_ENDED};
pub use doc_id::{DocId, DocKind, KEYWORD_BUCKETS};
pub use doc_store::{DocStoreError, Saved, StoredDoc};
pub use frame::{Frame, FrameError, Refusal, MAX_FRAME_BYTES};
